import Foundation

/// The accuracy report for leadership: headline numbers with one plain sentence each, then the
/// pictures behind them (ranking, calibration, bands over time, champion vs challenger, the
/// model, the flags). Self-contained HTML plus a Markdown summary for email or chat.
public enum LeadershipReport {
    /// `ranking`: the ranking figures' data when already computed from `r`'s scores.
    public static func html(_ r: ReportInputs, ranking: RankingCharts? = nil) -> String {
        let facts = ReportFacts(r)
        let ranking = ranking ?? RankingCharts(r)
        var sections: [ReportSection] = [
            ReportSection(title: "Headlines", blocks: [.cards(facts.cards), .paragraph(facts.verdict)]
                + (facts.bootstrapTable.map { table in [.paragraph(facts.bootstrapSentence ?? ""), .table(table)] } ?? [])),
            ReportSection(title: "Does the score rank churners first?", blocks: [
                .paragraph("Each period was scored by a model trained only on earlier periods whose outcomes were already known, so these are the results production would have had."),
                .figures([ReportFigure(LineChart.roc(title: "ROC curve, out-of-sample", series: ranking.roc),
                                       caption: "Closer to the top-left corner is better; the diagonal is a random ranking."),
                          ReportFigure(LineChart.liftByDecile(title: "Churn rate by decile of risk, relative to average", lifts: ranking.lifts, width: 520, height: 480),
                                       caption: "Decile 1 holds the 10% of customers the score considered riskiest.")]),
                .table(facts.foldTable),
            ]),
            ReportSection(title: "Are the probabilities right?", blocks: [
                .paragraph(facts.calibrationSentence),
                .figure(ReportFigure(ReliabilityDiagram(title: "Predicted vs observed churn, out-of-sample",
                                                       before: facts.reliabilityBefore, after: facts.reliabilityAfter),
                                     caption: "Each point is a tenth of the customers by predicted risk; on the diagonal the predictions are right. Larger points hold more customers.")),
            ] + (facts.calibrationTable.map { [.table($0)] } ?? [])),
        ]
        if let bands = r.bands {
            sections.append(ReportSection(title: "Bands over time", blocks: [
                .paragraph("Customers in a riskier band should churn more often, every period. A band out of order means the cut points no longer separate risk."),
                .figures([ReportFigure(BarChart(title: "Churn rate by band and period", categories: bands.periods,
                                                series: facts.bandChurnSeries, yAxisLabel: "Churn rate",
                                                valueFormat: .percent(decimals: 1), showValues: false, palette: .bands)),
                          ReportFigure(StackedBarChart(title: "Band distribution by period", categories: bands.periods,
                                                       layers: facts.bandShareSeries))]),
            ], startsOnNewPage: true))
        }
        if let drift = r.drift {
            sections.append(ReportSection(title: "Has the customer base shifted?", blocks: [
                .paragraph(DriftText.sentence(drift)),
                .table(DriftText.heatTable(drift)),
                .note(PopulationStability.convention + ". " + DriftText.rule(drift)),
            ]))
        }
        if let champion = facts.championTable {
            sections.append(ReportSection(title: "New weights vs the ones in production", blocks: [
                .paragraph(facts.championSentence), .table(champion),
            ]))
        }
        if let flags = r.flags {
            sections.append(ReportSection(title: "Where the score was wrong", blocks: facts.flagBlocks(flags), startsOnNewPage: true))
        }
        if let selection = r.selection {
            sections.append(ReportSection(title: "Which metrics matter", blocks: WhichMetricsMatter.blocks(selection)))
        }
        sections.append(ReportSection(title: "The model", blocks: [
            .paragraph("Weights in log-odds of churn with 95% intervals: a positive weight raises churn risk. Features are on the scale the spec encodes them (see the weight file). " + facts.intervalSentence),
            .figure(ReportFigure(ForestPlot(title: facts.forestTitle, rows: facts.forestRows))),
            .table(facts.fitTable),
        ] + PartialEffect.reportBlocks(r.partialEffects)
          + (facts.validationTable.map { [.paragraph(facts.validationSentence ?? ""), .table($0)] } ?? []), startsOnNewPage: true))
        sections.append(ReportSection(title: "Files", blocks: [.table(ReportTable(
            columns: [.init("What"), .init("Where")], rows: r.outputs.map { ReportTable.Row([$0.0, $0.1]) }))]
            + r.backtest.notes.map { ReportBlock.note($0) }))
        return HTMLReport(title: r.title, runLabel: r.runLabel, date: r.date, sections: sections,
                          footer: "healthcal \(HealthCalVersion.current) · data: \(r.dataFile) · all figures out-of-sample unless stated").render()
    }

    public static func markdown(_ r: ReportInputs) -> String {
        let facts = ReportFacts(r)
        var md = MarkdownSummary(title: "\(r.title): \(r.runLabel)")
        md.paragraph(facts.verdict)
        for card in facts.cards { md.bullet("\(card.label): \(card.value) — \(card.sentence)" + (card.delta.map { " (\($0.text))" } ?? "")) }
        if let table = facts.bootstrapTable {
            md.heading("How sure are these numbers?")
            md.paragraph(facts.bootstrapSentence ?? "")
            md.table(headers: table.columns.map(\.title), rows: table.rows.map { $0.texts }, numericColumns: Set(1..<table.columns.count))
        }
        md.heading("Calibration")
        md.paragraph(facts.calibrationSentence)
        if let champion = facts.championTable {
            md.heading("Champion vs challenger")
            md.paragraph(facts.championSentence)
            md.table(headers: champion.columns.map(\.title), rows: champion.rows.map { $0.texts }, numericColumns: Set(1..<champion.columns.count))
        }
        if let drift = r.drift {
            md.heading("Has the customer base shifted?")
            md.paragraph(DriftText.sentence(drift))
        }
        if let sentence = facts.validationSentence {
            md.heading("The model, corrected for optimism")
            md.paragraph(sentence)
        }
        if let flags = r.flags {
            md.heading("Where the score was wrong")
            for line in facts.flagSentences(flags) { md.bullet(line) }
        }
        if let selection = r.selection {
            md.heading("Which metrics matter")
            md.paragraph(WhichMetricsMatter.sentence(selection))
        }
        md.heading("Files")
        for (what, path) in r.outputs { md.bullet("\(what): \(path)") }
        return md.render()
    }
}

extension ReportTable.Row {
    var texts: [String] {
        cells.map {
            switch $0 {
            case .text(let t), .heat(let t, _): t
            case .sparkline: ""
            }
        }
    }
}
