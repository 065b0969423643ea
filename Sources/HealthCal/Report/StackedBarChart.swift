/// A 100 % stacked bar per category: e.g. how the customer base splits into bands in each
/// period. Each layer's values are counts (or weights); every bar is normalised to its total.
///
/// Layers are stacked bottom-up in the order given, so pass bands from worst to best to read
/// "red at the bottom" the way the band palette is ordered.
public struct StackedBarChart: SVGChart, Equatable {
    public var title: String
    public var categories: [String]
    public var layers: [BarSeries]
    public var xAxisLabel: String
    public var yAxisLabel: String
    public var palette: ChartPalette
    public var width: Double
    public var height: Double

    public init(title: String, categories: [String], layers: [BarSeries], xAxisLabel: String = "",
                yAxisLabel: String = "Share of customers", palette: ChartPalette = .bands,
                width: Double = 640, height: Double = 380) {
        self.title = title
        self.categories = categories
        self.layers = layers
        self.xAxisLabel = xAxisLabel
        self.yAxisLabel = yAxisLabel
        self.palette = palette
        self.width = width
        self.height = height
    }

    /// A layer's contribution; negative and non-finite counts count as zero (a share cannot be
    /// negative, and one bad cell should not void the whole bar).
    func amount(_ layer: BarSeries, _ category: Int) -> Double {
        guard category < layer.values.count, layer.values[category].isFinite, layer.values[category] > 0 else { return 0 }
        return layer.values[category]
    }

    public func svg() -> String {
        let totals = categories.indices.map { c in layers.reduce(0) { $0 + amount($1, c) } }
        guard !categories.isEmpty, !layers.isEmpty, totals.contains(where: { $0 > 0 && $0.isFinite }) else {
            return SVGWriter.noData(title: title, kind: "stacked", width: width, height: height)
        }
        let yScale = NiceScale(fixed: 0, 1, targetTicks: 6)
        let styles = layers.enumerated().map { i, s in (color: s.color ?? palette.color(index: i, name: s.name), hatch: i) }
        let legend = zip(layers, styles).map { LegendItem(name: $0.name, swatch: .box(color: $1.color, hatch: $1.hatch)) }
        let format = ValueFormat.percent(decimals: 0)
        let provisional = CartesianLayout(width: width, height: height, legend: legend, x: NiceScale(fixed: 0, 1), y: yScale,
                                          yTickLabels: ["100%"], hasXLabel: !xAxisLabel.isEmpty, hasYLabel: !yAxisLabel.isEmpty)
        let band = (provisional.area.right - provisional.area.left) / Double(categories.count)
        let rotated = categoryLabelsNeedRotation(categories, bandWidth: band)
        let layout = CartesianLayout(width: width, height: height, legend: legend, x: NiceScale(fixed: 0, 1), y: yScale,
                                     yTickLabels: ["100%"], hasXLabel: !xAxisLabel.isEmpty, hasYLabel: !yAxisLabel.isEmpty,
                                     bottomExtra: rotated ? rotatedLabelRoom(categories) : 0)
        let area = layout.area
        let barWidth = band * 0.7

        var w = SVGWriter(width: width, height: height, title: title, kind: "stacked")
        w.hatchDefinitions()
        w.legend(layout.legendRows, x: area.left, y: 16)
        w.yAxis(area, format: format, label: yAxisLabel)
        let centers = categories.indices.map { area.left + band * (Double($0) + 0.5) }
        for (c, center) in centers.enumerated() {
            let total = totals[c]
            let x = center - barWidth / 2
            guard total > 0, total.isFinite else {
                w.text("no data", center, area.bottom - 8, anchor: "middle", size: 10.5, color: .mutedText)
                continue
            }
            var cumulative = 0.0
            for (layer, style) in zip(layers, styles) {
                let share = amount(layer, c) / total
                guard share > 0 else { continue }
                let yTop = area.py(cumulative + share), yBottom = area.py(cumulative)
                let tip = categories[c] + ", " + layer.name + ": " + ValueFormat.percent(decimals: 1).string(share)
                w.bar(x, yTop, barWidth, yBottom - yTop, color: style.color, hatch: style.hatch, tooltip: tip)
                // Label the share inside the segment when there is room for the text.
                if yBottom - yTop >= 15 && barWidth >= 30 {
                    let label = format.string(share)
                    w.rect(center - estimatedTextWidth(label, size: 10.5) / 2 - 3, (yTop + yBottom) / 2 - 8,
                           estimatedTextWidth(label, size: 10.5) + 6, 14, fill: "#ffffff")
                    w.text(label, center, (yTop + yBottom) / 2 + 3.5, anchor: "middle", size: 10.5)
                }
                cumulative += share
            }
        }
        w.categoryAxis(area, categories: categories, centers: centers, rotated: rotated, label: xAxisLabel)
        return w.finished()
    }
}
