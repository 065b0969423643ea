import Foundation
import LinearAlgebra

/// The penalized negative log-likelihood of logistic regression on an in-memory design,
///
///   f(β) = −Σ_i w_i [y_i η_i − log(1 + e^{η_i})] + (λ/2) Σ_{j penalized} β_j²,   η = Xβ,
///
/// with gradient −Xᵀ(w ∘ (y − μ)) + λβ and Hessian Xᵀ diag(w μ(1−μ)) X + λI (penalized part).
///
/// One evaluation is one pass over the design: each block of `blockRows` rows is read from
/// memory once, for η = Xβ, and while it is still in cache its rows' weights are computed and
/// the block is added to the Hessian and gradient. (Two passes, one for η and one for the
/// derivatives, read the n x p design twice; on a tall design that read is most of the cost.)
///
/// The sums run over fixed chunks of rows on all cores (`Parallel`) and are added in chunk
/// order, so the result does not depend on the core count. This is the seam where a stream of
/// row chunks or an aggregate SQL query could supply the same p x p and p-vector sums.
struct LogisticObjective: NewtonObjective {
    let x: Matrix
    let y: [Double]
    let w: [Double]
    let ridge: Double
    /// Which coefficients the ridge penalty applies to (false for the intercept).
    let penalized: [Bool]
    /// η = Xβ at the point last evaluated.
    private(set) var eta: [Double]
    /// Every weight is 1 (no weight column): the log terms of a block are then one logarithm of
    /// a product (see `evaluate`).
    let unitWeights: Bool

    /// Rows per block: a block of the design and its √w-scaled copy (2 x 512 x p doubles, 270 KB
    /// at p = 33) stay in a core's L2 cache between the reads.
    static let blockRows = 512

    init(x: Matrix, y: [Double], weights: [Double], ridge: Double, penalized: [Bool]) {
        self.x = x
        self.y = y
        self.w = weights
        self.ridge = ridge
        self.penalized = penalized
        self.eta = [Double](repeating: 0, count: x.rows)
        self.unitWeights = weights.allSatisfy { $0 == 1 }
    }

    var parameterCount: Int { x.cols }

    /// −log-likelihood (without the penalty) at the point last evaluated.
    private(set) var negativeLogLikelihood = 0.0

    mutating func value(at beta: [Double]) throws -> Double {
        try evaluate(at: beta, derivatives: .none).value
    }

    mutating func valueAndGradient(at beta: [Double]) throws -> NewtonEvaluation {
        try evaluate(at: beta, derivatives: .gradient)
    }

    mutating func valueAndDerivatives(at beta: [Double]) throws -> NewtonEvaluation {
        try evaluate(at: beta, derivatives: .hessian)
    }

    /// What a pass computes besides the value.
    private enum Derivatives { case none, gradient, hessian }

    /// The pass over the rows. The value is summed in the same order whatever else is computed,
    /// so every kind of pass agrees to the bit; so does the gradient, with or without the Hessian
    /// (the same block products, added in the same order).
    ///
    /// Each row's loss is max(η, 0) + log(1 + e^−|η|) − yη. With unit weights the logarithms of
    /// a block are taken as one, log Π(1 + e^−|η|): `log1p` per row was the most expensive part
    /// of a pass. Each factor is in [1, 2], so a block's product stays below 2^512, and each
    /// rounding of it adds at most 2^−53 to the logarithm: at most n · 1.1e-16 in all (1.2e-10
    /// on a million rows, typically ~1e-13), far below the rounding of the sum of n terms itself.
    /// With weights each row keeps w · log1p(e^−|η|).
    private mutating func evaluate(at beta: [Double], derivatives kind: Derivatives) throws -> NewtonEvaluation {
        let n = x.rows, p = x.cols, x = self.x, y = self.y, w = self.w, bs = Self.blockRows, unit = unitWeights
        let derivatives = kind != .none
        let parts = eta.withUnsafeMutableBufferPointer { ep in
            let etaOut = SharedBuffer(ep.baseAddress!)
            return Parallel.mapChunks(of: 0..<n) { _, rows -> ChunkPart in
                var acc = kind == .hessian ? WeightedGramAccumulator(cols: p, blockRows: bs) : nil
                var gradient = [Double](repeating: 0, count: kind == .gradient ? p : 0)
                let hw = UnsafeMutablePointer<Double>.allocate(capacity: bs)
                let residual = UnsafeMutablePointer<Double>.allocate(capacity: bs)
                defer { hw.deallocate(); residual.deallocate() }
                var s = 0.0
                y.withUnsafeBufferPointer { yp in
                    w.withUnsafeBufferPointer { wp in
                        var lo = rows.lowerBound
                        while lo < rows.upperBound {
                            let block = lo..<min(lo + bs, rows.upperBound)
                            x.multiplyRows(block, beta, into: etaOut.base)
                            var factors = 1.0
                            for i in block {
                                let e = etaOut.base[i]
                                let t = exp(-abs(e))
                                // −[y η − log(1 + e^η)] = max(η, 0) + log1p(e^−|η|) − y η
                                if unit {
                                    s += max(e, 0) - yp[i] * e
                                    factors *= 1 + t
                                } else {
                                    s += wp[i] * (max(e, 0) + log1p(t) - yp[i] * e)
                                }
                                if derivatives {
                                    let mu = e >= 0 ? 1 / (1 + t) : t / (1 + t)
                                    hw[i - lo] = wp[i] * mu * (1 - mu)
                                    residual[i - lo] = wp[i] * (mu - yp[i])
                                }
                            }
                            if unit { s += log(factors) }
                            if kind == .hessian {
                                // A shape mismatch leaves the chunk's slot empty: reported below.
                                do { try acc?.add(x, rows: block, weights: hw, vector: residual) } catch { acc = nil }
                            } else if kind == .gradient {
                                gradient.withUnsafeMutableBufferPointer { x.addTransposeRows(block, residual, into: $0.baseAddress!) }
                            }
                            lo = block.upperBound
                        }
                    }
                }
                return ChunkPart(loss: s, accumulator: acc, gradient: gradient)
            }
        }
        negativeLogLikelihood = parts.reduce(0) { $0 + $1.loss }
        let value = negativeLogLikelihood + penalty(beta)
        guard derivatives else { return NewtonEvaluation(value: value, gradient: [], hessian: Matrix(rows: 0, cols: 0)) }
        if kind == .gradient {
            // Chunk sums added in chunk order, as `WeightedGramAccumulator.merge` adds them.
            var g = [Double](repeating: 0, count: p)
            for part in parts.map(\.gradient) {
                guard part.count == p else { throw FitError.numerical("a chunk of rows was not summed") }
                for j in 0..<p { g[j] += part[j] }
            }
            for j in 0..<p where penalized[j] { g[j] += ridge * beta[j] }
            return NewtonEvaluation(value: value, gradient: g, hessian: Matrix(rows: 0, cols: 0))
        }
        var total = WeightedGramAccumulator(cols: p)
        for part in parts.map(\.accumulator) {
            guard let part else { throw FitError.numerical("a chunk of rows was not summed") }
            try total.merge(part)
        }
        var h = total.symmetricGram
        var g = total.vector
        for j in 0..<p where penalized[j] {
            g[j] += ridge * beta[j]
            h[j, j] += ridge
        }
        return NewtonEvaluation(value: value, gradient: g, hessian: h)
    }

    func penalty(_ beta: [Double]) -> Double {
        guard ridge > 0 else { return 0 }
        var s = 0.0
        for j in beta.indices where penalized[j] { s += beta[j] * beta[j] }
        return 0.5 * ridge * s
    }
}

/// One chunk's share of a pass: its loss, and its Hessian accumulator or gradient when asked.
struct ChunkPart {
    var loss: Double
    var accumulator: WeightedGramAccumulator?
    var gradient: [Double]
}

/// 1 / (1 + e^−η), without overflow for large |η|.
@inline(__always) func sigmoid(_ eta: Double) -> Double {
    if eta >= 0 { return 1 / (1 + exp(-eta)) }
    let e = exp(eta)
    return e / (1 + e)
}
