/// One named set of bar values, one value per category (a band, a period, a model).
public struct BarSeries: Sendable, Equatable {
    public var name: String
    /// Values in category order. A missing (short array) or non-finite value draws no bar.
    public var values: [Double]
    public var color: ChartColor?

    public init(name: String, values: [Double], color: ChartColor? = nil) {
        self.name = name
        self.values = values
        self.color = color
    }
}

/// A single or grouped bar chart: e.g. churn rate by band (series) per period (categories), or
/// lift by decile for champion and challenger side by side.
///
/// Series after the first get a hatch pattern over their colour, so the groups stay apart when
/// printed in grayscale; values are written above the bars when they fit.
public struct BarChart: SVGChart, Equatable {
    public var title: String
    public var categories: [String]
    public var series: [BarSeries]
    public var xAxisLabel: String
    public var yAxisLabel: String
    public var valueFormat: ValueFormat
    /// Writes each bar's value above it when the labels fit the bar width.
    public var showValues: Bool
    public var palette: ChartPalette
    public var width: Double
    public var height: Double

    public init(title: String, categories: [String], series: [BarSeries], xAxisLabel: String = "",
                yAxisLabel: String = "", valueFormat: ValueFormat = .number(decimals: 2), showValues: Bool = true,
                palette: ChartPalette = .models, width: Double = 640, height: Double = 380) {
        self.title = title
        self.categories = categories
        self.series = series
        self.xAxisLabel = xAxisLabel
        self.yAxisLabel = yAxisLabel
        self.valueFormat = valueFormat
        self.showValues = showValues
        self.palette = palette
        self.width = width
        self.height = height
    }

    func value(_ s: BarSeries, _ category: Int) -> Double? {
        guard category < s.values.count, s.values[category].isFinite else { return nil }
        return s.values[category]
    }

    public func svg() -> String {
        let values = series.flatMap { s in categories.indices.compactMap { value(s, $0) } }
        guard !categories.isEmpty, !values.isEmpty else {
            return SVGWriter.noData(title: title, kind: "bar", width: width, height: height)
        }
        // Bars start at zero: a bar whose base is not zero exaggerates differences.
        let yScale = NiceScale(minimum: min(0, values.min() ?? 0), maximum: max(0, values.max() ?? 0))
        let styles = series.enumerated().map { i, s in (color: s.color ?? palette.color(index: i, name: s.name), hatch: i) }
        let legend = series.count > 1
            ? zip(series, styles).map { LegendItem(name: $0.name, swatch: .box(color: $1.color, hatch: $1.hatch)) }
            : []
        let yFmt = valueFormat.withDecimals(yScale.tickDecimals(displayScale: valueFormat.displayScale))
        let provisional = CartesianLayout(width: width, height: height, legend: legend, x: NiceScale(fixed: 0, 1), y: yScale,
                                          yTickLabels: yScale.ticks.map(yFmt.string), hasXLabel: !xAxisLabel.isEmpty,
                                          hasYLabel: !yAxisLabel.isEmpty)
        let band = (provisional.area.right - provisional.area.left) / Double(categories.count)
        let rotated = categoryLabelsNeedRotation(categories, bandWidth: band)
        let layout = CartesianLayout(width: width, height: height, legend: legend, x: NiceScale(fixed: 0, 1), y: yScale,
                                     yTickLabels: yScale.ticks.map(yFmt.string), hasXLabel: !xAxisLabel.isEmpty,
                                     hasYLabel: !yAxisLabel.isEmpty, bottomExtra: rotated ? rotatedLabelRoom(categories) : 0)
        let area = layout.area
        let groupWidth = band * 0.8
        let barWidth = groupWidth / Double(max(series.count, 1))
        let labelSize = 10.5
        let labelsFit = showValues && values.map { estimatedTextWidth(valueFormat.string($0), size: labelSize) }.max() ?? 0 <= barWidth + 4

        var w = SVGWriter(width: width, height: height, title: title, kind: "bar")
        if series.count > 1 { w.hatchDefinitions() }
        w.legend(layout.legendRows, x: area.left, y: 16)
        w.yAxis(area, format: valueFormat, label: yAxisLabel)
        let centers = categories.indices.map { area.left + band * (Double($0) + 0.5) }
        let zero = area.py(0)
        for (c, center) in centers.enumerated() {
            for (i, (s, style)) in zip(series, styles).enumerated() {
                guard let v = value(s, c) else { continue }
                let x = center - groupWidth / 2 + Double(i) * barWidth
                let y = area.py(v)
                let tip = categories[c] + ", " + s.name + ": " + valueFormat.string(v)
                // A zero bar still gets a hairline so "zero" is distinguishable from "missing".
                let h = max(abs(zero - y), 0.75)
                w.bar(x + 0.5, min(y, zero), barWidth - 1, h, color: style.color, hatch: style.hatch, tooltip: tip)
                if labelsFit {
                    let ly = v >= 0 ? y - 4 : y + 12
                    w.text(valueFormat.string(v), x + barWidth / 2, ly, anchor: "middle", size: labelSize, color: .mutedText)
                }
            }
        }
        w.line(area.left, zero, area.right, zero, color: .axis)
        w.categoryAxis(area, categories: categories, centers: centers, rotated: rotated, label: xAxisLabel)
        return w.finished()
    }
}
