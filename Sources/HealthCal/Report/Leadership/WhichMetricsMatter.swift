import Foundation

/// The report's "Which metrics matter" section for a `model.select: path` fit: the coefficient
/// paths against log λ, the walk-forward out-of-sample deviance curve with ±1 SE and λ_min /
/// λ_1se marked, and the metrics whose weight is 0 at the chosen λ.
enum WhichMetricsMatter {
    static func blocks(_ s: PathSelection) -> [ReportBlock] {
        let logLambda = s.path.lambdas.map { log10($0) }
        let names = s.path.names.indices.filter { s.path.names[$0] != "const" }
        let paths = names.map { j in
            LineSeries(name: s.path.names[j], x: logLambda, y: s.path.coefficients.map { $0[j] })
        }
        let chosen = log10(s.lambda1SE), best = log10(s.lambdaMin)
        let deviance = LineChart(
            title: "Out-of-sample deviance per row along the λ path (\(s.foldLabels.count) walk-forward folds)",
            series: [
                LineSeries(name: "mean deviance", x: logLambda, y: s.meanDeviance),
                LineSeries(name: "+1 SE", x: logLambda, y: zip(s.meanDeviance, s.devianceSE).map { $0 + $1 }),
                LineSeries(name: "−1 SE", x: logLambda, y: zip(s.meanDeviance, s.devianceSE).map { $0 - $1 }),
                verticalMarker("λ_min", at: best, over: s.meanDeviance, s.devianceSE),
                verticalMarker("λ_1se (chosen)", at: chosen, over: s.meanDeviance, s.devianceSE),
            ],
            xAxisLabel: "log10 λ", yAxisLabel: "deviance per row", xFormat: .number(decimals: 1), yFormat: .number(decimals: 3),
            markers: false)
        let coefficients = LineChart(
            title: "Weights along the λ path (log-odds per encoded unit)", series: paths,
            xAxisLabel: "log10 λ", yAxisLabel: "weight", xFormat: .number(decimals: 1), yFormat: .number(decimals: 2),
            referenceLines: [ReferenceLine(y: 0, label: "0")], markers: false)
        let dropped = s.droppedColumns
        return [
            .paragraph(sentence(s)),
            .figures([
                ReportFigure(coefficients, caption: "Read right to left: as the penalty weakens, metrics enter the model one by one. The chosen λ is at log10 λ = \(formatNumber((chosen * 100).rounded() / 100))."),
                ReportFigure(deviance, caption: "Lower is better. λ_1se is the largest penalty whose deviance is within one standard error of the best: the simplest model that predicts future quarters as well."),
            ]),
            .table(ReportTable(columns: [.init("Metric column"), .init("Weight at the chosen λ")],
                               rows: dropped.map { ReportTable.Row([$0, "0 (dropped)"]) })),
            .note("With an L1 penalty the standard errors and intervals in \"The model\" ignore this selection and are not valid after it (docs/statistics.md)."),
        ]
    }

    /// The one line of the Markdown summary.
    static func sentence(_ s: PathSelection) -> String {
        let kept = s.path.names.filter { $0 != "const" }.count - s.droppedColumns.count
        return "Selection by the λ path on \(s.foldLabels.count) walk-forward folds kept \(kept) of \(kept + s.droppedColumns.count) metric columns at λ_1se = \(formatNumber(s.lambda1SE)) (λ_min = \(formatNumber(s.lambdaMin))); dropped: \(s.droppedColumns.isEmpty ? "none" : s.droppedColumns.joined(separator: ", "))."
    }

    /// A vertical segment at x spanning the deviance band, drawn as a two-point series.
    static func verticalMarker(_ name: String, at x: Double, over mean: [Double], _ se: [Double]) -> LineSeries {
        let lo = zip(mean, se).map { $0 - $1 }.min() ?? 0, hi = zip(mean, se).map { $0 + $1 }.max() ?? 1
        return LineSeries(name: name, x: [x, x], y: [lo, hi])
    }
}
