import Foundation
import LinearAlgebra

extension LogisticRegression {
    /// The elastic-net fit (`options.l1` > 0): `ElasticNet.minimize` from the warm start when it
    /// is at least as good as the intercept-only point, then the usual `LogisticFit`, whose
    /// inference uses XᵀWX + λ2·I and is flagged as not valid after the L1 selection.
    /// Separation and collinearity need no check: the L1 term keeps the optimum finite and the
    /// coordinate descent never inverts XᵀWX.
    static func fitElasticNet(_ design: Design, y: [Double], weights w: [Double], options: LogisticOptions,
                              penalized: [Bool], start warmStart: [Double]?, clusters: ClusterCodes?) throws(FitError) -> LogisticFit {
        let n = design.rowCount, p = design.columnCount
        let sumW = w.reduce(0, +)
        let rate = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / sumW
        var start = [Double](repeating: 0, count: p)
        if design.hasIntercept { start[0] = log(rate / (1 - rate)) }
        let result: ElasticNet.Result
        do {
            if let candidate = warmStart, candidate.count == p, candidate.allSatisfy(\.isFinite) {
                var objective = LogisticObjective(x: design.x, y: y, weights: w, ridge: 0, penalized: penalized)
                let f = { (b: [Double]) throws -> Double in
                    try objective.value(at: b) + ElasticNet.penalty(b, l1: options.l1, l2: options.ridge, penalized: penalized)
                }
                if try f(candidate) <= f(start) { start = candidate }
            }
            result = try ElasticNet.minimize(x: design.x, y: y, weights: w, l1: options.l1, l2: options.ridge,
                                             penalized: penalized, start: start, maxIterations: options.newton.maxIterations)
        } catch let error as FitError {
            throw error
        } catch {
            throw .numerical("\(error)")
        }
        let zeros = (0..<p).filter { penalized[$0] && result.beta[$0] == 0 }.count
        var warnings = ["standard errors, z, p-values and intervals ignore the selection made by the L1 penalty (l1 = \(formatNumber(options.l1))) and are not valid after selection; \(zeros) of \(penalized.filter { $0 }.count) weights are exactly 0"]
        if !result.converged {
            warnings.append("did not converge in \(result.iterations) iterations (KKT violation \(formatNumber(result.kktViolation))); the weights may be inaccurate")
        }
        var hessian = result.hessian
        for j in 0..<p where penalized[j] { hessian[j, j] += options.ridge }
        do {
            var robust: (matrix: Matrix, clusters: Int)? = nil
            if let clusters {
                let eta = try design.x.multiply(result.beta)
                let residual = (0..<n).map { w[$0] * (y[$0] - sigmoid(eta[$0])) }
                let bread = try Cholesky(hessian).inverse()
                robust = (try ClusterCovariance.sandwich(x: design.x, residual: residual, clusters: clusters,
                                                          bread: bread, observations: sumW), clusters.count)
            }
            var fit = try LogisticFit(
                names: design.names, beta: result.beta, hessian: hessian,
                logLikelihood: -result.negativeLogLikelihood,
                nullLogLikelihood: nullLogLikelihood(y: y, weights: w, hasIntercept: design.hasIntercept),
                rows: n, observations: sumW, ridge: options.ridge, iterations: result.iterations,
                converged: result.converged, warnings: warnings, clusterCovariance: robust)
            fit.l1 = options.l1
            return fit
        } catch {
            throw .numerical("the weights were fitted, but XᵀWX + l2·I at the solution cannot be inverted for their standard errors (collinear columns under a pure L1 penalty); add an l2 penalty: \(error)")
        }
    }
}
