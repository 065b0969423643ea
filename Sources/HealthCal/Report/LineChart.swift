/// One (x, y) data point.
public struct ChartPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A named line: a model's ROC curve, its lift by decile, a score trajectory.
public struct LineSeries: Sendable, Equatable {
    /// Legend name, e.g. "Champion (AUC 0.781)".
    public var name: String
    /// Points in drawing order. Points with a non-finite coordinate are skipped and break the
    /// line, so a missing value is visible as a gap.
    public var points: [ChartPoint]
    /// Colour; `nil` takes the next colour of the chart's palette.
    public var color: ChartColor?

    public init(name: String, points: [ChartPoint], color: ChartColor? = nil) {
        self.name = name
        self.points = points
        self.color = color
    }

    /// Pairs `x` and `y` element by element (the shorter array decides the length).
    public init(name: String, x: [Double], y: [Double], color: ChartColor? = nil) {
        self.init(name: name, points: zip(x, y).map { ChartPoint(x: $0, y: $1) }, color: color)
    }

    /// The series without the points that lie within `step` of the last point kept in both
    /// coordinates (the first and last points, and non-finite ones, always stay). A ROC curve of
    /// a million scores has a point per distinct score; at a thousandth of the unit axis the
    /// drawn line moves by less than a pixel while the SVG keeps at most a few thousand points.
    public func thinned(step: Double) -> LineSeries {
        guard points.count > 2, step > 0 else { return self }
        var kept: [ChartPoint] = [points[0]]
        for point in points.dropFirst().dropLast() {
            let last = kept[kept.count - 1]
            let finite = point.x.isFinite && point.y.isFinite && last.x.isFinite && last.y.isFinite
            if !finite || abs(point.x - last.x) >= step || abs(point.y - last.y) >= step { kept.append(point) }
        }
        kept.append(points[points.count - 1])
        return LineSeries(name: name, points: kept, color: color)
    }
}

/// A horizontal reference line with a label, e.g. lift = 1 ("no better than random").
public struct ReferenceLine: Sendable, Equatable {
    public var y: Double
    public var label: String
    public init(y: Double, label: String) {
        self.y = y
        self.label = label
    }
}

/// A line chart of several named series, each with its own colour, dash pattern and marker,
/// so it still reads when printed in grayscale.
public struct LineChart: SVGChart, Equatable {
    public var title: String
    public var series: [LineSeries]
    public var xAxisLabel: String
    public var yAxisLabel: String
    public var xFormat: ValueFormat
    public var yFormat: ValueFormat
    /// Fixed axis ranges; `nil` fits nice ticks around the data.
    public var xDomain: ClosedRange<Double>?
    public var yDomain: ClosedRange<Double>?
    /// Draws y = x (a random ranking on a ROC curve) with this label, when set.
    public var diagonalLabel: String?
    public var referenceLines: [ReferenceLine]
    /// Markers on every point; off by default above 30 points per series (a ROC curve has
    /// hundreds of points, where markers would only blur the line).
    public var markers: Bool?
    public var palette: ChartPalette
    public var width: Double
    public var height: Double

    public init(title: String, series: [LineSeries], xAxisLabel: String = "", yAxisLabel: String = "",
                xFormat: ValueFormat = .number(decimals: 2), yFormat: ValueFormat = .number(decimals: 2),
                xDomain: ClosedRange<Double>? = nil, yDomain: ClosedRange<Double>? = nil,
                diagonalLabel: String? = nil, referenceLines: [ReferenceLine] = [], markers: Bool? = nil,
                palette: ChartPalette = .models, width: Double = 640, height: Double = 400) {
        self.title = title
        self.series = series
        self.xAxisLabel = xAxisLabel
        self.yAxisLabel = yAxisLabel
        self.xFormat = xFormat
        self.yFormat = yFormat
        self.xDomain = xDomain
        self.yDomain = yDomain
        self.diagonalLabel = diagonalLabel
        self.referenceLines = referenceLines
        self.markers = markers
        self.palette = palette
        self.width = width
        self.height = height
    }

    /// ROC curves on the unit square with the chance diagonal. Each series' points are
    /// (false positive rate, true positive rate).
    /// Each curve is thinned to points a thousandth of the axis apart (`LineSeries.thinned`).
    public static func roc(title: String, series: [LineSeries], width: Double = 520, height: Double = 480) -> LineChart {
        LineChart(title: title, series: series.map { $0.thinned(step: 0.001) }, xAxisLabel: "False positive rate (non-churners flagged)",
                  yAxisLabel: "True positive rate (churners caught)", xDomain: 0...1, yDomain: 0...1,
                  diagonalLabel: "Random ranking", width: width, height: height)
    }

    /// Lift by decile (decile 1 = the riskiest 10 %) for each named model, with lift = 1 marked.
    public static func liftByDecile(title: String, lifts: [(name: String, values: [Double])],
                                    width: Double = 640, height: Double = 380) -> LineChart {
        let series = lifts.map { item in
            LineSeries(name: item.name, points: item.values.enumerated().map { ChartPoint(x: Double($0.offset + 1), y: $0.element) })
        }
        let top = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite).max() ?? 1
        return LineChart(title: title, series: series, xAxisLabel: "Decile of predicted risk (1 = riskiest)",
                         yAxisLabel: "Lift (churn rate / overall rate)", xFormat: .number(decimals: 0),
                         yDomain: 0...max(top, 1), referenceLines: [ReferenceLine(y: 1, label: "Overall churn rate")],
                         markers: true, width: width, height: height)
    }

    public func svg() -> String {
        let finite = series.flatMap { $0.points.filter { $0.x.isFinite && $0.y.isFinite } }
        guard !finite.isEmpty else {
            return SVGWriter.noData(title: title, kind: "line", width: width, height: height)
        }
        let xScale = xDomain.map { NiceScale(fixed: $0.lowerBound, $0.upperBound) }
            ?? NiceScale(minimum: finite.map(\.x).min() ?? 0, maximum: finite.map(\.x).max() ?? 1)
        let yValues = finite.map(\.y) + referenceLines.map(\.y).filter(\.isFinite)
        let yScale = yDomain.map { NiceScale(minimum: $0.lowerBound, maximum: $0.upperBound) }
            ?? NiceScale(minimum: yValues.min() ?? 0, maximum: yValues.max() ?? 1)
        let styles = series.enumerated().map { i, s in
            (color: s.color ?? palette.color(index: i, name: s.name), dash: SeriesCue.dash(i), marker: SeriesCue.marker(i))
        }
        let legend = zip(series, styles).map { s, style in
            LegendItem(name: s.name, swatch: .line(color: style.color, dash: style.dash, marker: style.marker))
        }
        let yFmt = yFormat.withDecimals(yScale.tickDecimals(displayScale: yFormat.displayScale))
        let layout = CartesianLayout(width: width, height: height, legend: legend, x: xScale, y: yScale,
                                     yTickLabels: yScale.ticks.map(yFmt.string), hasXLabel: !xAxisLabel.isEmpty,
                                     hasYLabel: !yAxisLabel.isEmpty)
        let area = layout.area
        var w = SVGWriter(width: width, height: height, title: title, kind: "line")
        w.legend(layout.legendRows, x: area.left, y: 16)
        w.yAxis(area, format: yFormat, label: yAxisLabel)
        w.xAxis(area, format: xFormat, label: xAxisLabel)
        if diagonalLabel != nil { w.diagonal(area, label: diagonalLabel) }
        for reference in referenceLines where reference.y.isFinite && area.contains(area.x.lower, reference.y) {
            let y = area.py(reference.y)
            w.line(area.left, y, area.right, y, color: .reference, width: 1.25, dash: "5 4")
            w.text(reference.label, area.right - 4, y - 5, anchor: "end", size: 11, color: .mutedText)
        }
        for (s, style) in zip(series, styles) {
            let pixels: [(Double, Double)?] = s.points.map { p in
                guard p.x.isFinite, p.y.isFinite, area.contains(p.x, p.y) else { return nil }
                return (area.px(p.x), area.py(p.y))
            }
            w.polyline(pixels, color: style.color, width: 2.25, dash: style.dash)
            if markers ?? (s.points.count <= 30) {
                for (p, pixel) in zip(s.points, pixels) {
                    guard let (x, y) = pixel else { continue }
                    let tip = s.name + ": " + xFormat.string(p.x) + ", " + yFormat.string(p.y)
                    w.marker(style.marker, x, y, r: 3.5, color: style.color, tooltip: tip)
                }
            }
        }
        return w.finished()
    }
}
