/// Why a metric could not be computed from the rows it was given.
///
/// Every metric validates its input (equal lengths, at least one row, probabilities in [0, 1],
/// outcomes 0 or 1, weights finite and non-negative with a positive total) and throws one of
/// these instead of crashing or returning NaN. Row indices are 0-based positions in the arrays.
public enum MetricError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No rows at all.
    case empty
    /// An array (`name`) has a different length from the probabilities.
    case lengthMismatch(name: String, expected: Int, actual: Int)
    /// A probability is NaN or outside [0, 1].
    case probabilityOutOfRange(index: Int, value: Double)
    /// An outcome is neither 0 nor 1.
    case outcomeNotBinary(index: Int, value: Double)
    /// A row weight is negative, NaN or infinite.
    case invalidWeight(index: Int, value: Double)
    /// All row weights are zero.
    case zeroTotalWeight
    /// The metric needs both churners and non-churners (with positive weight); only `outcome` occurs.
    case singleClass(outcome: Double)
    /// The metric works on the logit scale and a probability is exactly 0 or 1.
    case logitUndefined(index: Int, value: Double)
    /// An iterative fit did not converge (typically perfect separation).
    case notConverged(what: String, iterations: Int)
    /// A logistic fit predicts every row's outcome exactly, so its maximum-likelihood estimates
    /// are infinite (statsmodels raises PerfectSeparationError in the same situation).
    case perfectSeparation(what: String)
    /// An argument other than the data is unusable (bin count, fraction, ...).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .empty:
            return "no rows: a metric needs at least one scored row"
        case let .lengthMismatch(name, expected, actual):
            return "\(name) has \(actual) values but there are \(expected) probabilities; they must be equally long"
        case let .probabilityOutOfRange(index, value):
            return "probability at row \(index) is \(value); expected a number in [0, 1]"
        case let .outcomeNotBinary(index, value):
            return "outcome at row \(index) is \(value); expected 0 (stayed) or 1 (churned)"
        case let .invalidWeight(index, value):
            return "weight at row \(index) is \(value); expected a finite number >= 0"
        case .zeroTotalWeight:
            return "all row weights are zero; at least one row must carry weight"
        case let .singleClass(outcome):
            return "every row has outcome \(outcome == 1 ? "1 (churned)" : "0 (stayed)"); this metric needs both churners and non-churners"
        case let .logitUndefined(index, value):
            return "probability at row \(index) is \(value); the logit of 0 or 1 is infinite, so this logit-scale metric is undefined"
        case let .notConverged(what, iterations):
            return "\(what) did not converge in \(iterations) Newton steps (are churners perfectly separated by the score?)"
        case let .perfectSeparation(what):
            return "\(what): the score separates churners from non-churners perfectly, so the estimates are infinite"
        case let .invalidArgument(message):
            return message
        }
    }
}

/// Checks the common input contract of every metric and returns the weights to use (all ones
/// when `w` is nil), so each metric can treat the unweighted case as unit weights.
@usableFromInline
func validatedWeights(p: [Double], y: [Double], w: [Double]?) throws(MetricError) -> [Double] {
    guard !p.isEmpty else { throw .empty }
    guard y.count == p.count else { throw .lengthMismatch(name: "outcomes", expected: p.count, actual: y.count) }
    for (i, v) in p.enumerated() where !(v >= 0 && v <= 1) {
        throw .probabilityOutOfRange(index: i, value: v)
    }
    for (i, v) in y.enumerated() where v != 0 && v != 1 {
        throw .outcomeNotBinary(index: i, value: v)
    }
    guard let w else { return [Double](repeating: 1, count: p.count) }
    guard w.count == p.count else { throw .lengthMismatch(name: "weights", expected: p.count, actual: w.count) }
    var total = 0.0
    for (i, v) in w.enumerated() {
        guard v.isFinite, v >= 0 else { throw .invalidWeight(index: i, value: v) }
        total += v
    }
    guard total > 0 else { throw .zeroTotalWeight }
    return w
}

/// Throws `.singleClass` unless both outcomes carry positive weight (among `rows`, default all).
func requireBothClasses(y: [Double], w: [Double], rows: Range<Int>? = nil) throws(MetricError) {
    var pos = 0.0, neg = 0.0
    for i in rows ?? y.indices { if y[i] == 1 { pos += w[i] } else { neg += w[i] } }
    if pos == 0 { throw .singleClass(outcome: 0) }
    if neg == 0 { throw .singleClass(outcome: 1) }
}

/// Weighted mean Σwᵢxᵢ / Σwᵢ, as `numpy.average(x, weights=w)`.
func weightedMean(_ x: [Double], _ w: [Double]) -> Double {
    var s = 0.0, t = 0.0
    for i in x.indices { s += w[i] * x[i]; t += w[i] }
    return s / t
}
