/// Why a calibration map could not be estimated, folded or assessed.
public enum CalibrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The scores handed to the fit break the metric contract (lengths, p in [0, 1], y in {0, 1},
    /// weights), or the fit itself failed (single class, separation, no convergence).
    case metric(MetricError)
    /// The map is not linear on the logit scale and cannot be folded into linear weights.
    case cannotFold(method: String)
    /// The assessment needs scores from at least two periods: one to estimate on, one to test on.
    case notEnoughPeriods(scored: [Int], needed: Int, reason: String)
    /// An argument other than the data is unusable.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .metric(let e):
            return "calibration: \(e)"
        case .cannotFold(let method):
            return "a \(method) calibration cannot be folded into linear weights; keep it as a table applied after the linear score"
        case let .notEnoughPeriods(scored, needed, reason):
            return "calibration assessment needs at least \(needed) scored periods (\(reason)); "
                + "scores cover \(scored.count): \(scored.map(String.init).joined(separator: ", "))"
        case .invalidArgument(let m):
            return m
        }
    }
}
