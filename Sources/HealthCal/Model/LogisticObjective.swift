import Foundation
import LinearAlgebra

/// The penalized negative log-likelihood of logistic regression on an in-memory design,
///
///   f(β) = −Σ_i w_i [y_i η_i − log(1 + e^{η_i})] + (λ/2) Σ_{j penalized} β_j²,   η = Xβ,
///
/// with gradient −Xᵀ(w ∘ (y − μ)) + λβ and Hessian Xᵀ diag(w μ(1−μ)) X + λI (penalized part).
///
/// The Hessian and gradient are sums over rows, accumulated block by block
/// (`WeightedGramAccumulator`); this is the seam where a stream of row chunks or an aggregate SQL
/// query could supply the same p x p and p-vector sums.
struct LogisticObjective: NewtonObjective {
    let x: Matrix
    let y: [Double]
    let w: [Double]
    let ridge: Double
    /// Which coefficients the ridge penalty applies to (false for the intercept).
    let penalized: [Bool]
    private(set) var eta: [Double]
    private var beta: [Double]

    init(x: Matrix, y: [Double], weights: [Double], ridge: Double, penalized: [Bool]) {
        self.x = x
        self.y = y
        self.w = weights
        self.ridge = ridge
        self.penalized = penalized
        self.eta = [Double](repeating: 0, count: x.rows)
        self.beta = [Double](repeating: 0, count: x.cols)
    }

    var parameterCount: Int { x.cols }

    /// −log-likelihood (without the penalty) at the point last evaluated.
    private(set) var negativeLogLikelihood = 0.0

    mutating func value(at beta: [Double]) throws -> Double {
        self.beta = beta
        try x.multiplyParallel(beta, into: &eta)
        var nll = 0.0
        eta.withUnsafeBufferPointer { e in
            y.withUnsafeBufferPointer { yp in
                w.withUnsafeBufferPointer { wp in
                    for i in 0..<e.count {
                        nll += wp[i] * logisticLoss(eta: e[i], y: yp[i])
                    }
                }
            }
        }
        negativeLogLikelihood = nll
        return nll + penalty(beta)
    }

    mutating func derivatives() throws -> (gradient: [Double], hessian: Matrix) {
        let n = x.rows
        var hw = [Double](repeating: 0, count: n)
        var residual = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let mu = sigmoid(eta[i])
            hw[i] = w[i] * mu * (1 - mu)
            residual[i] = w[i] * (mu - y[i])
        }
        let acc = try WeightedGramAccumulator.parallelSum(x, weights: hw, vector: residual)
        var h = acc.symmetricGram
        var g = acc.vector
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

/// 1 / (1 + e^−η), without overflow for large |η|.
@inline(__always) func sigmoid(_ eta: Double) -> Double {
    if eta >= 0 { return 1 / (1 + exp(-eta)) }
    let e = exp(eta)
    return e / (1 + e)
}

/// −[y η − log(1 + e^η)] computed as max(η, 0) + log1p(e^−|η|) − y η, which neither overflows
/// nor loses the small tail probabilities.
@inline(__always) func logisticLoss(eta: Double, y: Double) -> Double {
    max(eta, 0) + log1p(exp(-abs(eta))) - y * eta
}
