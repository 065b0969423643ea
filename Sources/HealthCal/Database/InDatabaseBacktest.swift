import Foundation

/// The walk-forward backtest with the panel in PostgreSQL (`backtest --in-database`): the same
/// folds as `Backtest.run` (one `WalkForwardPlan`), each fold's encodings and Newton passes as
/// aggregate queries over its training periods (`InDatabaseFit`, a period predicate), its test
/// period scored in the database (`InDatabaseScoring`), and then the same evaluation as the
/// in-memory backtest (`Backtest.evaluated`: calibration, metrics, per-fold reports).
///
/// What reaches the client: every row's keys once (id, period, segment, weight, outcome and the
/// band gate: a `Panel` without feature columns, which the plan, the evaluation and the flags
/// read), each pass's sums, and each test row's linear predictor. Never a feature column:
/// client memory grows with the rows (a few numbers each), not with rows x features.
///
/// From the second fold on, a fold starts where the previous fold's optimum moves with the
/// periods it adds (one pass over those periods only, `InDatabaseFit.predictedStart`), and steps
/// on that carried Hessian with gradient-only passes, as the in-memory backtest does.
public enum InDatabaseBacktest {
    public struct Outcome: Sendable {
        public var run: BacktestRun
        /// Every row's keys (no feature columns), which `run.rows` index, and the SHA-256 of
        /// their COPY text.
        public var keys: LoadedPanel
        /// Passes over rows by kind (every fold's, the added-period passes of the carried
        /// starts among the Hessian passes), and the seconds spent in them.
        public var valuePasses = 0
        public var gradientPasses = 0
        public var hessianPasses = 0
        public var passSeconds = 0.0
        /// Seconds for the folds' encoder statistics and checks, and for scoring the test periods.
        public var statisticsSeconds = 0.0
        public var scoringSeconds = 0.0
        /// Shards the passes ran on (0: the rows' own server).
        public var shards = 0
        /// `recalibrate`'s final fit on every row (with per-segment models when the spec asks),
        /// started from the last fold's (nil unless asked), and what its passes cost.
        public var final: SegmentedFit? = nil
        public var finalPasses: InDatabaseFit.Outcome? = nil
    }

    /// Runs the spec's backtest on `relation`. `ridge` overrides the spec's `model.ridge`.
    ///
    /// `fitFinal` also fits the final weights on every row once the folds are fitted (in the
    /// same snapshot), started from the last fold's optimum moved by the periods it did not
    /// have, as `recalibrate` does in memory: same optimum, fewer passes.
    public static func run(url: PostgresURL, relation: PostgresRelation, spec: Spec, ridge: Double? = nil,
                           fitFinal: Bool = false, progress: (@Sendable (String) -> Void)? = nil) throws -> Outcome {
        try checkPushedDown(spec)
        let conn = try PostgresConnection.aggregateSession(url)
        _ = try PostgresPanelReader.selectList(conn, relation: relation, spec: spec)
        let shards = try ShardedPasses.detect(conn, url: url, rows: DatabaseRows(relation: relation, spec: spec))

        // A sharded table's rows come shard by shard, in no order of their own: its keys are
        // read ordered by id and period, so customers (and their flags) come in id order.
        let keys = try PanelLoading.load(.postgres(url, relation), spec: keySpec(spec), orderedByKeys: shards != nil)
        let panel = keys.panel
        if panel.isSnapshot {
            throw FitError.shape("--in-database backtests a panel with periods (folds are period predicates); a snapshot's stratified folds are not pushed down: drop --in-database")
        }
        let plan = try Backtest.plannedFolds(panel: panel)

        var cost = Cost()
        var folds: [BacktestRun.FoldResult] = []
        var models: [BacktestRun.FoldModel] = []
        var rows: [Int] = [], foldOfRow: [Int] = [], eta: [Double] = [], p: [Double] = []
        var previous: (model: SpecFit, periods: [String])? = nil
        let perSegment = spec.model.perSegment && !panel.segmentNames.isEmpty
        var fallbackFolds: [String: [(fold: String, why: String)]] = [:]
        for (k, fold) in plan.enumerated() {
            progress?("fold \(k + 1)/\(plan.count): scoring \(fold.label) with a model trained on \(fold.train.count) rows (in the database)")
            let train = DatabaseRows(relation: relation, spec: spec, periods: fold.trainLabels)
            // An expanding window: the previous fold's periods are among this fold's.
            let start = previous.map { prev -> InDatabaseFit.Previous in
                let added = fold.trainLabels.filter { !prev.periods.contains($0) }
                let expanding = Set(prev.periods).isSubset(of: fold.trainLabels) && !added.isEmpty
                return InDatabaseFit.Previous(model: prev.model,
                                              added: expanding ? DatabaseRows(relation: relation, spec: spec, periods: added) : nil)
            }
            let segmented: InDatabaseSegmentedFit.Outcome
            do {
                // A fold's standard errors are never reported: after the first its last step may skip the Hessian.
                segmented = try InDatabaseSegmentedFit.run(train, conn, ridge: ridge ?? spec.model.ridge, shards: shards,
                                                           previous: start, finalHessian: k == 0 ? .exact : .beforeLastStep)
            } catch let error as DatabaseError {
                throw error
            } catch {
                throw BacktestFailure(fold: fold.label, underlying: "\(error)")
            }
            let fitted = segmented.cost
            progress?("  passes: \(fitted.hessianPasses) with Hessian, \(fitted.gradientPasses) gradient-only, \(fitted.valuePasses) value-only; \(fitted.fit.fit.iterations) iterations")
            cost.valuePasses += fitted.valuePasses
            cost.gradientPasses += fitted.gradientPasses
            cost.hessianPasses += fitted.hessianPasses
            cost.passSeconds += fitted.passSeconds
            cost.statisticsSeconds += fitted.statisticsSeconds
            let model = segmented.fit.pooled
            previous = (model, fold.trainLabels)

            let scoringStarted = Date()
            let test = DatabaseRows(relation: relation, spec: spec, periods: [fold.label])
            // On a sharded table each shard scores its own rows: no feature crosses to the coordinator.
            let scored = try InDatabaseSegmentedFit.linearPredictors(test, conn, shards: shards, model: segmented.fit)
            let lp = try aligned(scored, to: fold.test, panel: panel, relation: relation, fold: fold.label)
            cost.scoringSeconds += Date().timeIntervalSince(scoringStarted)

            folds.append(.init(test: fold.label, trainPeriods: fold.trainLabels, trainRows: fitted.rows,
                               testRows: fold.test.count, iterations: model.fit.iterations,
                               converged: model.fit.converged, warnings: model.fit.warnings, metrics: nil,
                               segmentModels: perSegment ? segmented.fit.segments.keys.sorted() : nil,
                               segmentFallbacks: perSegment ? segmented.fit.fallbacks : nil))
            models.append(.init(segmented.fit))
            for (name, why) in segmented.fit.fallbacks { fallbackFolds[name, default: []].append((fold.label, why)) }
            rows += fold.test
            foldOfRow += Array(repeating: k, count: fold.test.count)
            eta += lp
            p += lp.lazy.map(CalibrationMap.sigmoid)
        }
        var final: InDatabaseSegmentedFit.Outcome? = nil
        if fitFinal {
            progress?("fitting the final weights on all \(panel.rowCount) rows (in the database)")
            let all = DatabaseRows(relation: relation, spec: spec)
            let added = panel.periodLabels.filter { label in !(previous?.periods.contains(label) ?? false) }
            let start = previous.map {
                InDatabaseFit.Previous(model: $0.model, added: added.isEmpty ? nil : DatabaseRows(relation: relation, spec: spec, periods: added))
            }
            final = try InDatabaseSegmentedFit.run(all, conn, ridge: ridge ?? spec.model.ridge, shards: shards, previous: start)
        }
        try shards?.commit()
        try conn.execute("COMMIT")
        let run = try Backtest.evaluated(panel: panel, foldKeys: plan.map(\.key), folds: folds, models: models, rows: rows,
                                             foldOfRow: foldOfRow, linearPredictor: eta, probability: p,
                                             notes: Backtest.fallbackNotes(fallbackFolds, folds: plan.count),
                                             progress: progress)
        return Outcome(run: run, keys: keys, valuePasses: cost.valuePasses, gradientPasses: cost.gradientPasses,
                       hessianPasses: cost.hessianPasses, passSeconds: cost.passSeconds, statisticsSeconds: cost.statisticsSeconds,
                       scoringSeconds: cost.scoringSeconds, shards: shards?.parts.count ?? 0, final: final?.fit,
                       finalPasses: final?.cost)
    }

    private struct Cost {
        var valuePasses = 0, gradientPasses = 0, hessianPasses = 0
        var passSeconds = 0.0, statisticsSeconds = 0.0, scoringSeconds = 0.0
    }

    /// What `--in-database` does not push down yet, refused before any query.
    static func checkPushedDown(_ spec: Spec) throws {
        if spec.model.firth {
            throw FitError.shape("model.firth is not pushed down yet: drop --in-database")
        }
    }

    /// The spec without its features: the columns the key panel pulls (id, period, segment,
    /// weight, outcome, gate), validated by `Panel.make` as for a file.
    static func keySpec(_ spec: Spec) -> Spec {
        var keys = spec
        keys.features = []
        return keys
    }

    /// The scored rows' linear predictors in the order of the fold's test rows (`rows`, key
    /// panel order, as the in-memory backtest lists them), matched by (id, period).
    static func aligned(_ scored: [InDatabaseScoring.ScoredRow], to rows: [Int], panel: Panel,
                        relation: PostgresRelation, fold: String) throws -> [Double] {
        var position: [String: Int] = [:]
        position.reserveCapacity(rows.count)
        for (k, r) in rows.enumerated() { position[key(panel.customerID(ofRow: r), panel.period(ofRow: r)?.label)] = k }
        var out = [Double](repeating: .nan, count: rows.count)
        var found = 0
        for s in scored {
            guard let k = position[key(s.id, s.period)], out[k].isNaN else {
                throw DatabaseError(.query, "\(relation): period \(fold) changed while it was scored (row with id \"\(s.id.debugEscaped)\" was not among the rows read before)")
            }
            out[k] = s.linearPredictor
            found += 1
        }
        guard found == rows.count else {
            throw DatabaseError(.query, "\(relation): period \(fold) has \(found) rows to score, \(rows.count) when the keys were read")
        }
        return out
    }

    private static func key(_ id: String, _ period: String?) -> String { id + "\u{1F}" + (period ?? "") }
}
