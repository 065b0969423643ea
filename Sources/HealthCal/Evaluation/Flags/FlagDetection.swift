/// Everything the flags step produces: the options, the frozen bands, every flag and the
/// summaries. This is the shape of `flags.json`.
public struct FlagReport: Sendable, Codable {
    public var options: FlagOptions
    /// The period whose scores froze the quantile cut points (nil for fixed bands).
    public var referencePeriod: String?
    /// Scheme name ("default" or a segment) → its bands, riskiest first (the quantile cut points
    /// frozen from `referencePeriod`, as the weight file holds them).
    public var bands: [String: BandScheme]
    /// Quantile scheme in a period panel: scored period → the cut points that banded it in the
    /// backtest and the period they came from (`bands.backtest_cuts`); nil otherwise.
    public var backtestCuts: [String: PeriodCuts]?
    public var gate: BandOptions.Gate?
    public var flags: [CustomerFlag]
    public var summary: FlagSummary
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case options, referencePeriod = "reference_period", bands, backtestCuts = "backtest_cuts", gate, flags, summary
        case notes
    }
}

/// Finds the flags on out-of-sample scores.
public enum FlagDetection {
    /// Flags every customer of `scored`. `models` are the backtest's fold models (indexed by
    /// `scored.fold`), used to explain the flagged rows (each by its segment's own model when the
    /// fold had one); with no model for a fold the flag carries no contributions and a note says so.
    ///
    /// Customers are independent, so runs of them are flagged on every core and the runs' flags
    /// joined in customer order: the flags come out as one pass over the customers gives them.
    ///
    /// `features`, when given, holds the raw values of the rows the flags explain (the panel
    /// then needs no feature columns: the pushed-down backtest's key panel; see `rowsToExplain`).
    public static func run(scored: ScoredPanel, panel: Panel, models: [BacktestRun.FoldModel],
                           options: FlagOptions, features: FlaggedRowFeatures? = nil) -> FlagReport {
        run(scored: scored, panel: panel, models: models, options: options, runs: runs(scored), features: features)
    }

    /// The panel rows whose contributions `run` would compute (each flag's explained row),
    /// without computing any: what the pushed-down flags fetch the raw values of.
    public static func rowsToExplain(scored: ScoredPanel, panel: Panel, models: [BacktestRun.FoldModel],
                                     options: FlagOptions) -> [Int] {
        let customers = scored.customerStarts.count - 1, runs = runs(scored)
        let found = concurrentMap(runs) { k in
            var finder = CustomerFlagFinder(scored: scored, panel: panel, models: models, options: options)
            finder.listing = true
            for c in (k * customers / runs)..<((k + 1) * customers / runs) { finder.flagCustomer(c) }
            return finder.found.toExplain
        }
        return Array(Set(found.joined())).sorted()
    }

    /// A run of about a thousand customers or more is worth a worker; 8 runs keep 2 cores
    /// evenly busy while other work shares them.
    static func runs(_ scored: ScoredPanel) -> Int { max(1, min((scored.customerStarts.count - 1) / 1_000, 8)) }

    /// `run` with the customers split into `runs` runs (tests pick the number).
    static func run(scored: ScoredPanel, panel: Panel, models: [BacktestRun.FoldModel],
                    options: FlagOptions, runs: Int, features: FlaggedRowFeatures? = nil) -> FlagReport {
        let customers = scored.customerStarts.count - 1
        var found = concurrentMap(runs) { k in
            var finder = CustomerFlagFinder(scored: scored, panel: panel, models: models, options: options)
            finder.features = features
            for c in (k * customers / runs)..<((k + 1) * customers / runs) { finder.flagCustomer(c) }
            return finder.found
        }
        var inStreak = [Bool](repeating: false, count: scored.count)
        for part in found {
            for i in part.inStreak { inStreak[i] = true }
        }
        let unexplained = found.reduce(0) { $0 + $1.unexplained }

        var notes: [String] = []
        if unexplained > 0 {
            notes.append("\(unexplained) flagged row\(unexplained == 1 ? "" : "s") could not be explained (no model for its fold); their contributions are empty")
        }
        if scored.isSnapshot {
            notes.append("snapshot panel (no periods): only false-healthy churners can be flagged")
        }
        let flags = CustomerFlag.joinedByMoving(FlagKind.allCases.indices.flatMap { kind in found.indices.map { found[$0].take(kind) } })
        let summary = FlagSummary.make(scored: scored, flags: flags, inPersistentStreak: inStreak)
        return FlagReport(options: options, referencePeriod: scored.referencePeriod, bands: scored.schemesByName,
                          backtestCuts: scored.periodCuts.isEmpty ? nil : scored.periodCuts, gate: scored.assignment.gate, flags: flags, summary: summary, notes: notes + summary.notes)
    }
}
