/// Calibration metrics of one set of probabilities on the evaluation rows.
///
/// A metric that is undefined on these rows (a single outcome class, p of exactly 0 or 1 on the
/// logit scale, separation) is nil, with the reason in `CalibrationAssessment.notes`.
public struct CalibrationSummary: Sendable, Codable, Equatable {
    public var rows: Int
    /// Σ w of the evaluation rows.
    public var weight: Double
    /// Mean negative log-likelihood, nats (`ProbabilisticScores.logLoss`).
    public var logLoss: Double
    public var brier: Double
    /// Expected calibration error on 10 equal-mass (quantile) bins.
    public var ece: Double?
    /// Cox calibration intercept a and slope b (ideal 0 and 1).
    public var coxIntercept: Double?
    public var coxSlope: Double?
    /// Their standard errors (inverse information): the sampling noise to judge them against.
    public var coxInterceptStandardError: Double?
    public var coxSlopeStandardError: Double?
    /// Mean observed − mean predicted churn (ideal 0; positive: churn under-predicted).
    public var calibrationInTheLarge: Double
    /// Offset-logistic intercept (ideal 0), the log-odds version of the line above.
    public var calibrationInTheLargeLogit: Double?

    enum CodingKeys: String, CodingKey {
        case rows, weight, logLoss = "log_loss", brier, ece, coxIntercept = "cox_intercept"
        case coxSlope = "cox_slope", coxInterceptStandardError = "cox_intercept_standard_error"
        case coxSlopeStandardError = "cox_slope_standard_error"
        case calibrationInTheLarge = "calibration_in_the_large"
        case calibrationInTheLargeLogit = "calibration_in_the_large_logit"
    }
}

/// "Calibration is always reported before and after, on periods it was not estimated on"
/// (DESIGN.md). Given out-of-sample (walk-forward) scores with their period ordinal, the map is
/// estimated on earlier scored periods and evaluated on later ones, so the "after" numbers are
/// what production will see, not the in-sample fit of the map (which for Platt is a perfect
/// Cox slope of 1 by construction).
public struct CalibrationAssessment: Sendable, Codable, Equatable {
    public enum Mode: Sendable, Codable, Equatable {
        /// Estimate once on the scored periods before the last `holdout` ones (nil: the last
        /// third of the scored periods, at least 1), evaluate on the holdout periods.
        case split(holdout: Int?)
        /// For each scored period T after the first, estimate on the scored periods t <= T −
        /// horizon and evaluate on T; the evaluations are pooled.
        case rolling
        /// For each "period" k, estimate on all the others and evaluate on k: for the folds of
        /// a snapshot's k-fold backtest, which have no order, so that every fold is calibrated
        /// (rolling would leave the first uncalibrated). Its honesty is the k-fold's own: fold
        /// k's outcomes never enter its map, but they trained the models that scored the rows
        /// the map is estimated on, as they do under `.rolling`.
        case crossFitted

        enum CodingKeys: String, CodingKey { case split, rolling, crossFitted = "cross_fitted" }
    }

    /// One estimated map and the periods it was estimated on and applied to.
    public struct Step: Sendable, Codable, Equatable {
        public var estimationPeriods: [Int]
        public var evaluationPeriods: [Int]
        public var map: CalibrationMap

        enum CodingKeys: String, CodingKey {
            case estimationPeriods = "estimation_periods", evaluationPeriods = "evaluation_periods", map
        }
    }

    public var method: CalibrationOptions.Method
    public var mode: Mode
    public var steps: [Step]
    /// All periods whose rows are in the before/after evaluation, ascending.
    public var evaluationPeriods: [Int]
    /// The raw scores on the evaluation rows.
    public var before: CalibrationSummary
    /// The recalibrated scores on the same rows.
    public var after: CalibrationSummary
    public var notes: [String]

    /// Runs the assessment. `p`, `y`, `w` are out-of-sample scores, outcomes and optional row
    /// weights; `period` is each row's period ordinal. `horizon` keeps the estimation honest in
    /// the same way as the backtest: the map applied at period T is estimated only on periods
    /// whose outcomes were known at T (t <= T − horizon). In split mode that means the periods
    /// within `horizon − 1` before the holdout are used for neither (with horizon 1, none are lost).
    public static func assess(p: [Double], y: [Double], w: [Double]? = nil, period: [Int],
                              method: CalibrationOptions.Method = .platt, mode: Mode = .split(holdout: nil),
                              horizon: Int = 1) throws(CalibrationError) -> CalibrationAssessment {
        do { _ = try validatedWeights(p: p, y: y, w: w) } catch { throw .metric(error) }
        guard period.count == p.count else {
            throw .metric(.lengthMismatch(name: "periods", expected: p.count, actual: period.count))
        }
        guard horizon >= 1 else { throw .invalidArgument("calibration assessment: horizon is \(horizon); it must be at least 1") }
        let grouped = PeriodBlocks(period: period)
        let scored = grouped.periods
        // Estimation sets are the first k scored periods (but when cross-fitted), so their rows
        // are one prefix of the grouped rows, and the maps are fitted there without copying rows.
        let prepared = try CalibrationRows(p: grouped.gather(p), y: grouped.gather(y), w: w.map(grouped.gather), method: method)
        // Each step: the number k of first scored periods it is estimated on (all but the
        // evaluated one when cross-fitted), and the periods it is evaluated on.
        var plan: [(estimated: Int, evaluation: [Int])] = []
        let crossFitted = mode == .crossFitted
        switch mode {
        case .split(let holdout):
            let h = holdout ?? max(1, scored.count / 3)
            guard h >= 1 else { throw .invalidArgument("calibration assessment: holdout is \(h) periods; it must be at least 1") }
            guard scored.count > h else {
                throw .notEnoughPeriods(scored: scored, needed: h + 1, reason: "\(h) held out plus at least one to estimate on")
            }
            let evaluation = Array(scored.suffix(h))
            let k = scored.count(where: { $0 <= evaluation[0] - horizon })
            guard k > 0 else {
                throw .notEnoughPeriods(scored: scored, needed: h + horizon,
                                        reason: "\(h) held out and, with horizon \(horizon), one estimated on at least \(horizon) period(s) before them")
            }
            plan = [(k, evaluation)]
        case .rolling:
            for t in scored {
                let k = scored.count(where: { $0 <= t - horizon })
                if k > 0 { plan.append((k, [t])) }
            }
            guard !plan.isEmpty else {
                throw .notEnoughPeriods(scored: scored, needed: 2, reason: "one to estimate on and a later one, at least \(horizon) period(s) on, to evaluate")
            }
        case .crossFitted:
            guard scored.count >= 2 else {
                throw .notEnoughPeriods(scored: scored, needed: 2, reason: "one to evaluate and another to estimate on")
            }
            plan = scored.map { (scored.count - 1, [$0]) }
        }

        // The evaluation rows of all steps, pooled; each step's rows in their input order.
        let r = prepared.rows
        var rows: [Int] = [], stepOfRow: [Int] = []
        for (s, item) in plan.enumerated() {
            var positions = item.evaluation.flatMap { Array(grouped.rows(ofPeriod: $0)) }
            if item.evaluation.count > 1 { positions.sort { grouped.order[$0] < grouped.order[$1] } }
            rows += positions
            stepOfRow += Array(repeating: s, count: positions.count)
        }
        let ey = rows.map { r.y[$0] }, ew = r.isWeighted ? rows.map { r.weights[$0] } : nil
        let raw = rows.map { r.p[$0] }
        // The logit-scale methods hold clippedLogit(p) of every row; where the clip changes no p
        // (always but for p within 1e-15 of 0 or 1) that is the summary's logit(p) as well.
        let rawLogits: [Double]? = prepared.logits.isEmpty || !raw.allSatisfy({ $0 >= CalibrationMap.pClip && $0 <= 1 - CalibrationMap.pClip })
            ? nil : rows.map { prepared.logits[$0] }

        // The maps (independent of each other but for their shared first Newton step) and the
        // "before" summary, spread over the cores.
        let starts = plan.map { grouped.start[$0.estimated] }
        let (maps, before) = concurrently(
            { crossFitted ? Self.fitAllBut(prepared, blocks: grouped, method: method) : prepared.fitPrefixes(method, ends: starts) },
            { Result { () throws(CalibrationError) in try summarize(p: raw, y: ey, w: ew, label: "before", logits: rawLogits) } })
        var steps: [Step] = []
        for (s, item) in plan.enumerated() {
            let estimation = crossFitted ? scored.filter { !item.evaluation.contains($0) } : Array(scored.prefix(item.estimated))
            steps.append(Step(estimationPeriods: estimation, evaluationPeriods: item.evaluation, map: try maps[s].get()))
        }
        // apply(p) is apply(logit: clippedLogit(p)) for the logit-scale maps: the prepared logits.
        let after = prepared.logits.isEmpty ? rows.indices.map { steps[stepOfRow[$0]].map.apply(raw[$0]) }
            : rows.indices.map { steps[stepOfRow[$0]].map.apply(logit: prepared.logits[rows[$0]]) }
        let beforeSummary = try before.get()
        let afterSummary = try summarize(p: after, y: ey, w: ew, label: "after")
        return CalibrationAssessment(method: method, mode: mode, steps: steps,
                                     evaluationPeriods: steps.flatMap(\.evaluationPeriods).sorted(),
                                     before: beforeSummary.summary, after: afterSummary.summary,
                                     notes: beforeSummary.notes + afterSummary.notes)
    }

    /// For each block k (a period), the map estimated on the rows of every other block.
    static func fitAllBut(_ prepared: CalibrationRows, blocks: PeriodBlocks,
                          method: CalibrationOptions.Method) -> [Result<CalibrationMap, CalibrationError>] {
        let r = prepared.rows, n = r.p.count
        return concurrentMap(blocks.periods.count) { k in
            Result { () throws(CalibrationError) in
                let kept = Array(0..<blocks.start[k]) + Array(blocks.start[k + 1]..<n)
                let others = try CalibrationRows(p: kept.map { r.p[$0] }, y: kept.map { r.y[$0] },
                                                 w: r.isWeighted ? kept.map { r.weights[$0] } : nil, method: method)
                return try others.fit(method, rows: 0..<kept.count)
            }
        }
    }

    /// The metrics of `p` on the evaluation rows; logit-scale metrics that are undefined here
    /// become nil with a note rather than failing the whole assessment. The rows are validated
    /// once; the Cox fit runs beside the rest, which shares the logits. `logits`, when given,
    /// are `CalibrationFit.logits(p)`, already known.
    static func summarize(p: [Double], y: [Double], w: [Double]?, label: String,
                          logits known: [Double]? = nil) throws(CalibrationError)
        -> (summary: CalibrationSummary, notes: [String]) {
        let r: ScoredRows
        do { r = try ScoredRows(p: p, y: y, w: w) } catch { throw .metric(error) }
        let logits = Result { () throws(MetricError) in
            try requireBothClasses(y: y, w: r.weights)
            if let known { return known }
            return try CalibrationFit.logits(p)
        }
        let (cox, rest) = concurrently({ logits.flatMap { x in Result { () throws(MetricError) in try CalibrationFit.cox(x: x, y: y, w: r.weights, rows: p.indices) } } }, {
            let edges = Binning.edges(p: p, bins: 10, strategy: .quantile)
            var s = CalibrationSummary(rows: p.count, weight: r.weights.reduce(0, +),
                                       logLoss: ProbabilisticScores.logLoss(r), brier: ProbabilisticScores.brier(r),
                                       calibrationInTheLarge: weightedMean(y, r.weights) - weightedMean(p, r.weights))
            s.ece = CalibrationCurve.reliability(r, edges: edges, bins: Binning.assign(p: p, edges: edges), strategy: .quantile)
                .expectedCalibrationError
            let citl = logits.flatMap { x in Result { () throws(MetricError) in try CalibrationFit.calibrationInTheLarge(r, logits: x) } }
            return (s, citl)
        })
        var (s, notes) = (rest.0, [String]())
        switch cox {
        case .success(let c):
            s.coxIntercept = c.intercept; s.coxSlope = c.slope
            s.coxInterceptStandardError = c.interceptStandardError; s.coxSlopeStandardError = c.slopeStandardError
        case .failure(let error): notes.append("\(label): Cox slope and intercept undefined: \(error)")
        }
        switch rest.1 {
        case .success(let c): s.calibrationInTheLargeLogit = c.logisticIntercept
        case .failure(let error): notes.append("\(label): logistic calibration-in-the-large undefined: \(error)")
        }
        return (s, notes)
    }

    enum CodingKeys: String, CodingKey {
        case method, mode, steps, evaluationPeriods = "evaluation_periods", before, after, notes
    }
}

/// Row indices grouped by period ordinal: periods ascending, each block in row order (a stable
/// counting sort), so the rows of the first k periods are the first `start[k]` grouped rows.
struct PeriodBlocks {
    /// The distinct periods, ascending.
    let periods: [Int]
    /// Grouped position → original row.
    let order: [Int]
    /// Block k holds grouped positions start[k] ..< start[k + 1].
    let start: [Int]

    init(period: [Int]) {
        // Rows come in runs of one period (the backtest's rows are in fold order), so the hash
        // lookups are made once per run, not once per row.
        var distinct = Set<Int>()
        var last: Int? = nil
        for t in period where t != last {
            distinct.insert(t)
            last = t
        }
        periods = distinct.sorted()
        let blockOf = Dictionary(uniqueKeysWithValues: periods.enumerated().map { ($1, $0) })
        var block = [Int](repeating: 0, count: period.count)
        var runPeriod: Int? = nil, runBlock = 0
        for (i, t) in period.enumerated() {
            if t != runPeriod {
                runPeriod = t
                runBlock = blockOf[t] ?? 0
            }
            block[i] = runBlock
        }
        var start = [Int](repeating: 0, count: periods.count + 1)
        for b in block { start[b + 1] += 1 }
        for k in periods.indices { start[k + 1] += start[k] }
        var next = start, order = [Int](repeating: 0, count: period.count)
        for (i, b) in block.enumerated() {
            order[next[b]] = i
            next[b] += 1
        }
        self.order = order
        self.start = start
    }

    /// `x` in grouped order.
    func gather(_ x: [Double]) -> [Double] { order.map { x[$0] } }

    /// Grouped positions of the rows of period `t` (empty when it has none).
    func rows(ofPeriod t: Int) -> Range<Int> {
        guard let k = periods.firstIndex(of: t) else { return 0..<0 }
        return start[k]..<start[k + 1]
    }
}
