/// One bin of a reliability (calibration) curve, as drawn.
public struct ReliabilityPoint: Sendable, Equatable {
    /// Mean predicted churn probability in the bin.
    public var predicted: Double
    /// Observed churn rate in the bin.
    public var observed: Double
    /// Customer-periods in the bin; sets the marker's area, so a bin of five customers does not
    /// look as convincing as one of five thousand.
    public var count: Int

    public init(predicted: Double, observed: Double, count: Int) {
        self.predicted = predicted
        self.observed = observed
        self.count = count
    }

    /// The point of a bin from `CalibrationCurve.reliability`, so the report can be fed the
    /// metrics' own curve without copying fields by hand.
    public init(_ bin: ReliabilityBin) {
        self.init(predicted: bin.meanPredicted, observed: bin.observedFrequency, count: bin.count)
    }
}

/// A named reliability curve, e.g. "Before calibration".
public struct ReliabilitySeries: Sendable, Equatable {
    public var name: String
    public var points: [ReliabilityPoint]
    public var color: ChartColor?

    public init(name: String, points: [ReliabilityPoint], color: ChartColor? = nil) {
        self.name = name
        self.points = points
        self.color = color
    }
}

/// Predicted probability against observed churn rate per bin, with the diagonal of perfect
/// calibration. Points above the diagonal mean the score under-predicted churn.
///
/// Both axes share one range so the diagonal is at 45 degrees. By default the range is 0 to a
/// nice value above the largest probability: churn probabilities are often all below 0.2, and a
/// full 0...1 square would squeeze every point into a corner.
public struct ReliabilityDiagram: SVGChart, Equatable {
    public var title: String
    public var series: [ReliabilitySeries]
    public var xAxisLabel: String
    public var yAxisLabel: String
    /// Upper end of both axes; `nil` picks it from the data.
    public var upperBound: Double?
    public var format: ValueFormat
    public var width: Double
    public var height: Double

    public init(title: String, series: [ReliabilitySeries],
                xAxisLabel: String = "Predicted churn probability", yAxisLabel: String = "Observed churn rate",
                upperBound: Double? = nil, format: ValueFormat = .percent(decimals: 0),
                width: Double = 520, height: Double = 500) {
        self.title = title
        self.series = series
        self.xAxisLabel = xAxisLabel
        self.yAxisLabel = yAxisLabel
        self.upperBound = upperBound
        self.format = format
        self.width = width
        self.height = height
    }

    /// The usual pair: the same bins' curve before and after recalibration, on held-out periods.
    public init(title: String, before: [ReliabilityPoint], after: [ReliabilityPoint]) {
        self.init(title: title, series: [ReliabilitySeries(name: "Before calibration", points: before),
                                         ReliabilitySeries(name: "After calibration", points: after)])
    }

    static func isDrawable(_ bin: ReliabilityPoint) -> Bool {
        bin.predicted.isFinite && bin.observed.isFinite && bin.count > 0
    }

    public func svg() -> String {
        let drawable = series.flatMap { $0.points.filter(Self.isDrawable) }
        guard !drawable.isEmpty else {
            return SVGWriter.noData(title: title, kind: "reliability", width: width, height: height)
        }
        let dataMax = drawable.map { max($0.predicted, $0.observed) }.max() ?? 1
        let top = upperBound.flatMap { $0.isFinite && $0 > 0 ? $0 : nil } ?? min(max(dataMax, 0.01), 1)
        let scale = NiceScale(minimum: 0, maximum: top, targetTicks: 6)
        let maxCount = Double(drawable.map(\.count).max() ?? 1)
        let styles = series.enumerated().map { i, s in
            (color: s.color ?? ChartPalette.models.color(index: i, name: s.name), marker: SeriesCue.marker(i), dash: SeriesCue.dash(i))
        }
        let legend = zip(series, styles).map { s, st in
            LegendItem(name: s.name, swatch: .line(color: st.color, dash: st.dash, marker: st.marker))
        }
        let tickFormat = format.withDecimals(scale.tickDecimals(displayScale: format.displayScale))
        var layout = CartesianLayout(width: width, height: height, legend: legend, x: scale, y: scale,
                                     yTickLabels: scale.ticks.map(tickFormat.string), hasXLabel: true,
                                     hasYLabel: true, bottomExtra: 16)
        // Square plot: the diagonal must be at 45 degrees to read as "perfect".
        let side = min(layout.area.right - layout.area.left, layout.area.bottom - layout.area.top)
        layout.area.right = layout.area.left + side
        layout.area.top = layout.area.bottom - side
        let area = layout.area

        var w = SVGWriter(width: width, height: height, title: title, kind: "reliability")
        w.legend(layout.legendRows, x: area.left, y: 16)
        w.yAxis(area, format: format, label: yAxisLabel)
        w.xAxis(area, format: format, label: xAxisLabel, grid: true, labelY: height - 24)
        w.diagonal(area, label: "Perfectly calibrated")
        for (s, st) in zip(series, styles) {
            let bins = s.points.filter { Self.isDrawable($0) && area.contains($0.predicted, $0.observed) }
                .sorted { $0.predicted < $1.predicted }
            w.polyline(bins.map { (area.px($0.predicted), area.py($0.observed)) }, color: st.color, width: 1.5, dash: st.dash)
            for bin in bins {
                // Area proportional to count: radius grows with the square root.
                let r = 3 + 7 * (Double(bin.count) / maxCount).squareRoot()
                let tip = s.name + ": predicted " + format.string(bin.predicted) + ", observed "
                    + format.string(bin.observed) + ", n = " + String(bin.count)
                w.marker(st.marker, area.px(bin.predicted), area.py(bin.observed), r: r, color: st.color,
                         opacity: 0.35, tooltip: tip)
            }
        }
        w.text("Marker area is proportional to customer-periods in the bin (largest: \(Int(maxCount))).",
               area.left, height - 6, size: 10.5, color: .mutedText)
        return w.finished()
    }
}
