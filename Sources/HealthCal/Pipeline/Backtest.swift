import Foundation

/// The walk-forward backtest of a spec'd panel: for each test period T, the encoding and the
/// weights are fitted only on rows whose outcome was known at T (period ≤ T − horizon), and the
/// rows of T are scored with them. Snapshot panels (no period column) use stratified k-fold.
///
/// Every out-of-sample score is kept: the flags and the calibration are judged on them, never on
/// the rows a model was fitted on.
public struct BacktestRun: Sendable {
    /// One fold's record.
    public struct FoldResult: Sendable, Codable {
        /// The scored period's label ("2025Q3"), or "fold k" for a snapshot.
        public var test: String
        public var trainPeriods: [String]
        public var trainRows: Int
        public var testRows: Int
        public var iterations: Int
        public var converged: Bool
        public var warnings: [String]
        /// Metrics of the raw (uncalibrated) scores of this fold; nil when undefined (one class).
        public var metrics: MetricsReport?
        /// With `model.per_segment`: the segments scored by their own model in this fold (nil
        /// without per-segment models, so the JSON is unchanged then).
        public var segmentModels: [String]?
        /// With `model.per_segment`: segment → why it used the pooled model in this fold.
        public var segmentFallbacks: [String: String]?

        enum CodingKeys: String, CodingKey {
            case test, trainPeriods = "train_periods", trainRows = "train_rows", testRows = "test_rows"
            case iterations, converged, warnings, metrics
            case segmentModels = "segment_models", segmentFallbacks = "segment_fallbacks"
        }
    }

    /// The model a fold scored with, kept for explaining its scores (contributions). Its weights
    /// are the optimum; after the first fold its covariance (standard errors) may come from the
    /// Hessian one Newton step before it (`FinalHessian.beforeLastStep`): the backtest reports none.
    /// `encoding` and `fit` are the pooled model; `segments` holds the segments' own models
    /// (empty without `model.per_segment`). Use `model(forSegment:)` to explain a row.
    public struct FoldModel: Sendable {
        public struct Part: Sendable {
            public var encoding: FittedEncoding
            public var fit: LogisticFit

            public init(encoding: FittedEncoding, fit: LogisticFit) {
                self.encoding = encoding
                self.fit = fit
            }
        }

        public var encoding: FittedEncoding
        public var fit: LogisticFit
        public var segments: [String: Part]

        public init(encoding: FittedEncoding, fit: LogisticFit, segments: [String: Part] = [:]) {
            self.encoding = encoding
            self.fit = fit
            self.segments = segments
        }

        init(_ segmented: SegmentedFit) {
            self.init(encoding: segmented.pooled.encoding, fit: segmented.pooled.fit,
                      segments: segmented.segments.mapValues { Part(encoding: $0.encoding, fit: $0.fit) })
        }

        /// The model that scored rows of `segment`: the segment's own, else the pooled one.
        public func model(forSegment segment: String?) -> Part {
            segment.flatMap { segments[$0] } ?? Part(encoding: encoding, fit: fit)
        }
    }

    public var folds: [FoldResult]
    public var models: [FoldModel]
    /// Out-of-sample rows, in fold order: the panel row, the fold that scored it, its linear
    /// predictor, the raw probability, and the calibrated probability a customer-success manager
    /// would have seen (calibration map estimated on earlier scored periods only; identity
    /// before any could be estimated).
    public var rows: [Int]
    public var foldOfRow: [Int]
    public var linearPredictor: [Double]
    public var probability: [Double]
    public var calibratedProbability: [Double]
    /// Pooled metrics of the raw and of the (honestly) calibrated out-of-sample scores.
    public var pooled: MetricsReport
    public var pooledCalibrated: MetricsReport
    /// Pooled calibrated metrics per segment (segment name → report), when the panel has segments.
    public var perSegment: [String: MetricsReport]
    /// Calibration before and after, each period evaluated with a map estimated before it.
    public var calibration: CalibrationAssessment?
    /// The map for production, estimated on all out-of-sample scores.
    public var finalCalibration: CalibrationMap
    public var notes: [String]
}

/// Why a backtest stopped.
public struct BacktestFailure: Error, Sendable, CustomStringConvertible {
    public var fold: String
    public var underlying: String
    public var description: String { "backtest fold \(fold): \(underlying)" }
}

public enum Backtest {
    /// Runs the backtest described by the panel's spec. `progress` is told of each fold.
    ///
    /// `afterFolds`, when given, runs once the last fold is fitted and before the scores are
    /// evaluated, with the folds' design storage (reserved for all of the panel's rows too) and
    /// the last fold's pooled model as the start of a fit on all rows (`PreviousFold`; its
    /// `sharedRows` is 0 unless that fold trained on the panel's first rows in order).
    /// `recalibrate` fits its final weights there: into memory already faulted in, which the
    /// evaluation then gets back.
    public static func run(panel: Panel, ridge: Double? = nil, progress: (@Sendable (String) -> Void)? = nil,
                           afterFolds: ((DesignStorage, PreviousFold?) throws -> Void)? = nil) throws -> BacktestRun {
        let spec = panel.spec
        var plan = try plannedFolds(panel: panel)
        var folds: [BacktestRun.FoldResult] = []
        var models: [BacktestRun.FoldModel] = []
        var rows: [Int] = [], foldOfRow: [Int] = [], eta: [Double] = [], p: [Double] = []
        // Sized once: appending fold by fold would copy them (into fresh pages) as they grow.
        let scoredRows = plan.reduce(0) { $0 + $1.test.count }
        rows.reserveCapacity(scoredRows); foldOfRow.reserveCapacity(scoredRows)
        eta.reserveCapacity(scoredRows); p.reserveCapacity(scoredRows)
        var fallbackFolds: [String: [(fold: String, why: String)]] = [:]
        // One design's worth of memory serves every fold's pooled design, one after the other;
        // likewise for the designs of the scored rows.
        let largestFold = plan.map(\.train.count).max() ?? 0
        let storage = DesignStorage(maxRows: max(largestFold, afterFolds == nil ? 0 : panel.rowCount), populatedRows: largestFold)
        let testStorage = DesignStorage(maxRows: plan.map(\.test.count).max() ?? 0)
        for k in plan.indices {
            let fold = plan[k]
            progress?("fold \(k + 1)/\(plan.count): scoring \(fold.label) with a model trained on \(fold.train.count) rows")
            let segmented: SegmentedFit
            do {
                // The pooled model warm-starts from the previous fold's (same columns, nearly the same rows).
                // With an expanding window it starts where the previous fold's optimum moves with the added rows.
                let previous = k > 0 && fold.train.starts(with: plan[k - 1].train) ? models.last.map {
                    PreviousFold(model: SpecFit(encoding: $0.encoding, fit: $0.fit), sharedRows: plan[k - 1].train.count)
                } : nil
                // Earlier folds' row lists are done with: on a million rows they add up to tens of
                // MB, held while the largest designs are.
                if k > 0 { plan[k - 1].train = []; plan[k - 1].test = [] }
                // A fold's standard errors are never reported: its last step may skip the Hessian
                // (the first fold's is kept to predict the next fold's start; a Firth fit skips its
                // profile intervals, 2p + 1 refits each, for every fold).
                let exact = previous == nil && !panel.spec.model.firth
                segmented = try SegmentedFit.run(panel: panel, rows: fold.train, ridge: ridge, warmStart: models.last?.fit,
                                                 previous: previous, storage: storage,
                                                 finalHessian: exact ? .exact : .beforeLastStep)
            } catch {
                throw BacktestFailure(fold: fold.label, underlying: "\(error)")
            }
            let model = segmented.pooled
            let lp: [Double]
            do { lp = try segmented.linearPredictor(panel: panel, rows: fold.test, storage: testStorage) } catch {
                throw BacktestFailure(fold: fold.label, underlying: "\(error)")
            }
            let perSegment = spec.model.perSegment && !panel.segmentNames.isEmpty
            // The fold's metrics are computed after the loop, with the other folds' (below).
            folds.append(.init(test: fold.label, trainPeriods: fold.trainLabels, trainRows: fold.train.count,
                               testRows: fold.test.count, iterations: model.fit.iterations,
                               converged: model.fit.converged, warnings: model.fit.warnings, metrics: nil,
                               segmentModels: perSegment ? segmented.segments.keys.sorted() : nil,
                               segmentFallbacks: perSegment ? segmented.fallbacks : nil))
            models.append(.init(segmented))
            for (name, why) in segmented.fallbacks { fallbackFolds[name, default: []].append((fold.label, why)) }
            rows += fold.test
            foldOfRow += Array(repeating: k, count: fold.test.count)
            eta += lp
            p += lp.lazy.map(CalibrationMap.sigmoid)
        }
        testStorage.release()
        if let afterFolds {
            let prefix = plan.last.flatMap { FittedEncoding.contiguousStart($0.train) == 0 ? $0.train.count : nil }
            try afterFolds(storage, models.last.map {
                PreviousFold(model: SpecFit(encoding: $0.encoding, fit: $0.fit), sharedRows: prefix ?? 0)
            })
        }
        storage.release()
        let notes = fallbackNotes(fallbackFolds, folds: plan.count)
        return try evaluated(panel: panel, foldKeys: plan.map(\.key), folds: folds, models: models, rows: rows,
                             foldOfRow: foldOfRow, linearPredictor: eta, probability: p, notes: notes, progress: progress)
    }

    /// One note per segment that used the pooled model in some folds (segment → its folds and why).
    static func fallbackNotes(_ fallbackFolds: [String: [(fold: String, why: String)]], folds: Int) -> [String] {
        fallbackFolds.keys.sorted().compactMap { name in
            guard let list = fallbackFolds[name], let last = list.last else { return nil }
            return "segment \"\(name)\" used the pooled model in \(list.count) of \(folds) folds (e.g. \(last.fold): \(last.why))"
        }
    }

    /// The folds' out-of-sample scores evaluated: the honest calibration (each scored period
    /// gets the map estimated on earlier ones), the pooled, per-segment and per-fold metrics.
    /// `rows` index `panel` (which needs no feature columns: the pushed-down backtest hands a
    /// panel of the pulled keys); `foldKeys` orders the folds in time (`PlannedFold.key`). One
    /// evaluation for the in-memory and the in-database backtest.
    static func evaluated(panel: Panel, foldKeys: [Int], folds: [BacktestRun.FoldResult], models: [BacktestRun.FoldModel],
                          rows: [Int], foldOfRow: [Int], linearPredictor eta: [Double], probability p: [Double],
                          notes: [String], progress: (@Sendable (String) -> Void)?) throws -> BacktestRun {
        var folds = folds
        let y = rows.map { panel.outcome[$0] }
        let w = panel.weights.map { ws in rows.map { ws[$0] } }
        let periodKey = rows.indices.map { foldKeys[foldOfRow[$0]] }
        let e = try BacktestEvaluation(panel: panel, rows: rows, period: periodKey, linearPredictor: eta,
                                       probability: p, outcome: y, weights: w, folds: (foldOfRow, folds.count), progress: progress)
        for k in folds.indices { folds[k].metrics = e.foldMetrics[k] }
        return BacktestRun(folds: folds, models: models, rows: rows, foldOfRow: foldOfRow, linearPredictor: eta,
                           probability: p, calibratedProbability: e.calibrated, pooled: e.pooled,
                           pooledCalibrated: e.pooledCalibrated, perSegment: e.perSegment, calibration: e.assessment,
                           finalCalibration: e.finalMap, notes: notes + e.notes)
    }

    /// A fold with its rows resolved: `key` orders folds in time (the period ordinal, or k).
    struct PlannedFold {
        var label: String
        var key: Int
        var trainLabels: [String]
        var train: [Int]
        var test: [Int]
    }

    static func plannedFolds(panel: Panel) throws -> [PlannedFold] {
        let options = panel.spec.backtest
        if panel.isSnapshot {
            let assignment = try StratifiedKFold.assign(y: panel.outcome, folds: options.folds, seed: 0)
            return (0..<options.folds).map { k in
                let test = assignment.indices.filter { assignment[$0] == k }
                let train = assignment.indices.filter { assignment[$0] != k }
                return PlannedFold(label: "fold \(k + 1)", key: k, trainLabels: [], train: train, test: test)
            }
        }
        let ordinals = panel.periods.map(\.ordinal)
        let plan = try WalkForwardPlan(periods: ordinals, options: options)
        let labelOf = Dictionary(uniqueKeysWithValues: panel.periods.map { ($0.ordinal, $0.label) })
        return plan.folds.map { fold in
            let (train, test) = fold.rows(periodIndexOfRow: panel.periodOfRow, ordinals: ordinals)
            return PlannedFold(label: labelOf[fold.testPeriod] ?? "\(fold.testPeriod)", key: fold.testPeriod,
                               trainLabels: fold.trainPeriods.compactMap { labelOf[$0] }, train: train, test: test)
        }
    }
}
