/// Finds the flags of one customer at a time, for `FlagDetection.run`, which hands each worker
/// its own finder and a run of customers. Each flagged row is explained once, by its fold's
/// model (its segment's own when the fold had one).
struct CustomerFlagFinder {
    /// What one run of customers gave, in customer order.
    struct Found: Sendable {
        /// Flags by kind, in `FlagKind.allCases` order.
        var flags: [[CustomerFlag]] = FlagKind.allCases.map { _ in [] }
        /// Entries that belong to a reported persistent streak.
        var inStreak: [Int] = []
        /// Flagged rows that could not be explained (no model for the fold).
        var unexplained = 0
        /// With `listing`: the panel rows the flags would explain, in the order asked.
        var toExplain: [Int] = []

        /// The flags of the kind at `kind`, left empty here (so the caller holds the only reference).
        mutating func take(_ kind: Int) -> [CustomerFlag] {
            let taken = flags[kind]
            flags[kind] = []
            return taken
        }
    }

    let scored: ScoredPanel
    let panel: Panel
    let models: [BacktestRun.FoldModel]
    let options: FlagOptions
    /// Where the flagged rows' raw values are, when `panel` holds no feature columns (the
    /// pushed-down backtest's key panel).
    var features: FlaggedRowFeatures? = nil
    /// Only list the rows the flags would explain (`Found.toExplain`), explaining none.
    var listing = false
    private(set) var found = Found()
    private var cache: [Int: ExplainedRow] = [:]
    /// One explainer per fold and segment model, built on first use.
    private var explainers: [Int: RowExplainer] = [:]

    init(scored: ScoredPanel, panel: Panel, models: [BacktestRun.FoldModel], options: FlagOptions) {
        self.scored = scored
        self.panel = panel
        self.models = models
        self.options = options
    }

    /// Finds the flags of the k-th customer of `scored.customerStarts`.
    mutating func flagCustomer(_ k: Int) {
        let slice = scored.customerOrder[scored.customerStarts[k]..<scored.customerStarts[k + 1]]
        guard mayHaveFlags(slice) else { return }
        // A row is explained again only within its customer (a churn that is also a drop).
        cache.removeAll(keepingCapacity: true)
        let entries = Array(slice)
        let sequence = ScoredSequence(points: entries.map {
            .init(period: Int(scored.period[$0]), score: scored.score[$0], band: Int(scored.band[$0]), churned: scored.churned[$0])
        })
        // A snapshot has no periods: only the false-healthy flag applies.
        let streaks = scored.isSnapshot ? [] : sequence.persistentStreaks(minLength: options.persistentPeriods)
        let drops = scored.isSnapshot ? [] : sequence.scoreDrops(atLeast: options.scoreDrop)

        // ScoredSequence sorts by period, as customerOrder already is: positions match entries.
        let trajectory = entries.map { TrajectoryPoint(period: scored.periodLabel($0), score: scored.score[$0], band: scored.bandName($0)) }
        for i in entries where scored.churned[i] && scored.isHealthiest(i) {
            add(flag(.falseHealthyChurner, entries: [i], explained: i, trajectory: trajectory))
        }
        for s in streaks {
            let run = Array(entries[s.range])
            found.inStreak += run
            guard let last = run.last else { continue }
            var f = flag(.persistentAtRisk, entries: run, explained: last, trajectory: trajectory)
            f.streakLength = run.count
            add(f)
        }
        for d in drops {
            let (a, b) = (entries[d.from], entries[d.to])
            var f = flag(.scoreDrop, entries: [a, b], explained: b, trajectory: trajectory)
            f.previousScore = scored.score[a]
            f.drop = d.points
            add(f)
        }
    }

    /// false only for a customer with no possible flag (most customers): no churn in the
    /// healthiest band, no period in the riskiest band (a streak needs one) and no fall between
    /// adjacent periods as large as `ScoredSequence.scoreDrops` reports. A cheap pass over the
    /// entries, which are in period order, before any sequence or flag is built.
    private func mayHaveFlags(_ entries: ArraySlice<Int>) -> Bool {
        var previous: Int? = nil
        for i in entries {
            if scored.churned[i] && scored.isHealthiest(i) { return true }
            if !scored.isSnapshot {
                if scored.isRiskiest(i) { return true }
                if let p = previous, scored.period[i] == scored.period[p] + 1,
                   scored.score[p] - scored.score[i] >= options.scoreDrop - ScoredSequence.scoreSlack { return true }
            }
            previous = i
        }
        return false
    }

    private mutating func add(_ flag: CustomerFlag) {
        found.flags[FlagKind.allCases.firstIndex(of: flag.kind) ?? 0].append(flag)
    }

    private mutating func explain(_ i: Int) -> ExplainedRow? {
        if let e = cache[i] { return e }
        let f = Int(scored.fold[i])
        guard models.indices.contains(f) else {
            found.unexplained += 1
            return nil
        }
        let r = scored.row[i]
        if listing {
            found.toExplain.append(r)
            return nil
        }
        // The row's raw values: in the panel, or in the small panel of the flagged rows.
        let source = features?.panel ?? panel
        guard let sourceRow = features.map({ $0.rowOf[r] }) ?? r else {
            found.unexplained += 1
            return nil
        }
        let key = f * (panel.segmentNames.count + 1) + (panel.segmentCodes.isEmpty ? 0 : Int(panel.segmentCodes[r]) + 1)
        let explainer: RowExplainer
        if let known = explainers[key] {
            explainer = known
        } else {
            // The row's own segment model when the fold had one, else the pooled model.
            let model = models[f].model(forSegment: panel.segment(ofRow: r))
            explainer = RowExplainer(panel: source, encoding: model.encoding, coefficients: model.fit.coefficients)
            explainers[key] = explainer
        }
        guard let e = explainer.explain(row: sourceRow) else {
            found.unexplained += 1
            return nil
        }
        cache[i] = e
        return e
    }

    private mutating func flag(_ kind: FlagKind, entries: [Int], explained i: Int, trajectory: [TrajectoryPoint]) -> CustomerFlag {
        let e = explain(i)
        // A loop rather than `entries.map(scored.periodLabel)`, whose method reference copies
        // the whole ScoredPanel (a retain of each of its arrays) per flag.
        var periods: [String] = []
        periods.reserveCapacity(entries.count)
        for entry in entries { periods.append(scored.periodLabel(entry)) }
        return CustomerFlag(kind: kind, customer: scored.customerID(i), segment: scored.segmentName(i), periods: periods,
                            startPeriod: periods.first ?? "", endPeriod: periods.last ?? "", score: scored.score[i],
                            band: scored.bandName(i), previousScore: nil, drop: nil, streakLength: nil,
                            failedGate: scored.failedGate[i], trajectory: trajectory,
                            topContributions: e?.top(options.topFeatures) ?? [],
                            healthiestContributions: kind == .falseHealthyChurner ? (e?.healthiest(options.topFeatures) ?? []) : [],
                            subScores: e?.groupSums ?? [:])
    }
}
