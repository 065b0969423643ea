import Foundation
import LinearAlgebra

/// The penalized negative log-likelihood of logistic regression on an in-memory design,
///
///   f(β) = −Σ_i w_i [y_i η_i − log(1 + e^{η_i})] + (λ/2) Σ_{j penalized} β_j²,   η = Xβ,
///
/// with gradient −Xᵀ(w ∘ (y − μ)) + λβ and Hessian Xᵀ diag(w μ(1−μ)) X + λI (penalized part).
///
/// The Hessian and gradient are sums over rows, accumulated chunk by chunk on all cores
/// (`Parallel`, `WeightedGramAccumulator`) and added in chunk order, so the result does not
/// depend on the core count. This is the seam where a stream of row chunks or an aggregate SQL
/// query could supply the same p x p and p-vector sums.
struct LogisticObjective: NewtonObjective {
    let x: Matrix
    let y: [Double]
    let w: [Double]
    let ridge: Double
    /// Which coefficients the ridge penalty applies to (false for the intercept).
    let penalized: [Bool]
    /// η = Xβ at the point last evaluated, and e^{−|η|} (kept so the derivatives need no second `exp`).
    private(set) var eta: [Double]
    private var expNegAbs: [Double]
    private var beta: [Double]

    init(x: Matrix, y: [Double], weights: [Double], ridge: Double, penalized: [Bool]) {
        self.x = x
        self.y = y
        self.w = weights
        self.ridge = ridge
        self.penalized = penalized
        self.eta = [Double](repeating: 0, count: x.rows)
        self.expNegAbs = [Double](repeating: 1, count: x.rows)
        self.beta = [Double](repeating: 0, count: x.cols)
    }

    var parameterCount: Int { x.cols }

    /// −log-likelihood (without the penalty) at the point last evaluated.
    private(set) var negativeLogLikelihood = 0.0

    mutating func value(at beta: [Double]) throws -> Double {
        self.beta = beta
        let n = x.rows, p = x.cols, x = self.x, y = self.y, w = self.w
        let partial = ChunkSums(count: Parallel.chunkCount(n))
        eta.withUnsafeMutableBufferPointer { ep in
            expNegAbs.withUnsafeMutableBufferPointer { xp in
                let etaOut = SharedBuffer(ep.baseAddress!), expOut = SharedBuffer(xp.baseAddress!)
                Parallel.forEachChunk(of: 0..<n) { k, rows in
                    x.multiplyRows(rows, beta, into: etaOut.base)
                    var s = 0.0
                    y.withUnsafeBufferPointer { yp in
                        w.withUnsafeBufferPointer { wp in
                            for i in rows {
                                let e = etaOut.base[i]
                                let t = exp(-abs(e))
                                expOut.base[i] = t
                                // −[y η − log(1 + e^η)] = max(η, 0) + log1p(e^−|η|) − y η
                                s += wp[i] * (max(e, 0) + log1p(t) - yp[i] * e)
                            }
                        }
                    }
                    partial.values[k] = s
                }
            }
        }
        _ = p
        negativeLogLikelihood = partial.values.reduce(0, +)
        return negativeLogLikelihood + penalty(beta)
    }

    mutating func derivatives() throws -> (gradient: [Double], hessian: Matrix) {
        let n = x.rows, x = self.x, y = self.y, w = self.w, eta = self.eta, expNegAbs = self.expNegAbs
        let slots = ChunkAccumulators(count: Parallel.chunkCount(n))
        Parallel.forEachChunk(of: 0..<n) { k, rows in
            var hw = [Double](repeating: 0, count: rows.count)
            var residual = [Double](repeating: 0, count: rows.count)
            for (j, i) in rows.enumerated() {
                let t = expNegAbs[i]
                let mu = eta[i] >= 0 ? 1 / (1 + t) : t / (1 + t)
                hw[j] = w[i] * mu * (1 - mu)
                residual[j] = w[i] * (mu - y[i])
            }
            var acc = WeightedGramAccumulator(cols: x.cols)
            try? acc.add(x, rows: rows, weights: hw, vector: residual, offset: rows.lowerBound)
            slots.values[k] = acc
        }
        var total = WeightedGramAccumulator(cols: x.cols)
        for part in slots.values {
            guard let part else { throw FitError.numerical("a chunk of rows was not summed") }
            try total.merge(part)
        }
        var h = total.symmetricGram
        var g = total.vector
        for j in 0..<x.cols where penalized[j] {
            g[j] += ridge * beta[j]
            h[j, j] += ridge
        }
        return (g, h)
    }

    func penalty(_ beta: [Double]) -> Double {
        guard ridge > 0 else { return 0 }
        var s = 0.0
        for j in beta.indices where penalized[j] { s += beta[j] * beta[j] }
        return 0.5 * ridge * s
    }
}

/// Per-chunk results, each slot written by exactly one chunk and read after all finished.
final class ChunkSums: @unchecked Sendable {
    var values: [Double]
    init(count: Int) { values = Array(repeating: 0, count: count) }
}

final class ChunkAccumulators: @unchecked Sendable {
    var values: [WeightedGramAccumulator?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
}

/// 1 / (1 + e^−η), without overflow for large |η|.
@inline(__always) func sigmoid(_ eta: Double) -> Double {
    if eta >= 0 { return 1 / (1 + exp(-eta)) }
    let e = exp(eta)
    return e / (1 + e)
}
