import Foundation

/// The numbers, sentences, series and tables of the leadership report, derived once from the
/// inputs and shared by the HTML and Markdown renderings.
struct ReportFacts {
    let r: ReportInputs
    let m: MetricsReport

    init(_ r: ReportInputs) {
        self.r = r
        self.m = r.backtest.pooledCalibrated
    }

    typealias T = MetricsText

    var comparison: ChampionComparison? { r.backtest.champion }

    // MARK: Headlines

    var cards: [HeadlineCard] {
        var cards: [HeadlineCard] = []
        if let auc = m.rocAUC {
            cards.append(HeadlineCard(
                label: "Ranking (AUC)", value: T.num(auc, 3),
                sentence: "Given a churner and a customer who stayed, the score put the churner at higher risk \(Int((auc * 100).rounded()))% of the time (50% is a coin toss).",
                delta: comparison.map { HeadlineDelta(value: auc, reference: $0.champion.auc, higherIsBetter: true) }))
        }
        if let lift = m.topDecileLift {
            cards.append(HeadlineCard(
                label: "Riskiest 10%", value: "\(T.num(lift.lift, 1))× churn",
                sentence: "Customers in the riskiest tenth churned \(T.num(lift.lift, 1)) times as often as the average customer (\(T.pct(lift.topRate)) vs \(T.pct(lift.overallRate)))."))
        }
        cards.append(HeadlineCard(
            label: "Predicted vs actual churn", value: "\(T.pct(m.meanPredicted)) / \(T.pct(m.churnRate))",
            sentence: "The score predicted \(T.pct(m.meanPredicted)) churn per period on average; \(T.pct(m.churnRate)) actually churned."))
        cards.append(HeadlineCard(
            label: "Brier score", value: T.num(m.brier, 4),
            sentence: "Mean squared error of the predicted probabilities: lower is better; always predicting the base rate would score \(T.num(m.brierDecomposition.uncertainty, 4)).",
            delta: comparison.flatMap { c in c.champion.brier.map { HeadlineDelta(value: m.brier, reference: $0, higherIsBetter: false, format: .number(decimals: 4)) } }))
        if let f = r.flags, f.churners > 0 {
            let share = Double(f.falseHealthy) / Double(f.churners)
            cards.append(HeadlineCard(
                label: "Churners called healthy", value: T.pct(share),
                sentence: "\(f.falseHealthy) of \(f.churners) churners were in the healthiest band when they left."))
            cards.append(HeadlineCard(
                label: "Persistently red, never churned", value: "\(f.persistentAtRisk)",
                sentence: "Customers in the riskiest band for \(f.persistentPeriods)+ periods in a row who stayed: attention that may be better spent elsewhere."))
        }
        return cards
    }

    var verdict: String {
        var s = "Backtested over \(r.backtest.folds.count) period\(r.backtest.folds.count == 1 ? "" : "s") (\(r.backtest.folds.first?.test ?? "")–\(r.backtest.folds.last?.test ?? "")), \(m.rowCount) customer-periods, out of sample."
        if let c = comparison {
            let better = c.aucDifference > 0
            s += " The new weights rank churners \(better ? "better" : "worse") than the champion (AUC \(T.num(c.challenger.auc, 3)) vs \(T.num(c.champion.auc, 3))"
            if let d = c.delongTest { s += d.pValue < 0.05 ? "; a difference unlikely to be chance, DeLong p = \(T.pValue(d.pValue))" : "; the difference could be chance, DeLong p = \(T.pValue(d.pValue))" }
            s += ")."
        }
        return s
    }

    // MARK: Ranking

    var rocSeries: [LineSeries] { rocSeries(order: nil) }

    /// `order`, when given, is `descendingOrder(r.probability)` (shared with `lifts(order:)`).
    func rocSeries(order: [Int]?) -> [LineSeries] {
        var series: [LineSeries] = []
        if let champion = r.champion, let curve = try? RankingMetrics.rocCurve(p: ranks(champion), y: r.outcome, w: r.weights) {
            series.append(LineSeries(name: champion.name, x: curve.falsePositiveRate, y: curve.truePositiveRate, color: .champion))
        }
        // Scores with a NaN have no descending order (and no curve): the order is for the rest.
        let curve = order != nil && !r.probability.contains(where: \.isNaN)
            ? try? RankingMetrics.rocCurve(p: r.probability, y: r.outcome, w: r.weights, order: order ?? [])
            : try? RankingMetrics.rocCurve(p: r.probability, y: r.outcome, w: r.weights)
        if let curve {
            series.append(LineSeries(name: "New weights", x: curve.falsePositiveRate, y: curve.truePositiveRate, color: .challenger))
        }
        return series
    }

    var lifts: [(name: String, values: [Double])] { lifts(order: nil) }

    /// `order`, when given, is `descendingOrder(r.probability)`.
    func lifts(order: [Int]?) -> [(name: String, values: [Double])] {
        var out: [(String, [Double])] = []
        if let champion = r.champion { out.append((champion.name, decileLift(ranks(champion)))) }
        out.append(("New weights", decileLift(r.probability, order: order)))
        return out
    }

    /// Scores of a model as values in [0, 1] ordered like its risk (ranks for a rank-only score).
    func ranks(_ s: ModelScores) -> [Double] {
        s.isProbability ? s.values : ScoreEvaluation.normalizedRanks(s.values)
    }

    /// Churn rate of each tenth of the rows by descending risk, over the overall rate.
    func decileLift(_ p: [Double], order: [Int]? = nil) -> [Double] {
        let order = order ?? Self.descendingOrder(p)
        let w = r.weights ?? Array(repeating: 1, count: p.count)
        let total = w.reduce(0, +)
        let overall = zip(r.outcome, w).reduce(0) { $0 + $1.0 * $1.1 } / total
        guard overall > 0, !order.isEmpty else { return [] }
        return (0..<10).map { k in
            let slice = order[(k * order.count / 10)..<((k + 1) * order.count / 10)]
            let sw = slice.reduce(0) { $0 + w[$1] }
            return sw > 0 ? slice.reduce(0) { $0 + w[$1] * r.outcome[$1] } / sw / overall : .nan
        }
    }

    /// Indices of `p` by descending value, ties in index order (a stable sort): the radix sort
    /// the metrics use, or for scores with a NaN (which have no such order) the comparison sort
    /// the report always used.
    static func descendingOrder(_ p: [Double]) -> [Int] {
        if p.contains(where: \.isNaN) { return p.indices.sorted { p[$0] > p[$1] } }
        return SortOrder.rows(by: p, descending: true)
    }

    var foldTable: ReportTable {
        ReportTable(caption: "Each period scored by a model trained on earlier periods only",
                    columns: [.init("Period scored"), .init("Trained on"), .init("Customers", alignment: .numeric),
                              .init("Churn rate", alignment: .numeric), .init("AUC", alignment: .numeric), .init("Brier", alignment: .numeric)],
                    rows: r.backtest.folds.map { f in
                        ReportTable.Row([f.test, f.trainPeriods.isEmpty ? "other folds" : "\(f.trainPeriods.first ?? "")–\(f.trainPeriods.last ?? "")",
                                         "\(f.testRows)", f.metrics.map { T.pct($0.churnRate) } ?? "n/a",
                                         f.metrics?.rocAUC.map { T.num($0, 3) } ?? "n/a", f.metrics.map { T.num($0.brier, 4) } ?? "n/a"])
                    })
    }

    // MARK: Calibration

    var reliabilityBefore: [ReliabilityPoint] { r.backtest.pooledRaw.reliabilityQuantile.bins.map(ReliabilityPoint.init) }
    var reliabilityAfter: [ReliabilityPoint] { m.reliabilityQuantile.bins.map(ReliabilityPoint.init) }

    var calibrationSentence: String {
        guard let c = r.backtest.calibration else {
            return "Calibration was not assessed (method: \(r.calibration.method.rawValue))."
        }
        return "Recalibration (\(c.method.rawValue)) was judged on periods it was not estimated on: the calibration slope went from \(c.before.coxSlope.map { T.num($0, 2) } ?? "n/a") to \(c.after.coxSlope.map { T.num($0, 2) } ?? "n/a") (1 is ideal) and the gap between observed and predicted churn from \(T.signedPct(c.before.calibrationInTheLarge)) to \(T.signedPct(c.after.calibrationInTheLarge)). The shipped weights include this recalibration."
    }

    var calibrationTable: ReportTable? {
        guard let c = r.backtest.calibration else { return nil }
        let cols: [ReportTable.Column] = [.init(""), .init("Log loss", alignment: .numeric), .init("Brier", alignment: .numeric),
                                          .init("ECE", alignment: .numeric), .init("Slope", alignment: .numeric),
                                          .init("Intercept", alignment: .numeric), .init("Observed − predicted", alignment: .numeric)]
        func row(_ name: String, _ s: CalibrationSummary) -> ReportTable.Row {
            ReportTable.Row([name, T.num(s.logLoss, 4), T.num(s.brier, 4), s.ece.map { T.num($0, 4) } ?? "n/a",
                             s.coxSlope.map { T.num($0, 3) } ?? "n/a", s.coxIntercept.map { T.num($0, 3) } ?? "n/a",
                             T.signedPct(s.calibrationInTheLarge)])
        }
        return ReportTable(caption: "Calibration before and after, on periods not used to estimate it", columns: cols,
                           rows: [row("Before", c.before), row("After", c.after)])
    }

    // MARK: Bands

    var bandChurnSeries: [BarSeries] {
        guard let b = r.bands else { return [] }
        return b.bandNames.indices.map { k in
            BarSeries(name: b.bandNames[k], values: b.periods.indices.map { p in
                b.customers[p][k] > 0 ? b.churners[p][k] / b.customers[p][k] : .nan
            }, color: b.bandColors[k].flatMap { ChartPalette.bandColor(named: $0) })
        }
    }

    var bandShareSeries: [BarSeries] {
        guard let b = r.bands else { return [] }
        return b.bandNames.indices.map { k in
            BarSeries(name: b.bandNames[k], values: b.periods.indices.map { b.customers[$0][k] },
                      color: b.bandColors[k].flatMap { ChartPalette.bandColor(named: $0) })
        }
    }

    // MARK: Champion

    var championSentence: String {
        guard let c = comparison else { return "" }
        var s = "Both models scored exactly the same out-of-sample customer-periods. "
        s += "The new weights put \(T.pct(c.challenger.capture.churnerShare)) of churners in their riskiest band, the champion \(T.pct(c.champion.capture.churnerShare))."
        return s
    }

    var championTable: ReportTable? {
        guard let c = comparison else { return nil }
        let cols: [ReportTable.Column] = [.init("Model"), .init("AUC", alignment: .numeric), .init("95% interval", alignment: .numeric),
                                          .init("Brier", alignment: .numeric), .init("Log loss", alignment: .numeric),
                                          .init("Churners in riskiest band", alignment: .numeric)]
        let rows = [c.champion, c.challenger].map { e in
            ReportTable.Row([e.name, T.num(e.auc, 3), e.delong.map { "\(T.num($0.lower95, 3))–\(T.num($0.upper95, 3))" } ?? "n/a",
                             e.brier.map { T.num($0, 4) } ?? "n/a", e.logLoss.map { T.num($0, 4) } ?? "n/a",
                             T.pct(e.capture.churnerShare)], highlight: e.name == c.challenger.name && c.aucDifference > 0 ? .positive : .none)
        }
        return ReportTable(caption: "Champion vs challenger on the same rows", columns: cols, rows: rows)
    }

    // MARK: Flags

    func flagSentences(_ f: FlagDigest) -> [String] {
        let share = f.churners > 0 ? Double(f.falseHealthy) / Double(f.churners) : 0
        let red = f.riskiestBandCustomers > 0 ? Double(f.persistentAtRisk) / Double(f.riskiestBandCustomers) : 0
        return [
            "\(f.falseHealthy) churners (\(T.pct(share)) of all churners) were scored in the healthiest band when they left: the score called them healthy.",
            "\(f.persistentAtRisk) customers (\(T.pct(red)) of those ever in the riskiest band) stayed red for \(f.persistentPeriods) or more periods in a row and never churned.",
            "\(f.scoreDrops) sudden drops in health score were flagged for follow-up.",
        ]
    }

    func flagBlocks(_ f: FlagDigest) -> [ReportBlock] {
        var blocks: [ReportBlock] = flagSentences(f).map { .paragraph($0) }
        guard !f.top.isEmpty else { return blocks }
        let rows = f.top.map { c in
            ReportTable.Row(cells: [.text(c.kind), .text(c.customer), .text(c.segment ?? ""), .text(c.periods),
                                    .text(T.num(c.healthScore, 0)),
                                    .sparkline(Sparkline(title: "Health score of \(c.customer)", values: c.scoreTrajectory, domain: 0...100)),
                                    .text(c.reasons)], highlight: .attention)
        }
        blocks.append(.table(ReportTable(caption: "Customers to look at, with the features that drove their score",
                                         columns: [.init("Flag"), .init("Customer"), .init("Segment"), .init("Periods"),
                                                   .init("Health score", alignment: .numeric), .init("Trajectory"), .init("Why")],
                                         rows: rows)))
        return blocks
    }

    // MARK: Model

    var forestRows: [ForestRow] {
        r.fit.names.indices.filter { r.fit.names[$0] != "const" }.map {
            ForestRow(label: r.fit.names[$0], estimate: r.fit.coefficients[$0], lower: r.fit.lower95[$0], upper: r.fit.upper95[$0])
        }
    }

    /// What the intervals assume: a panel's rows of one customer are not independent.
    var intervalSentence: String {
        switch r.fit.covarianceType {
        case .cluster:
            "The intervals are cluster-robust: a customer's quarters are treated as one correlated group (\(r.fit.clusters.map(String.init) ?? "?") customers), not as independent rows."
        case .model:
            "The intervals are model-based: every row is treated as an independent observation."
        }
    }

    var forestTitle: String {
        "Weights with 95% intervals" + (r.fit.covarianceType == .cluster ? " (cluster-robust by customer)" : "")
    }

    var fitTable: ReportTable {
        let f = r.fit
        return ReportTable(caption: "Fit on all rows", columns: [.init("Statistic"), .init("Value", alignment: .numeric)], rows: [
            ReportTable.Row(["Rows", "\(f.rows)"]),
            ReportTable.Row(["Log-likelihood", T.num(f.logLikelihood, 2)]),
            ReportTable.Row(["McFadden R²", T.num(f.mcFaddenR2, 4)]),
            ReportTable.Row(["AIC / BIC", "\(T.num(f.aic, 1)) / \(T.num(f.bic, 1))"]),
            ReportTable.Row(["Ridge penalty λ", T.num(f.ridge, 3)]),
            ReportTable.Row(["Standard errors", CoefficientTable.covarianceLabel(f)]),
            ReportTable.Row(["Wald test, all weights 0", "χ² \(T.num(f.waldStatistic, 1)) on \(f.waldDF) df"]),
            ReportTable.Row(["Newton iterations", "\(f.iterations)\(f.converged ? "" : " (not converged)")"]),
        ])
    }
}
