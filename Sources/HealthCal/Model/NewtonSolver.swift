import LinearAlgebra

/// What a Newton minimizer needs from a smooth convex objective. The solver does not know the
/// loss; the loss does not know the solver (the split liblinear makes between `newton.cpp` and
/// its loss classes).
protocol NewtonObjective {
    var parameterCount: Int { get }
    /// The objective at `beta` (not finite when it cannot be evaluated there).
    mutating func value(at beta: [Double]) throws -> Double
    /// The objective, its gradient and its Hessian at `beta`, together: for a loss summed over
    /// data rows, one pass over the data instead of two.
    mutating func valueAndDerivatives(at beta: [Double]) throws -> NewtonEvaluation
}

/// An objective's value with its gradient and Hessian at one point.
struct NewtonEvaluation {
    var value: Double
    var gradient: [Double]
    var hessian: Matrix
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

/// Where the Hessian a Newton run returns is evaluated.
public enum FinalHessian: Sendable {
    /// At the returned point (for standard errors).
    case exact
    /// At the point before it, when the last step is one the stopping rule will accept (its
    /// start's Newton decrement is already below tolerance): that step is then evaluated for the
    /// value only, a pass without the Hessian. For fits whose standard errors nobody reads (a
    /// backtest fold's): the weights are the same as with `.exact`.
    case beforeLastStep
}

/// Result of a Newton run.
struct NewtonOutcome {
    var beta: [Double]
    var value: Double
    var gradient: [Double]
    /// At `beta`, or with `FinalHessian.beforeLastStep` possibly at the point one step before.
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
/// The full step (t = 1) is evaluated together with the derivatives there, speculatively: it
/// is accepted in nearly every iteration, and then the next iteration needs no second pass over
/// the data. Halved steps are evaluated for the value only.
///
/// `evaluated` passes the value, gradient and Hessian at `start` when the caller already has
/// them (the objective must then be positioned at `start`), saving a pass over the data. On
/// return the objective was last evaluated at the returned point.
func minimizeByNewton<O: NewtonObjective>(
    _ objective: inout O, from start: [Double], settings: NewtonSettings,
    evaluated: NewtonEvaluation? = nil, finalHessian: FinalHessian = .exact
) throws -> NewtonOutcome {
    var beta = start
    var current = try evaluated ?? objective.valueAndDerivatives(at: beta)
    var iterations = 0
    var converged = false
    var stalled = false
    while iterations < settings.maxIterations {
        iterations += 1
        let f = current.value, g = current.gradient
        let chol = try Cholesky(current.hessian)
        let step = try chol.solve(g)
        let decrement = zip(g, step).reduce(0) { $0 + $1.0 * $1.1 }
        var t = 1.0
        var candidate = beta
        var next: NewtonEvaluation? = nil
        var fNew = f
        var accepted = false
        // A step the stopping rule will accept (if the objective falls by about what the
        // decrement predicts) needs no Hessian at its end unless the caller wants it exact there.
        let lastStep = finalHessian == .beforeLastStep && abs(decrement) < settings.decrementTolerance * max(1, abs(f))
        for halving in 0...settings.maxHalvings {
            for j in beta.indices { candidate[j] = beta[j] - t * step[j] }
            if halving == 0 && !lastStep {
                next = try objective.valueAndDerivatives(at: candidate)
                fNew = next!.value
            } else {
                next = nil
                fNew = try objective.value(at: candidate)
            }
            // Accept a rise no larger than rounding noise so a converged run can take its last step.
            if fNew.isFinite && fNew <= f + 1e-12 * abs(f) { accepted = true; break }
            t *= 0.5
        }
        if !accepted {
            // The objective is back at the last accepted point for the caller.
            current = try objective.valueAndDerivatives(at: beta)
            // At the optimum rounding alone can make every step look uphill.
            converged = abs(decrement) < settings.decrementTolerance * max(1, abs(current.value))
            stalled = !converged
            break
        }
        let relativeChange = abs(f - fNew) / (abs(fNew) + 0.1)
        let done = relativeChange < settings.relativeTolerance && abs(decrement) < settings.decrementTolerance * max(1, abs(fNew))
        beta = candidate
        if done && lastStep && next == nil {
            // Converged at the candidate, whose value was just evaluated; the Hessian is the one
            // the step was taken with.
            current = NewtonEvaluation(value: fNew, gradient: [], hessian: current.hessian)
        } else {
            current = try next ?? objective.valueAndDerivatives(at: candidate)
        }
        if done {
            converged = true
            break
        }
    }
    return NewtonOutcome(beta: beta, value: current.value, gradient: current.gradient, hessian: current.hessian,
                         iterations: iterations, converged: converged, stalled: stalled)
}
