import Foundation
import LinearAlgebra

extension LogisticRegression {
    /// The Firth fit (`options.firth`), after the outcome and constant-column checks. No
    /// separation check: the penalized maximum is finite under separation. Collinear columns
    /// still fail (I(β) is singular, so is the penalty). `inference`: compute the profile
    /// intervals and penalized LR tests (2p + 1 constrained refits per coefficient side and
    /// test); off for fits whose intervals nobody reads (backtest folds after the first).
    static func fitFirth(_ design: Design, y: [Double], weights w: [Double], options: LogisticOptions,
                         start warmStart: [Double]?, inference: Bool) throws(FitError) -> LogisticFit {
        let n = design.rowCount, p = design.columnCount
        let sumW = w.reduce(0, +)
        let rate = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / sumW
        var start = [Double](repeating: 0, count: p)
        if design.hasIntercept { start[0] = log(rate / (1 - rate)) }
        do {
            var probe = FirthObjective(x: design.x, y: y, weights: w)
            let first = try probe.valueAndDerivatives(at: start)
            if let collinear = try collinearColumns(probe.information, names: design.names) { throw collinear }
            if let warm = warmStart, warm.count == p, warm.allSatisfy(\.isFinite),
               try probe.value(at: warm) <= first.value {
                start = warm
            }
            let best = try FirthRegression.maximize(x: design.x, y: y, w: w, start: start, settings: options.newton)
            var warnings: [String] = []
            if !best.converged {
                warnings.append("did not converge in \(best.iterations) iterations; the weights may be inaccurate")
            }
            var fit = try LogisticFit(
                names: design.names, beta: best.beta, hessian: best.information, logLikelihood: best.logLikelihood,
                nullLogLikelihood: nullLogLikelihood(y: y, weights: w, hasIntercept: design.hasIntercept),
                rows: n, observations: sumW, ridge: 0, iterations: best.iterations, converged: best.converged,
                warnings: warnings)
            fit.firthPenalizedLogLikelihood = -best.value
            if inference {
                let tests = try FirthRegression.inference(x: design.x, y: y, w: w, at: best, standardErrors: fit.standardErrors,
                                                          hasIntercept: design.hasIntercept, settings: options.newton)
                fit.lower95 = tests.lower.map { $0 ?? -.infinity }
                fit.upper95 = tests.upper.map { $0 ?? .infinity }
                fit.pValues = tests.pValues
                fit.likelihoodRatio = tests.likelihoodRatio
                fit.likelihoodRatioDF = tests.likelihoodRatioDF
                fit.likelihoodRatioPValue = Distributions.chiSquareSurvival(tests.likelihoodRatio,
                                                                            degreesOfFreedom: Double(tests.likelihoodRatioDF))
                if tests.lower.contains(where: { $0 == nil }) || tests.upper.contains(where: { $0 == nil }) {
                    fit.warnings.append("a profile interval did not close within 2^40 standard errors; shown as infinite")
                }
            } else {
                fit.warnings.append("Firth fit without profile intervals (a backtest fold): the 95% limits and p-values are Wald's")
            }
            return fit
        } catch let error as FitError {
            throw error
        } catch {
            throw .numerical("\(error)")
        }
    }
}
