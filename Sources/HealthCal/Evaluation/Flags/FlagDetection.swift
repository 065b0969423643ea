/// Everything the flags step produces: the options, the frozen bands, every flag and the
/// summaries. This is the shape of `flags.json`.
public struct FlagReport: Sendable, Codable {
    public var options: FlagOptions
    /// The period whose scores froze the quantile cut points (nil for fixed bands).
    public var referencePeriod: String?
    /// Scheme name ("default" or a segment) → its bands, riskiest first.
    public var bands: [String: BandScheme]
    public var gate: BandOptions.Gate?
    public var flags: [CustomerFlag]
    public var summary: FlagSummary
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case options, referencePeriod = "reference_period", bands, gate, flags, summary, notes
    }
}

/// Finds the flags on out-of-sample scores.
public enum FlagDetection {
    /// Flags every customer of `scored`. `models` are the backtest's fold models (indexed by
    /// `scored.fold`), used to explain the flagged rows (each by its segment's own model when the
    /// fold had one); with no model for a fold the flag carries no contributions and a note says so.
    public static func run(scored: ScoredPanel, panel: Panel, models: [BacktestRun.FoldModel],
                           options: FlagOptions) -> FlagReport {
        var flagsByKind: [FlagKind: [CustomerFlag]] = [:]
        var inStreak = [Bool](repeating: false, count: scored.count)
        var unexplained = 0
        var cache: [Int: ExplainedRow] = [:]
        // One explainer per fold and segment model, built on first use.
        var explainers: [Int: RowExplainer] = [:]
        let segmentSlots = panel.segmentNames.count + 1

        func explain(_ i: Int) -> ExplainedRow? {
            if let e = cache[i] { return e }
            let f = Int(scored.fold[i])
            guard models.indices.contains(f) else {
                unexplained += 1
                return nil
            }
            let r = scored.row[i]
            let key = f * segmentSlots + (panel.segmentCodes.isEmpty ? 0 : Int(panel.segmentCodes[r]) + 1)
            let explainer: RowExplainer
            if let known = explainers[key] {
                explainer = known
            } else {
                // The row's own segment model when the fold had one, else the pooled model.
                let model = models[f].model(forSegment: panel.segment(ofRow: r))
                explainer = RowExplainer(panel: panel, encoding: model.encoding, coefficients: model.fit.coefficients)
                explainers[key] = explainer
            }
            guard let e = explainer.explain(row: r) else {
                unexplained += 1
                return nil
            }
            cache[i] = e
            return e
        }

        func flag(_ kind: FlagKind, entries: [Int], explained i: Int, trajectory: [TrajectoryPoint]) -> CustomerFlag {
            let e = explain(i)
            let periods = entries.map(scored.periodLabel)
            return CustomerFlag(kind: kind, customer: scored.customerID(i), segment: scored.segmentName(i), periods: periods,
                        startPeriod: periods.first ?? "", endPeriod: periods.last ?? "", score: scored.score[i],
                        band: scored.bandName(i), previousScore: nil, drop: nil, streakLength: nil,
                        failedGate: scored.failedGate[i], trajectory: trajectory,
                        topContributions: e?.top(options.topFeatures) ?? [],
                        healthiestContributions: kind == .falseHealthyChurner ? (e?.healthiest(options.topFeatures) ?? []) : [],
                        subScores: e?.groupSums ?? [:])
        }

        for k in 0..<(scored.customerStarts.count - 1) {
            let entries = Array(scored.customerOrder[scored.customerStarts[k]..<scored.customerStarts[k + 1]])
            let hasFalseHealthy = entries.contains { scored.churned[$0] && scored.isHealthiest($0) }
            let sequence = ScoredSequence(points: entries.map {
                .init(period: Int(scored.period[$0]), score: scored.score[$0], band: Int(scored.band[$0]), churned: scored.churned[$0])
            })
            // A snapshot has no periods: only the false-healthy flag applies.
            let streaks = scored.isSnapshot ? [] : sequence.persistentStreaks(minLength: options.persistentPeriods)
            let drops = scored.isSnapshot ? [] : sequence.scoreDrops(atLeast: options.scoreDrop)
            guard hasFalseHealthy || !streaks.isEmpty || !drops.isEmpty else { continue }

            // ScoredSequence sorts by period, as customerOrder already is: positions match entries.
            let trajectory = entries.map { TrajectoryPoint(period: scored.periodLabel($0), score: scored.score[$0], band: scored.bandName($0)) }
            for i in entries where scored.churned[i] && scored.isHealthiest(i) {
                flagsByKind[.falseHealthyChurner, default: []].append(flag(.falseHealthyChurner, entries: [i], explained: i, trajectory: trajectory))
            }
            for s in streaks {
                let run = Array(entries[s.range])
                for i in run { inStreak[i] = true }
                guard let last = run.last else { continue }
                var f = flag(.persistentAtRisk, entries: run, explained: last, trajectory: trajectory)
                f.streakLength = run.count
                flagsByKind[.persistentAtRisk, default: []].append(f)
            }
            for d in drops {
                let (a, b) = (entries[d.from], entries[d.to])
                var f = flag(.scoreDrop, entries: [a, b], explained: b, trajectory: trajectory)
                f.previousScore = scored.score[a]
                f.drop = d.points
                flagsByKind[.scoreDrop, default: []].append(f)
            }
        }

        var notes: [String] = []
        if unexplained > 0 {
            notes.append("\(unexplained) flagged row\(unexplained == 1 ? "" : "s") could not be explained (no model for its fold); their contributions are empty")
        }
        if scored.isSnapshot {
            notes.append("snapshot panel (no periods): only false-healthy churners can be flagged")
        }
        let flags = FlagKind.allCases.flatMap { flagsByKind[$0] ?? [] }
        let summary = FlagSummary.make(scored: scored, flags: flags, inPersistentStreak: inStreak)
        return FlagReport(options: options, referencePeriod: scored.referencePeriod, bands: scored.schemesByName,
                          gate: scored.assignment.gate, flags: flags, summary: summary, notes: notes + summary.notes)
    }
}
