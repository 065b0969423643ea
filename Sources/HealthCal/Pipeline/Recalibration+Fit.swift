/// `recalibrate`'s first stage: the walk-forward backtest and the final weights, on the client
/// or pushed down into the database.
extension Recalibration {
    /// The database source, relation and results of a pushed-down run.
    typealias Pushed = (url: PostgresURL, relation: PostgresRelation, outcome: InDatabaseRecalibration.Outcome)

    static func backtestAndFinalFit(_ options: Options, spec: Spec, say: @escaping @Sendable (String) -> Void) throws
        -> (loaded: LoadedPanel, run: BacktestRun, final: SegmentedFit, pushed: Pushed?) {
        if options.inDatabase {
            guard case .postgres(let url, let relation) = options.source else {
                throw FitError.shape("--in-database needs a database source (postgresql://...) with a table or query")
            }
            // The champion's columns are checked before the backtest, not after it.
            if let champion = options.champion { try InDatabaseChampion.check(champion, url: url, relation: relation, spec: spec) }
            say("backtest and final fit in the database: \(options.source)")
            let outcome = try InDatabaseRecalibration.run(url: url, relation: relation, spec: spec, ridge: options.ridge,
                                                          progress: { say("  " + $0) })
            try BacktestBootstrap.check(options.bootstrap, panel: outcome.backtest.keys.panel, allowZero: true)
            return (outcome.backtest.keys, outcome.backtest.run, outcome.final, (url, relation, outcome))
        }
        say("reading \(options.source)")
        let loaded = try PanelLoading.load(options.source, spec: spec)
        let panel = loaded.panel
        say("read \(panel.rowCount) rows, \(panel.customerIDs.count) customers, \(panel.periods.count) periods")
        try BacktestBootstrap.check(options.bootstrap, panel: panel, allowZero: true)

        say("backtest")
        // The final weights are fitted as soon as the folds are, in their design memory (already
        // faulted in, which is slow here), before the scores are evaluated. Started from the last
        // fold's optimum (moved by the rows it did not have, when they follow its rows; else its
        // weights): same optimum, fewer passes.
        var fitted: SegmentedFit? = nil
        let run = try Backtest.run(panel: panel, ridge: options.ridge, progress: { say("  " + $0) }) { storage, previous in
            say("  fitting the final weights on all \(panel.rowCount) rows")
            fitted = try SegmentedFit.run(panel: panel, ridge: options.ridge, warmStart: previous?.model.fit,
                                          previous: previous, storage: storage)
        }
        guard let fitted else { throw FitError.numerical("the final fit did not run") }
        return (loaded, run, fitted, nil)
    }
}

extension Recalibration {
    /// The champion's scores of `run.rows`: computed in the database for a pushed-down run
    /// (`InDatabaseChampion`: only each row's score comes back), else from the panel.
    static func championScores(_ champion: ChampionModel?, run: BacktestRun, panel: Panel, spec: Spec,
                               pushed: Pushed?, say: @Sendable (String) -> Void) throws -> ModelScores? {
        guard let champion else { return nil }
        guard let pushed else { return try champion.scores(panel: panel, rows: run.rows) }
        say("champion: scoring the out-of-sample periods in the database")
        return try InDatabaseChampion.scores(champion, url: pushed.url, relation: pushed.relation, spec: spec, run: run, keys: panel)
    }
}

extension ScoredPanel {
    /// Whether each of `run`'s rows (in `run.rows` order) is in the healthiest band; `rowCount`
    /// is the panel's.
    func healthiest(of run: BacktestRun, rowCount: Int) -> [Bool] {
        var position = [Int](repeating: -1, count: rowCount)
        for (k, r) in run.rows.enumerated() { position[r] = k }
        var healthiest = [Bool](repeating: false, count: run.rows.count)
        for i in row.indices where isHealthiest(i) && position[row[i]] >= 0 { healthiest[position[row[i]]] = true }
        return healthiest
    }
}
