/// One walk-forward fold: score `testPeriod` with a model trained on `trainPeriods` only.
public struct Fold: Sendable, Codable, Equatable {
    /// The period ordinal scored out of sample.
    public var testPeriod: Int
    /// Period ordinals of the training rows, ascending; every one is <= testPeriod - horizon.
    public var trainPeriods: [Int]

    public init(testPeriod: Int, trainPeriods: [Int]) {
        self.testPeriod = testPeriod
        self.trainPeriods = trainPeriods
    }

    /// Row indices of the training and test rows of this fold, given each row's period ordinal
    /// (rows of other periods are in neither).
    public func rows(periodOfRow: [Int]) -> (train: [Int], test: [Int]) {
        let distinct = Array(Set(periodOfRow)).sorted()
        let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, Int32($0)) })
        return rows(periodIndexOfRow: periodOfRow.map { index[$0]! }, ordinals: distinct)
    }

    /// `rows(periodOfRow:)` for a panel's encoding of periods: `periodIndexOfRow[i]` indexes
    /// `ordinals`, the period ordinal of each index. One table lookup per row (not a hash: this
    /// runs over every row of a million-row panel once per fold).
    public func rows(periodIndexOfRow: [Int32], ordinals: [Int]) -> (train: [Int], test: [Int]) {
        let train = Set(trainPeriods)
        // 1: training row, 2: test row, 0: neither.
        let role: [UInt8] = ordinals.map { $0 == testPeriod ? 2 : train.contains($0) ? 1 : 0 }
        var counts = [0, 0, 0]
        for k in periodIndexOfRow { counts[Int(role[Int(k)])] += 1 }
        var tr: [Int] = [], te: [Int] = []
        tr.reserveCapacity(counts[1])
        te.reserveCapacity(counts[2])
        role.withUnsafeBufferPointer { rp in
            for (i, k) in periodIndexOfRow.enumerated() {
                switch rp[Int(k)] {
                case 1: tr.append(i)
                case 2: te.append(i)
                default: break
                }
            }
        }
        return (tr, te)
    }

    enum CodingKeys: String, CodingKey {
        case testPeriod = "test_period", trainPeriods = "train_periods"
    }
}

/// The walk-forward backtest of a panel: for each test period T, the periods a model scored at
/// T may be trained on.
///
/// Why this shape: the score a customer-success manager saw in period T came from a model fitted
/// when only the outcomes of periods t <= T - horizon were known (DESIGN.md, "Horizon and
/// leakage"). Training on period T - 1 with horizon 2 would use churn that had not happened yet
/// at T, and the backtest would look better than production ever could.
///
/// Periods are *ordinals* (e.g. year·4 + quarter), so arithmetic on them is calendar arithmetic:
/// a missing quarter is a gap in the values, and `horizon` and the rolling window are measured in
/// period units, not in positions in the list.
///
/// - Eligibility: T is a test period when its training set holds at least `minTrainPeriods`
///   periods (after the rolling window is applied). With gaps, a period can therefore be
///   skipped in the middle of the series; it is listed in `skippedPeriods`.
/// - Rolling window: train on periods t with T - horizon - windowPeriods < t <= T - horizon,
///   i.e. the last `windowPeriods` period *units* whose outcome is known (fewer periods when
///   some are missing).
/// - `testPeriods` N > 0 keeps the last N eligible test periods; 0 keeps all.
public struct WalkForwardPlan: Sendable, Codable, Equatable {
    /// The distinct period ordinals of the panel, ascending.
    public var periods: [Int]
    public var options: BacktestOptions
    /// The folds in chronological order of their test period.
    public var folds: [Fold]
    /// Periods after the first eligible one that could not be tested (a rolling window that fell
    /// short of minTrainPeriods because of gaps), so a report can say so.
    public var skippedPeriods: [Int]

    /// Plans the folds. `periods` may contain repeats and be in any order (e.g. the period column
    /// of the panel, one entry per row); only the distinct values matter.
    public init(periods: [Int], options: BacktestOptions = BacktestOptions()) throws(BacktestError) {
        try Self.validate(options)
        let distinct = Array(Set(periods)).sorted()
        var eligible: [Fold] = []
        var skipped: [Int] = []
        for t in distinct {
            let known = distinct.filter { $0 <= t - options.horizon }
            let train: [Int]
            switch options.window {
            case .expanding: train = known
            case .rolling: train = known.filter { $0 > t - options.horizon - options.windowPeriods }
            }
            if train.count >= options.minTrainPeriods {
                eligible.append(Fold(testPeriod: t, trainPeriods: train))
            } else if !eligible.isEmpty {
                skipped.append(t)
            }
        }
        guard !eligible.isEmpty else {
            throw .noFoldPossible(periodCount: distinct.count, minTrainPeriods: options.minTrainPeriods,
                                  horizon: options.horizon, periods: distinct)
        }
        if options.testPeriods > 0 {
            guard options.testPeriods <= eligible.count else {
                throw .tooFewTestPeriods(requested: options.testPeriods, eligible: eligible.map(\.testPeriod))
            }
            let first = eligible[eligible.count - options.testPeriods].testPeriod
            eligible.removeFirst(eligible.count - options.testPeriods)
            skipped = skipped.filter { $0 > first }
        }
        self.periods = distinct
        self.options = options
        self.folds = eligible
        self.skippedPeriods = skipped
    }

    /// The period ordinals that are scored out of sample, ascending.
    public var testPeriods: [Int] { folds.map(\.testPeriod) }

    static func validate(_ o: BacktestOptions) throws(BacktestError) {
        guard o.horizon >= 1 else { throw .invalidOption(key: "horizon", value: o.horizon, requirement: "at least 1") }
        guard o.minTrainPeriods >= 1 else {
            throw .invalidOption(key: "min_train_periods", value: o.minTrainPeriods, requirement: "at least 1")
        }
        guard o.testPeriods >= 0 else {
            throw .invalidOption(key: "test_periods", value: o.testPeriods, requirement: "0 (all) or a positive count")
        }
        if o.window == .rolling {
            guard o.windowPeriods >= o.minTrainPeriods else {
                throw .invalidOption(key: "window_periods", value: o.windowPeriods,
                                     requirement: "at least min_train_periods (\(o.minTrainPeriods)) with a rolling window")
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case periods, options, folds, skippedPeriods = "skipped_periods"
    }
}
