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
    /// The objective and its gradient (the evaluation's Hessian is empty): for a run that steps
    /// with a Hessian it already has (`minimizeByNewton`'s `approximateHessian`).
    mutating func valueAndGradient(at beta: [Double]) throws -> NewtonEvaluation
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

    enum CodingKeys: String, CodingKey {
        case relativeTolerance = "relative_tolerance", decrementTolerance = "decrement_tolerance"
        case maxIterations = "max_iterations", maxHalvings = "max_halvings"
    }
}

/// How much a step on an approximate Hessian must cut the Newton decrement (about the squared
/// distance to the optimum) for the run to keep stepping on it (`minimizeByNewton`'s
/// `approximateHessian`). A weaker cut means the approximation is too far off to be cheaper than
/// exact steps, which near the optimum cut it far more.
let chordContraction = 100.0

/// The stopping rule's decrement bound is this much tighter on an approximate Hessian: after a
/// typical step there (a 10⁻⁴ cut) the weights then agree with an exact run's to about 10⁻¹⁰.
let chordPolish = 1e-4

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
    /// At `beta`; with `FinalHessian.beforeLastStep` possibly at the point one step before, or
    /// the approximate Hessian the run was given.
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
///
/// `approximateHessian`, a Hessian close to the one at `start` (a backtest fold's: the previous
/// fold's, mapped to the new rows and coordinates; `FoldStart`), is used for every step while
/// each step cuts the Newton decrement at least `chordContraction`-fold: those passes compute the
/// value and gradient only, no Hessian, which is most of a pass's arithmetic. The gradient is
/// exact, so the run ends at the same optimum under the same stopping rule; only the path there
/// changes. Once a step contracts less, raises the objective, or the approximation is not
/// positive definite, exact Hessians are evaluated from that point on. With `evaluated` it
/// holds the value and gradient at `start` (its Hessian is ignored). With `FinalHessian.exact`
/// the Hessian returned is evaluated at the optimum (one more pass when the run ended on the
/// approximation); with `.beforeLastStep` it may be the approximation.
func minimizeByNewton<O: NewtonObjective>(
    _ objective: inout O, from start: [Double], settings: NewtonSettings,
    evaluated: NewtonEvaluation? = nil, finalHessian: FinalHessian = .exact, approximateHessian: Matrix? = nil
) throws -> NewtonOutcome {
    var beta = start
    // Whether `current.hessian` was evaluated at `beta` (false while on the approximation).
    var exactHessian = approximateHessian == nil
    var current: NewtonEvaluation
    if let approximateHessian {
        current = try evaluated ?? objective.valueAndGradient(at: beta)
        current.hessian = approximateHessian
    } else {
        current = try evaluated ?? objective.valueAndDerivatives(at: beta)
    }
    var previousDecrement = Double.infinity
    var iterations = 0
    var converged = false
    var stalled = false
    while iterations < settings.maxIterations {
        let f = current.value, g = current.gradient
        let step: [Double]
        if exactHessian {
            step = try Cholesky(current.hessian).solve(g)
        } else if let solved = try? Cholesky(current.hessian).solve(g) {
            step = solved
        } else {
            // Leave the approximation (not positive definite): the exact Hessian at `beta`.
            current = try objective.valueAndDerivatives(at: beta)
            exactHessian = true
            continue
        }
        let decrement = zip(g, step).reduce(0) { $0 + $1.0 * $1.1 }
        // On the approximation a step gains digits linearly, not quadratically: the last one must
        // start closer to the optimum for the run to end as close as an exact last step would.
        let bound = settings.decrementTolerance * (exactHessian ? 1 : chordPolish)
        let small = abs(decrement) < bound * max(1, abs(f))
        if !exactHessian && !small && !(abs(decrement) <= abs(previousDecrement) / chordContraction) {
            // Leave the approximation: the exact Hessian at `beta`.
            current = try objective.valueAndDerivatives(at: beta)
            exactHessian = true
            continue
        }
        previousDecrement = decrement
        iterations += 1
        var t = 1.0
        var candidate = beta
        var next: NewtonEvaluation? = nil
        var fNew = f
        var accepted = false
        // A step the stopping rule will accept (if the objective falls by about what the
        // decrement predicts) needs no Hessian at its end unless the caller wants it exact there.
        let lastStep = (finalHessian == .beforeLastStep || !exactHessian) && small
        for halving in 0...settings.maxHalvings {
            for j in beta.indices { candidate[j] = beta[j] - t * step[j] }
            if halving == 0 && !lastStep {
                if exactHessian {
                    next = try objective.valueAndDerivatives(at: candidate)
                } else {
                    next = try objective.valueAndGradient(at: candidate)
                    next!.hessian = current.hessian
                }
                fNew = next!.value
            } else {
                next = nil
                fNew = try objective.value(at: candidate)
            }
            // Accept a rise no larger than rounding noise so a converged run can take its last step.
            if fNew.isFinite && fNew <= f + 1e-12 * abs(f) { accepted = true; break }
            // An uphill step on the approximation: retake it with the exact Hessian.
            if !exactHessian { break }
            t *= 0.5
        }
        if !accepted && !exactHessian {
            iterations -= 1
            // Leave the approximation: the exact Hessian at `beta`.
            current = try objective.valueAndDerivatives(at: beta)
            exactHessian = true
            continue
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
        let done = relativeChange < settings.relativeTolerance && abs(decrement) < bound * max(1, abs(fNew))
        beta = candidate
        if done && lastStep && next == nil {
            // Converged at the candidate, whose value was just evaluated; the Hessian is the one
            // the step was taken with.
            current = NewtonEvaluation(value: fNew, gradient: [], hessian: current.hessian)
            if finalHessian == .exact && !exactHessian {
                current = try objective.valueAndDerivatives(at: beta)
                exactHessian = true
            }
        } else if let next {
            current = next
        } else {
            current = try objective.valueAndDerivatives(at: candidate)
            exactHessian = true
        }
        if done {
            converged = true
            break
        }
    }
    return NewtonOutcome(beta: beta, value: current.value, gradient: current.gradient, hessian: current.hessian,
                         iterations: iterations, converged: converged, stalled: stalled)
}
