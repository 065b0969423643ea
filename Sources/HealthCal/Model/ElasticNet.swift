import Foundation
import LinearAlgebra

/// Elastic-net logistic regression: minimizes
///
///   F(β) = −log L(β) + l1 Σ_j |β_j| + (l2/2) Σ_j β_j²,   j over the penalized columns (never the intercept),
///
/// on the same sum-of-losses scale as `LogisticOptions.ridge` (l2 is ridge's λ). The penalty
/// applies to the design columns as the model sees them (after each feature's standardization).
///
/// glmnet's algorithm (Friedman, Hastie & Tibshirani 2010, J. Stat. Softw. 33(1)): each outer
/// step builds the quadratic approximation of −log L at β, g = Xᵀ(w(μ − y)) and H = XᵀWX
/// (H carried over from an earlier step while the steps contract fast: chord steps, below),
/// with one BLAS pass over the design (`LogisticObjective`), and minimizes that quadratic plus
/// the penalty exactly by coordinate descent with covariance updates on the p x p system
/// (soft-thresholding, no pass over the rows). The step to the minimizer is halved while F
/// rises. The run stops when the KKT conditions of F hold to `tolerance` on the gradient divided
/// by the sum of row weights (the mean-loss scale glmnet reports on).
enum ElasticNet {
    struct Result {
        var beta: [Double]
        /// XᵀWX (without the penalty) at `beta`; with `exactHessian: false`, possibly at an
        /// earlier point of the run (the last one where it was computed).
        var hessian: Matrix
        /// −log L with its gradient at `beta` and `hessian`: the next fit of a path starts from
        /// them (`evaluated`).
        var evaluation: NewtonEvaluation
        /// Whether `hessian` is XᵀWX at `beta`.
        var hessianIsExact: Bool
        var negativeLogLikelihood: Double
        /// F(β).
        var objective: Double
        var iterations: Int
        var converged: Bool
        /// The largest KKT violation at `beta`, on the mean-loss scale.
        var kktViolation: Double
    }

    /// The KKT violation must fall at least this much per step on a carried XᵀWX; a step that
    /// contracts less recomputes XᵀWX at its point.
    static let chordContraction = 0.1

    /// Minimizes F from `start` (a warm start along a λ path, or the intercept-only point).
    /// `evaluated`, −log L with its gradient at `start` and an XᵀWX (the previous fit's on a
    /// path, exact at `start` when `evaluatedHessianIsExact`), saves a pass over the design.
    ///
    /// Chord steps: XᵀWX, p² work per row, is the cost of a pass, while the gradient is p. So the
    /// quadratic model keeps the last XᵀWX computed for as long as each step cuts the KKT
    /// violation at least tenfold (`chordContraction`), and the candidates of a step are
    /// evaluated with value and gradient only. Every stopping decision uses the exact gradient,
    /// so the optimum is the same; along a λ path, where XᵀWX changes slowly, most steps need no
    /// new one. With `exactHessian` the result's `hessian` is recomputed at `beta` if it is not
    /// (the final fit's standard errors need it).
    static func minimize(x: Matrix, y: [Double], weights: [Double], l1: Double, l2: Double, penalized: [Bool],
                         start: [Double], evaluated: NewtonEvaluation? = nil, evaluatedHessianIsExact: Bool = true,
                         tolerance: Double = 1e-10, maxIterations: Int = 100, exactHessian: Bool = true) throws -> Result {
        let scale = weights.reduce(0, +)
        var objective = LogisticObjective(x: x, y: y, weights: weights, ridge: 0, penalized: penalized)
        var beta = start
        var here: NewtonEvaluation
        var exact: Bool
        if let evaluated {
            (here, exact) = (evaluated, evaluatedHessianIsExact)
        } else {
            (here, exact) = (try objective.valueAndDerivatives(at: beta), true)
        }
        var value = here.value + penalty(beta, l1: l1, l2: l2, penalized: penalized)
        var iterations = 0
        var violation = kkt(gradient: here.gradient, beta: beta, l1: l1, l2: l2, penalized: penalized) / scale
        func refresh() throws {
            here.hessian = try objective.valueAndDerivatives(at: beta).hessian
            exact = true
        }
        while violation > tolerance && iterations < maxIterations {
            iterations += 1
            let target = quadraticMinimizer(hessian: here.hessian, gradient: here.gradient, at: beta, l1: l1, l2: l2,
                                            penalized: penalized, tolerance: 1e-3 * tolerance * scale)
            // Halve the step while F rises. Within rounding of the optimum F is flat: a step that
            // raises it by no more than that is still taken when it lowers the KKT violation.
            var t = 1.0, accepted = false
            let before = violation
            for _ in 0..<40 {
                let candidate = zip(beta, target).map { $0 + t * ($1 - $0) }
                var next = try objective.valueAndGradient(at: candidate)
                next.hessian = here.hessian
                let nextValue = next.value + penalty(candidate, l1: l1, l2: l2, penalized: penalized)
                let nextViolation = kkt(gradient: next.gradient, beta: candidate, l1: l1, l2: l2, penalized: penalized) / scale
                let flat = 1e-13 * max(1, abs(value))
                if nextValue.isFinite && (nextValue <= value || (nextValue <= value + flat && nextViolation < violation)) {
                    (beta, here, value, violation, accepted) = (candidate, next, nextValue, nextViolation, true)
                    break
                }
                t /= 2
            }
            if !accepted {
                // A carried XᵀWX may be what failed: retry once from an exact one.
                guard !exact else { break }
                try refresh()
                continue
            }
            exact = false
            if violation > tolerance && violation > chordContraction * before { try refresh() }
        }
        if exactHessian && !exact { try refresh() }
        return Result(beta: beta, hessian: here.hessian, evaluation: here, hessianIsExact: exact,
                      negativeLogLikelihood: here.value, objective: value, iterations: iterations,
                      converged: violation <= tolerance, kktViolation: violation)
    }

    /// l1 Σ|β_j| + (l2/2) Σβ_j² over the penalized columns.
    static func penalty(_ beta: [Double], l1: Double, l2: Double, penalized: [Bool]) -> Double {
        var a = 0.0, s = 0.0
        for j in beta.indices where penalized[j] { a += abs(beta[j]); s += beta[j] * beta[j] }
        return l1 * a + 0.5 * l2 * s
    }

    /// The largest violation of F's optimality conditions, on the sum scale, given ∇(−log L):
    /// |g_j| for the intercept; |g_j + l2 β_j + l1 sign β_j| for a non-zero weight;
    /// max(0, |g_j| − l1) for a zero one (0 must lie in its subdifferential).
    static func kkt(gradient g: [Double], beta: [Double], l1: Double, l2: Double, penalized: [Bool]) -> Double {
        var worst = 0.0
        for j in beta.indices {
            let v: Double
            if !penalized[j] {
                v = abs(g[j])
            } else if beta[j] != 0 {
                v = abs(g[j] + l2 * beta[j] + (beta[j] > 0 ? l1 : -l1))
            } else {
                v = max(0, abs(g[j]) - l1)
            }
            worst = max(worst, v)
        }
        return worst
    }

    /// The minimizer of gᵀ(b − β) + ½(b − β)ᵀH(b − β) + penalty(b), by cyclic coordinate
    /// descent from b = β. The quadratic's gradient r = g + H(b − β) is kept up to date with one
    /// column of H per changed coordinate (glmnet's covariance updates), so a sweep costs p².
    /// Sweeps stop when no coordinate moves the gradient by more than `tolerance` (sum scale).
    static func quadraticMinimizer(hessian h: Matrix, gradient g: [Double], at beta: [Double], l1: Double, l2: Double,
                                   penalized: [Bool], tolerance: Double, maxSweeps: Int = 100_000) -> [Double] {
        let p = beta.count
        var b = beta, r = g
        h.storage.withUnsafeBufferPointer { hp in
            for _ in 0..<maxSweeps {
                var largest = 0.0
                for j in 0..<p {
                    let hjj = hp[j + j * p]
                    guard hjj > 0 || (penalized[j] && l2 > 0) else { continue }
                    let u = hjj * b[j] - r[j]
                    let new = penalized[j] ? softThreshold(u, l1) / (hjj + l2) : u / hjj
                    let d = new - b[j]
                    guard d != 0 else { continue }
                    b[j] = new
                    let col = hp.baseAddress! + j * p
                    for i in 0..<p { r[i] += d * col[i] }
                    largest = max(largest, abs(d) * (hjj + (penalized[j] ? l2 : 0)))
                }
                if largest <= tolerance { break }
            }
        }
        return b
    }

    /// sign(u)·max(|u| − t, 0).
    @inline(__always) static func softThreshold(_ u: Double, _ t: Double) -> Double {
        u > t ? u - t : (u < -t ? u + t : 0)
    }
}
