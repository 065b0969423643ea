import LinearAlgebra

/// What a Newton minimizer needs from a smooth convex objective. The solver does not know the
/// loss; the loss does not know the solver (the split liblinear makes between `newton.cpp` and
/// its loss classes).
protocol NewtonObjective {
    var parameterCount: Int { get }
    /// The objective at `beta`, or nil when it cannot be evaluated there (overflow).
    mutating func value(at beta: [Double]) throws -> Double
    /// Gradient and Hessian at the point last passed to `value(at:)`.
    mutating func derivatives() throws -> (gradient: [Double], hessian: Matrix)
}

/// The stopping rule of a Newton run.
public struct NewtonSettings: Sendable, Codable, Equatable {
    /// Stop once the relative change of the objective, |f_k - f_{k-1}| / (|f_k| + 0.1)
    /// (the rule R's `glm.fit` uses), is below this...
    public var relativeTolerance: Double = 1e-10
    /// ...and the Newton decrement gᵀH⁻¹g, the gradient's size in the metric the step uses,
    /// is below this. Both together keep a slow plateau from passing as convergence.
    public var decrementTolerance: Double = 1e-12
    public var maxIterations: Int = 100
    /// Halvings of a step that raised the objective before the run gives up.
    public var maxHalvings: Int = 30

    public init(relativeTolerance: Double = 1e-10, decrementTolerance: Double = 1e-12, maxIterations: Int = 100) {
        self.relativeTolerance = relativeTolerance
        self.decrementTolerance = decrementTolerance
        self.maxIterations = maxIterations
    }
}

/// Result of a Newton run.
struct NewtonOutcome {
    var beta: [Double]
    var value: Double
    var gradient: [Double]
    var hessian: Matrix
    var iterations: Int
    var converged: Bool
    /// True when a step could not lower the objective even after `maxHalvings` halvings.
    var stalled: Bool
}

/// Damped Newton: β ← β − t H⁻¹g with t halved while the objective rises, the Hessian solved by
/// Cholesky (`dpotrf`/`dpotrs`). A Hessian that is not positive definite is thrown to the caller,
/// which knows what it means for its loss (collinearity, separation).
///
/// `evaluated` passes the value, gradient and Hessian at `start` when the caller already has them
/// (the objective must then be positioned at `start`), saving a pass over the data.
func minimizeByNewton<O: NewtonObjective>(
    _ objective: inout O, from start: [Double], settings: NewtonSettings,
    evaluated: (value: Double, gradient: [Double], hessian: Matrix)? = nil
) throws -> NewtonOutcome {
    var beta = start
    var f: Double
    var g: [Double]
    var h: Matrix
    if let evaluated {
        (f, g, h) = evaluated
    } else {
        f = try objective.value(at: beta)
        (g, h) = try objective.derivatives()
    }
    var iterations = 0
    var converged = false
    var stalled = false
    while iterations < settings.maxIterations {
        iterations += 1
        let chol = try Cholesky(h)
        let step = try chol.solve(g)
        let decrement = zip(g, step).reduce(0) { $0 + $1.0 * $1.1 }
        var t = 1.0
        var candidate = beta
        var fNew = f
        var accepted = false
        for _ in 0...settings.maxHalvings {
            for j in beta.indices { candidate[j] = beta[j] - t * step[j] }
            fNew = try objective.value(at: candidate)
            // Accept a rise no larger than rounding noise so a converged run can take its last step.
            if fNew.isFinite && fNew <= f + 1e-12 * abs(f) { accepted = true; break }
            t *= 0.5
        }
        if !accepted {
            // The objective is back at the last accepted point for the caller's derivatives.
            f = try objective.value(at: beta)
            (g, h) = try objective.derivatives()
            // At the optimum rounding alone can make every step look uphill.
            converged = abs(decrement) < settings.decrementTolerance * max(1, abs(f))
            stalled = !converged
            break
        }
        let relativeChange = abs(f - fNew) / (abs(fNew) + 0.1)
        beta = candidate
        f = fNew
        (g, h) = try objective.derivatives()
        if relativeChange < settings.relativeTolerance && abs(decrement) < settings.decrementTolerance * max(1, abs(f)) {
            converged = true
            break
        }
    }
    return NewtonOutcome(beta: beta, value: f, gradient: g, hessian: h, iterations: iterations,
                         converged: converged, stalled: stalled)
}
