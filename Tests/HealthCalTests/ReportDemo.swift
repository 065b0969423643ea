import Foundation
@testable import HealthCal

/// A small but complete report with every chart type on made-up numbers, including hostile
/// strings and an empty chart. Tests render it; `scripts/render-check` screenshots it when
/// `HEALTHCAL_REPORT_DEMO` names a file to write (see ReportPageTests.writesDemoWhenAsked).
enum ReportDemo {
    static let hostileId = "<script>alert(1)</script>"
    static let hostileFeature = "a\"b&c"

    static func rocPoints(power: Double) -> [ChartPoint] {
        (0...40).map { i in
            let x = Double(i) / 40
            return ChartPoint(x: x, y: pow(x, power))
        }
    }

    static var charts: [any SVGChart] {
        [
            LineChart.roc(title: "ROC curve, held-out quarters", series: [
                LineSeries(name: "Champion (AUC 0.742)", points: rocPoints(power: 0.42)),
                LineSeries(name: "Challenger (AUC 0.781)", points: rocPoints(power: 0.33)),
            ]),
            LineChart.liftByDecile(title: "Lift by decile", lifts: [
                (name: "Champion", values: [3.1, 2.0, 1.5, 1.2, 0.9, 0.7, 0.6, 0.4, 0.3, 0.3]),
                (name: "Challenger", values: [3.6, 2.2, 1.4, 1.1, 0.8, 0.7, 0.5, 0.4, 0.2, 0.1]),
            ]),
            ReliabilityDiagram(title: "Calibration on 2025Q2-2025Q3 (not used to fit it)",
                               before: [ReliabilityPoint(predicted: 0.02, observed: 0.035, count: 5200),
                                        ReliabilityPoint(predicted: 0.06, observed: 0.09, count: 2400),
                                        ReliabilityPoint(predicted: 0.11, observed: 0.17, count: 900),
                                        ReliabilityPoint(predicted: 0.19, observed: 0.28, count: 300),
                                        ReliabilityPoint(predicted: 0.31, observed: 0.41, count: 80)],
                               after: [ReliabilityPoint(predicted: 0.03, observed: 0.034, count: 5100),
                                       ReliabilityPoint(predicted: 0.09, observed: 0.088, count: 2500),
                                       ReliabilityPoint(predicted: 0.16, observed: 0.17, count: 950),
                                       ReliabilityPoint(predicted: 0.27, observed: 0.29, count: 280),
                                       ReliabilityPoint(predicted: 0.40, observed: .nan, count: 70)]),
            BarChart(title: "Churn rate by band and quarter", categories: ["2025Q1", "2025Q2", "2025Q3"],
                     series: [BarSeries(name: "Red", values: [0.21, 0.24, 0.19]),
                              BarSeries(name: "Orange", values: [0.09, 0.11, 0.08]),
                              BarSeries(name: "Yellow", values: [0.04, 0.05, .infinity]),
                              BarSeries(name: "Green", values: [0.012, 0.015, 0.010])],
                     xAxisLabel: "Quarter", yAxisLabel: "Churn rate", valueFormat: .percent(decimals: 1), palette: .bands),
            StackedBarChart(title: "Band distribution by quarter", categories: ["2025Q1", "2025Q2", "2025Q3", "2025Q4"],
                            layers: [BarSeries(name: "Red", values: [1200, 1350, 1100, 0]),
                                     BarSeries(name: "Orange", values: [2100, 2000, 2300, 0]),
                                     BarSeries(name: "Yellow", values: [3300, 3400, 3200, 0]),
                                     BarSeries(name: "Green", values: [3400, 3250, 3400, 0])],
                            xAxisLabel: "Quarter"),
            ForestPlot(title: "Challenger coefficients", rows: [
                ForestRow(label: "logins_30d (log1p, standardised)", estimate: -0.62, lower: -0.75, upper: -0.49),
                ForestRow(label: "support_tickets_90d", estimate: 0.31, lower: 0.18, upper: 0.44),
                ForestRow(label: "seats_used_share", estimate: -0.08, lower: -0.21, upper: 0.05),
                ForestRow(label: hostileFeature, estimate: 0.12, lower: -0.02, upper: 0.26),
                ForestRow(label: "segment = SMB (ref. enterprise)", estimate: 0.95, lower: 0.71, upper: 1.19),
                ForestRow(label: "nps_missing", estimate: .nan, lower: .nan, upper: .nan),
            ]),
            Sparkline(title: "Health score of \(hostileId)", values: [82, 74, .nan, 61, 48], domain: 0...100),
            LineChart(title: "Empty on purpose", series: []),
        ]
    }

    static var report: HTMLReport {
        let c = charts
        let flagged = ReportTable(caption: "False-healthy churners (scored green, churned)", columns: [
            ReportTable.Column("Customer"), ReportTable.Column("Segment"), ReportTable.Column("Period"),
            ReportTable.Column("Health score", alignment: .numeric), ReportTable.Column("Trajectory"),
        ], rows: [
            ReportTable.Row(cells: [.text(hostileId), .text("SMB"), .text("2025Q3"), .text("78"),
                                    .sparkline(Sparkline(title: "Health score of \(hostileId)", values: [85, 83, 80, 78], domain: 0...100))],
                            highlight: .attention),
            ReportTable.Row(cells: [.text("C-10442"), .text("Mid-market"), .text("2025Q3"), .text("81"),
                                    .sparkline(Sparkline(title: "Health score of C-10442", values: [90, 88, 84, 81], domain: 0...100))]),
        ])
        let bands = ReportTable(caption: "Churn by band, 2025Q3", columns: [
            ReportTable.Column("Band"), ReportTable.Column("Customers", alignment: .numeric),
            ReportTable.Column("Churners", alignment: .numeric), ReportTable.Column("Churn rate", alignment: .numeric),
        ], rows: [
            ReportTable.Row(["Red", "1,100", "209", "19.0%"], highlight: .attention),
            ReportTable.Row(["Orange", "2,300", "184", "8.0%"]),
            ReportTable.Row(["Yellow", "3,200", "128", "4.0%"]),
            ReportTable.Row(["Green", "3,400", "34", "1.0%"], highlight: .positive),
        ])
        return HTMLReport(
            title: "Customer health score: accuracy report",
            runLabel: "Q3 2025 recalibration, challenger vs production", date: "2025-10-02",
            sections: [
                ReportSection(title: "Headlines", blocks: [
                    .cards([
                        HeadlineCard(label: "Ranking (ROC AUC)", value: "0.781",
                                     sentence: "Picks the churner over a random stayer 78% of the time.",
                                     delta: HeadlineDelta(value: 0.781, reference: 0.742, higherIsBetter: true)),
                        HeadlineCard(label: "Log loss", value: "0.212", sentence: "Probabilities are closer to what happened.",
                                     delta: HeadlineDelta(value: 0.212, reference: 0.219, higherIsBetter: false)),
                        HeadlineCard(label: "Churners called healthy", value: "6.2%",
                                     sentence: "Of the customers who churned, 6.2% were green the quarter before.",
                                     delta: HeadlineDelta(value: 0.062, reference: 0.055, higherIsBetter: false,
                                                          format: .percent(decimals: 1))),
                    ]),
                    .paragraph("The challenger ranks churners better and its probabilities are calibrated on quarters it was not fitted on."),
                ]),
                ReportSection(title: "Ranking", blocks: [.figures([ReportFigure(c[0], caption: "Higher and further left is better."),
                                                                    ReportFigure(c[1], caption: "Decile 1 holds the riskiest 10%.")])]),
                ReportSection(title: "Calibration", blocks: [.figure(ReportFigure(c[2], caption: "Points on the diagonal: predicted = observed."))]),
                ReportSection(title: "Bands", blocks: [.figure(ReportFigure(c[3])), .figure(ReportFigure(c[4])), .table(bands)]),
                ReportSection(title: "Model", blocks: [.figure(ReportFigure(c[5])),
                                                       .note("Odds ratios are per standard deviation of the encoded feature.")]),
                ReportSection(title: "What the score gets wrong", blocks: [.table(flagged), .figure(ReportFigure(c[7]))],
                              startsOnNewPage: true),
            ],
            footer: "healthcal, run q3-2025. Scores are out-of-sample: each quarter scored by a model trained only on earlier quarters.")
    }
}
