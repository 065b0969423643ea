import Foundation
import LinearAlgebra

/// Firth's penalized negative log-likelihood (Jeffreys prior), for Newton:
///
///   f(β) = −log L(β) − ½ log det I(β),   I(β) = Xᵀ W X,  W = diag(w μ(1−μ)),
///
/// whose gradient is minus the modified score U*(β) = Xᵀ(w(y − μ) + h(½ − μ)), h the diagonal of
/// the hat matrix W^½ X I⁻¹ Xᵀ W^½ (Firth 1993; Heinze & Schemper 2002). The step uses I(β) as
/// the Hessian (Fisher scoring on the penalized objective, as logistf does): positive definite
/// wherever I is, so every step goes downhill, and the line search on f keeps it honest.
///
/// The leverages come from one triangular solve over the design (`inverseQuadraticForms`),
/// the sums from `LogisticObjective`'s blocked pass: no loop over rows multiplies matrices.
///
/// `fixed` holds coordinates pinned at given values (the profile of one coefficient, or the
/// null model of the penalized likelihood-ratio test); the objective's parameters are the
/// others, in order. The penalty always uses the information of the full model, as logistf's
/// profile and test do.
struct FirthObjective: NewtonObjective {
    private(set) var logistic: LogisticObjective
    let fixed: [Int: Double]
    let free: [Int]
    /// log L and ½ log det I at the point last evaluated.
    private(set) var logLikelihood = 0.0
    private(set) var halfLogDetInformation = 0.0
    /// I(β) at the point last evaluated by `valueAndDerivatives` (full p x p).
    private(set) var information = Matrix(rows: 0, cols: 0)

    init(x: Matrix, y: [Double], weights: [Double], fixed: [Int: Double] = [:]) {
        logistic = LogisticObjective(x: x, y: y, weights: weights, ridge: 0,
                                     penalized: [Bool](repeating: false, count: x.cols))
        self.fixed = fixed
        free = (0..<x.cols).filter { fixed[$0] == nil }
    }

    var parameterCount: Int { free.count }

    /// The full coefficient vector for the free parameters `theta`.
    func full(_ theta: [Double]) -> [Double] {
        var beta = [Double](repeating: 0, count: logistic.parameterCount)
        for (k, j) in free.enumerated() { beta[j] = theta[k] }
        for (j, v) in fixed { beta[j] = v }
        return beta
    }

    mutating func value(at theta: [Double]) throws -> Double {
        try evaluate(theta, derivatives: false).value
    }

    mutating func valueAndGradient(at theta: [Double]) throws -> NewtonEvaluation {
        try evaluate(theta, derivatives: true)
    }

    mutating func valueAndDerivatives(at theta: [Double]) throws -> NewtonEvaluation {
        try evaluate(theta, derivatives: true)
    }

    private mutating func evaluate(_ theta: [Double], derivatives: Bool) throws -> NewtonEvaluation {
        let beta = full(theta)
        // The Hessian of −log L is I(β); its gradient is −Xᵀ w(y − μ).
        let plain = try logistic.valueAndDerivatives(at: beta)
        let chol: Cholesky
        do { chol = try Cholesky(plain.hessian) } catch {
            // I(β) singular at this point: the penalty is +∞ here, a step the line search refuses.
            logLikelihood = -plain.value
            halfLogDetInformation = -.infinity
            return NewtonEvaluation(value: .infinity, gradient: [], hessian: Matrix(rows: 0, cols: 0))
        }
        logLikelihood = -plain.value
        halfLogDetInformation = 0.5 * chol.logDeterminant
        let value = plain.value - halfLogDetInformation
        information = plain.hessian
        guard derivatives else { return NewtonEvaluation(value: value, gradient: [], hessian: Matrix(rows: 0, cols: 0)) }
        // h_i = w_i μ_i(1 − μ_i) x_iᵀ I⁻¹ x_i; ∂(−½ log det I)/∂β = Xᵀ h(μ − ½).
        let q = try chol.inverseQuadraticForms(rowsOf: logistic.x)
        var v = [Double](repeating: 0, count: q.count)
        for i in q.indices {
            let mu = sigmoid(logistic.eta[i])
            v[i] = logistic.w[i] * mu * (1 - mu) * q[i] * (mu - 0.5)
        }
        let penaltyGradient = try logistic.x.transposeMultiply(v)
        var gradient: [Double] = []
        var hessian = Matrix(rows: free.count, cols: free.count)
        for (a, j) in free.enumerated() {
            gradient.append(plain.gradient[j] + penaltyGradient[j])
            for (b, k) in free.enumerated() { hessian[b, a] = plain.hessian[k, j] }
        }
        return NewtonEvaluation(value: value, gradient: gradient, hessian: hessian)
    }
}
