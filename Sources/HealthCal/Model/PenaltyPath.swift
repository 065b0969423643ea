import Foundation
import LinearAlgebra

/// The elastic-net path: fits at a decreasing grid of penalty sizes λ with a fixed mix α,
/// l1 = αλ and l2 = (1−α)λ (the sum-of-losses scale of `ElasticNet`), each fit warm-started
/// from the previous one (glmnet's pathwise strategy).
///
/// The grid (glmnet's): λ_max, the smallest λ at which every penalized weight is 0
/// (max_j |∂(−log L)/∂β_j| / α at the intercept-only fit; α is taken as at least 0.001 there, as
/// glmnet does, so a ridge path has a finite top), down to λ_max·`minRatio` in `count` steps
/// equally spaced in log λ.
public struct PenaltyPath: Sendable, Equatable, Codable {
    /// The L1 share α of the penalty, in [0, 1].
    public var alpha: Double
    /// Decreasing.
    public var lambdas: [Double]
    /// Design column names (the intercept first when there is one).
    public var names: [String]
    /// Coefficients at each λ (`lambdas.count` rows of `names.count`).
    public var coefficients: [[Double]]

    public static let defaultCount = 50
    public static let defaultMinRatio = 1e-3

    /// λ_max for `alpha` on this data.
    static func lambdaMax(x: Matrix, y: [Double], weights w: [Double], penalized: [Bool], alpha: Double,
                          hasIntercept: Bool) throws -> Double {
        let start = interceptOnly(y: y, weights: w, count: x.cols, hasIntercept: hasIntercept)
        var objective = LogisticObjective(x: x, y: y, weights: w, ridge: 0, penalized: penalized)
        let g = try objective.valueAndGradient(at: start).gradient
        let top = (0..<x.cols).filter { penalized[$0] }.map { abs(g[$0]) }.max() ?? 0
        return top / max(alpha, 1e-3)
    }

    /// The grid from `lambdaMax` down: `count` values, the last `lambdaMax · minRatio`.
    static func grid(lambdaMax: Double, count: Int = defaultCount, minRatio: Double = defaultMinRatio) -> [Double] {
        guard count > 1 else { return [lambdaMax] }
        let step = log(minRatio) / Double(count - 1)
        return (0..<count).map { lambdaMax * exp(step * Double($0)) }
    }

    static func interceptOnly(y: [Double], weights w: [Double], count p: Int, hasIntercept: Bool) -> [Double] {
        var start = [Double](repeating: 0, count: p)
        if hasIntercept {
            let rate = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / w.reduce(0, +)
            start[0] = log(rate / (1 - rate))
        }
        return start
    }

    /// Fits the path on `design` at `lambdas` (decreasing).
    static func fit(_ design: Design, y: [Double], weights: [Double]?, alpha: Double, lambdas: [Double],
                    tolerance: Double = 1e-10, maxIterations: Int = 100) throws -> PenaltyPath {
        let p = design.columnCount
        let w = weights ?? [Double](repeating: 1, count: design.rowCount)
        let penalized = (0..<p).map { !(design.hasIntercept && $0 == 0) }
        var beta = interceptOnly(y: y, weights: w, count: p, hasIntercept: design.hasIntercept)
        var rows: [[Double]] = []
        var evaluated: NewtonEvaluation? = nil, exact = true
        for lambda in lambdas {
            // Each λ starts from the previous one's point, gradient and XᵀWX (exact there or not).
            let r = try ElasticNet.minimize(x: design.x, y: y, weights: w, l1: alpha * lambda, l2: (1 - alpha) * lambda,
                                            penalized: penalized, start: beta, evaluated: evaluated,
                                            evaluatedHessianIsExact: exact, tolerance: tolerance,
                                            maxIterations: maxIterations, exactHessian: false)
            beta = r.beta
            (evaluated, exact) = (r.evaluation, r.hessianIsExact)
            rows.append(beta)
        }
        return PenaltyPath(alpha: alpha, lambdas: lambdas, names: design.names, coefficients: rows)
    }

    /// Number of non-zero penalized weights at each λ.
    public var nonZeroCounts: [Int] {
        let skip = names.first == "const" ? 1 : 0
        return coefficients.map { $0.dropFirst(skip).filter { $0 != 0 }.count }
    }
}
