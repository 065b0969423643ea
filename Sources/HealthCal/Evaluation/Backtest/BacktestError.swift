/// Why a backtest plan could not be made. Each case carries what the analyst needs to fix the
/// spec or the panel, and `description` says it in words.
public enum BacktestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An option of `backtest:` is out of range (`key` is the spec key, e.g. "min_train_periods").
    case invalidOption(key: String, value: Int, requirement: String)
    /// No period has enough earlier periods with a known outcome to be tested.
    case noFoldPossible(periodCount: Int, minTrainPeriods: Int, horizon: Int, periods: [Int])
    /// `test_periods: N` asks for more test periods than are eligible.
    case tooFewTestPeriods(requested: Int, eligible: [Int])
    /// Stratified k-fold: fewer rows than folds, or an outcome other than 0/1.
    case tooFewRows(rows: Int, folds: Int)
    case outcomeNotBinary(index: Int, value: Double)

    public var description: String {
        switch self {
        case let .invalidOption(key, value, requirement):
            return "backtest option \(key) is \(value); it must be \(requirement)"
        case let .noFoldPossible(count, minTrain, horizon, periods):
            let shown = periods.prefix(12).map(String.init).joined(separator: ", ") + (periods.count > 12 ? ", ..." : "")
            return "no period can be backtested: need at least \(minTrain + horizon) periods for min_train_periods "
                + "\(minTrain) and horizon \(horizon); the panel has \(count) (period ordinals \(shown)). "
                + "A test period T needs \(minTrain) earlier periods t <= T - \(horizon) whose outcome is known at T; "
                + "lower min_train_periods or supply more history"
        case let .tooFewTestPeriods(requested, eligible):
            return "test_periods is \(requested) but only \(eligible.count) period(s) can be tested "
                + "(\(eligible.map(String.init).joined(separator: ", "))); lower test_periods or use 0 for all"
        case let .tooFewRows(rows, folds):
            return "stratified k-fold needs at least as many rows as folds: \(rows) row(s) for \(folds) folds"
        case let .outcomeNotBinary(index, value):
            return "outcome at row \(index) is \(value); expected 0 (stayed) or 1 (churned)"
        }
    }
}
