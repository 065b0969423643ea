import Foundation
import LinearAlgebra

/// Firth-penalized logistic regression: the maximum of log L + ½ log det I(β), finite even under
/// complete or quasi-complete separation, with logistf's inference (Heinze & Schemper 2002):
/// profile penalized-likelihood intervals and penalized likelihood-ratio tests.
enum FirthRegression {
    /// χ²₁ 0.95 quantile (= 1.959963984540054²): a profile interval holds the β_j whose penalized
    /// likelihood-ratio statistic is at most this.
    static let chiSquare95 = 3.841458820694124

    struct Maximum {
        var beta: [Double]
        /// −(log L + ½ log det I) at `beta`.
        var value: Double
        var logLikelihood: Double
        /// I(β) at `beta`, full p x p.
        var information: Matrix
        var iterations: Int
        var converged: Bool
    }

    /// The penalized maximum with the coordinates in `fixed` pinned, starting from the full
    /// vector `start` (its fixed coordinates are ignored).
    static func maximize(x: Matrix, y: [Double], w: [Double], fixed: [Int: Double] = [:], start: [Double],
                         settings: NewtonSettings) throws -> Maximum {
        var objective = FirthObjective(x: x, y: y, weights: w, fixed: fixed)
        // Fisher scoring converges linearly: a tighter decrement bound costs a few iterations and
        // puts the weights within about 1e-9 of the maximum, not 1e-6.
        var s = settings
        s.decrementTolerance = min(settings.decrementTolerance, 1e-18)
        let theta = objective.free.map { start[$0] }
        let outcome = try minimizeByNewton(&objective, from: theta, settings: s)
        let beta = objective.full(outcome.beta)
        // The objective was last evaluated at the returned point, with derivatives or without;
        // one more full evaluation there gives I(β̂) for the standard errors.
        _ = try objective.valueAndDerivatives(at: outcome.beta)
        guard outcome.value.isFinite else { throw FitError.numerical("the Firth fit reached a point where the information matrix is singular") }
        return Maximum(beta: beta, value: outcome.value, logLikelihood: objective.logLikelihood,
                       information: objective.information, iterations: outcome.iterations, converged: outcome.converged)
    }

    /// Profile interval and penalized-LR test of every coefficient, and the penalized LR test of
    /// the model against the intercept-only one (intercept free, every other weight 0).
    struct Inference {
        var lower: [Double?]
        var upper: [Double?]
        var pValues: [Double]
        var likelihoodRatio: Double
        var likelihoodRatioDF: Int
    }

    static func inference(x: Matrix, y: [Double], w: [Double], at best: Maximum, standardErrors se: [Double],
                          hasIntercept: Bool, settings: NewtonSettings) throws -> Inference {
        let p = best.beta.count
        var lower = [Double?](repeating: nil, count: p), upper = lower
        var pValues = [Double](repeating: .nan, count: p)
        for j in 0..<p {
            // Penalized LR test of β_j = 0 (logistf's default p-value).
            let atZero = try maximize(x: x, y: y, w: w, fixed: [j: 0], start: best.beta, settings: settings)
            pValues[j] = Distributions.chiSquareSurvival(max(0, 2 * (atZero.value - best.value)), degreesOfFreedom: 1)
            lower[j] = try profileLimit(x: x, y: y, w: w, j: j, direction: -1, best: best, step: se[j], settings: settings)
            upper[j] = try profileLimit(x: x, y: y, w: w, j: j, direction: 1, best: best, step: se[j], settings: settings)
        }
        var fixed: [Int: Double] = [:]
        for j in (hasIntercept ? 1 : 0)..<p { fixed[j] = 0 }
        var lr = 0.0
        if !fixed.isEmpty {
            let null = try maximize(x: x, y: y, w: w, fixed: fixed, start: best.beta, settings: settings)
            lr = max(0, 2 * (null.value - best.value))
        }
        return Inference(lower: lower, upper: upper, pValues: pValues, likelihoodRatio: lr, likelihoodRatioDF: fixed.count)
    }

    /// The β_j on the `direction` side of β̂_j where 2(f(β_j) − f(β̂)) = χ²₁(0.95), f(β_j) the
    /// minimum of the penalized objective with β_j pinned (a constrained refit). The bracket grows
    /// from one standard error by doubling; the root is then found by the Illinois variant of
    /// regula falsi to 1e-10 in β_j. Nil when no bracket is found within 2⁴⁰ standard errors.
    static func profileLimit(x: Matrix, y: [Double], w: [Double], j: Int, direction: Double, best: Maximum,
                             step: Double, settings: NewtonSettings) throws -> Double? {
        var start = best.beta
        func g(_ b: Double) throws -> Double {
            let m = try maximize(x: x, y: y, w: w, fixed: [j: b], start: start, settings: settings)
            start = m.beta
            return 2 * (m.value - best.value) - chiSquare95
        }
        let d = step.isFinite && step > 0 ? step : 1
        var lo = best.beta[j], glo = -chiSquare95
        var hi = lo, ghi = glo
        var found = false
        for k in 0..<41 {
            hi = best.beta[j] + direction * d * pow(2, Double(k))
            ghi = try g(hi)
            if ghi > 0 { found = true; break }
            lo = hi
            glo = ghi
        }
        guard found else { return nil }
        var side = 0
        for _ in 0..<200 {
            let b = (lo * ghi - hi * glo) / (ghi - glo)
            let gb = try g(b)
            if abs(gb) < 1e-11 { return b }
            if (gb > 0) == (ghi > 0) {
                hi = b; ghi = gb
                if side == 1 { glo /= 2 }
                side = 1
            } else {
                lo = b; glo = gb
                if side == -1 { ghi /= 2 }
                side = -1
            }
            if abs(hi - lo) < 1e-10 * max(1, abs(b)) { return (lo + hi) / 2 }
        }
        return (lo + hi) / 2
    }
}
