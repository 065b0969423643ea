import Foundation

/// One coefficient of a logistic model, in log-odds.
public struct ForestRow: Sendable, Equatable {
    /// Feature name as the analyst knows it (escaped when drawn).
    public var label: String
    public var estimate: Double
    /// Lower and upper end of the 95 % confidence interval.
    public var lower: Double
    public var upper: Double

    public init(label: String, estimate: Double, lower: Double, upper: Double) {
        self.label = label
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
    }
}

/// Coefficients with their 95 % intervals on a log-odds axis with a zero line, and the odds
/// ratios exp(b) [exp(lower), exp(upper)] written in a column on the right, which is the form a
/// non-statistician reads ("1.35 times the odds of churning per unit").
///
/// An interval that excludes zero gets a filled square, one that includes zero a hollow one, so
/// "clearly matters" reads without colour. Rows whose estimate is not finite are listed as
/// "not estimable" rather than dropped, so a reader sees the feature was in the model.
public struct ForestPlot: SVGChart, Equatable {
    public var title: String
    public var rows: [ForestRow]
    public var xAxisLabel: String
    public var showOddsRatios: Bool
    public var color: ChartColor
    public var width: Double

    public init(title: String, rows: [ForestRow], xAxisLabel: String = "Coefficient (log-odds of churn), 95% interval",
                showOddsRatios: Bool = true, color: ChartColor = .challenger, width: Double = 760) {
        self.title = title
        self.rows = rows
        self.xAxisLabel = xAxisLabel
        self.showOddsRatios = showOddsRatios
        self.color = color
        self.width = width
    }

    static let rowHeight = 24.0
    static let maxLabelCharacters = 34

    /// Height grows with the number of rows so each keeps a readable line.
    public var height: Double { 40 + Double(max(rows.count, 1)) * Self.rowHeight + 56 }

    static func oddsRatio(_ b: Double) -> String {
        let or = exp(b)
        if !or.isFinite || or >= 1000 { return ">999" }
        if or < 0.005 { return "<0.01" }
        return Fixed.string(or, decimals: 2)
    }

    public func svg() -> String {
        let estimable = rows.filter { $0.estimate.isFinite }
        guard !estimable.isEmpty else {
            return SVGWriter.noData(title: title, kind: "forest", width: width, height: max(height, 160))
        }
        let ends = estimable.flatMap { [$0.estimate, $0.lower, $0.upper] }.filter(\.isFinite)
        let xScale = NiceScale(minimum: min(0, ends.min() ?? 0), maximum: max(0, ends.max() ?? 0), targetTicks: 7)
        let labelWidth = min(max(rows.map { estimatedTextWidth(truncated($0.label, maxCharacters: Self.maxLabelCharacters)) }.max() ?? 60, 60), 230)
        let orWidth = showOddsRatios ? 150.0 : 0
        let top = 40.0
        let area = PlotArea(left: 12 + labelWidth + 12, top: top, right: width - 16 - orWidth,
                            bottom: top + Double(rows.count) * Self.rowHeight, x: xScale, y: NiceScale(fixed: 0, 1))

        var w = SVGWriter(width: width, height: height, title: title, kind: "forest")
        w.text("Feature", 12, top - 14, bold: true)
        if showOddsRatios {
            w.text("Odds ratio [95% CI]", width - 16, top - 14, anchor: "end", bold: true)
        }
        for tick in xScale.ticks {
            w.line(area.px(tick), area.top, area.px(tick), area.bottom, color: .grid)
        }
        w.xAxis(area, format: .number(decimals: 2), label: xAxisLabel, labelY: area.bottom + 36)
        let zero = area.px(0)
        w.line(zero, area.top - 6, zero, area.bottom, color: .axis, width: 1.25, dash: "4 3")
        w.text("no effect", zero, area.top - 14, anchor: "middle", size: 10.5, color: .mutedText)

        for (i, row) in rows.enumerated() {
            let cy = top + (Double(i) + 0.5) * Self.rowHeight
            if i % 2 == 1 {
                w.rect(4, cy - Self.rowHeight / 2, width - 8, Self.rowHeight, fill: "#f3f4f6")
            }
            let shown = truncated(row.label, maxCharacters: Self.maxLabelCharacters)
            w.text(shown, 12, cy + 4)
            guard row.estimate.isFinite else {
                w.text("not estimable", area.left + 6, cy + 4, size: 11, color: .mutedText)
                continue
            }
            let hasInterval = row.lower.isFinite && row.upper.isFinite
            if hasInterval {
                // Clamp to the axis; the scale already covers every finite end.
                w.line(area.px(row.lower), cy, area.px(row.upper), cy, color: color, width: 2)
                for end in [row.lower, row.upper] {
                    w.line(area.px(end), cy - 4, area.px(end), cy + 4, color: color, width: 1.5)
                }
            }
            let clear = hasInterval && (row.lower > 0 || row.upper < 0)
            let tip = row.label + ": " + Fixed.string(row.estimate, decimals: 3)
                + (hasInterval ? " [" + Fixed.string(row.lower, decimals: 3) + ", " + Fixed.string(row.upper, decimals: 3) + "]" : "")
            w.marker(.square, area.px(row.estimate), cy, r: 5, color: color, filled: clear, tooltip: tip)
            if showOddsRatios {
                let or = Self.oddsRatio(row.estimate)
                    + (hasInterval ? " [" + Self.oddsRatio(row.lower) + ", " + Self.oddsRatio(row.upper) + "]" : "")
                w.text(or, width - 16, cy + 4, anchor: "end")
            }
        }
        w.text("Filled: the 95% interval excludes zero. Hollow: it includes zero.", 12, height - 6, size: 10.5, color: .mutedText)
        return w.finished()
    }
}
