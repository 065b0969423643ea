/// The rectangle data is drawn in, with the scales that map data to pixels inside it.
struct PlotArea {
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double
    var x: NiceScale
    var y: NiceScale

    func px(_ value: Double) -> Double { x.position(value, from: left, to: right) }
    func py(_ value: Double) -> Double { y.position(value, from: bottom, to: top) }

    /// Whether a data point lies inside the axis ranges (points outside a caller-fixed domain
    /// are dropped rather than drawn over the axes).
    func contains(_ xv: Double, _ yv: Double) -> Bool {
        let ex = (x.upper - x.lower) * 1e-9, ey = (y.upper - y.lower) * 1e-9
        return xv >= x.lower - ex && xv <= x.upper + ex && yv >= y.lower - ey && yv <= y.upper + ey
    }
}

/// Margins of a Cartesian chart, worked out from what has to fit around the plot.
struct CartesianLayout {
    var legendRows: [[LegendItem]]
    var area: PlotArea

    /// - Parameters:
    ///   - yTickLabels: the y tick labels, to size the left margin so none is clipped.
    ///   - bottomExtra: additional room under the axis (rotated category labels).
    ///   - rightExtra: additional room right of the plot (e.g. a forest plot's odds-ratio column).
    init(width: Double, height: Double, legend: [LegendItem], x: NiceScale, y: NiceScale,
         yTickLabels: [String], hasXLabel: Bool, hasYLabel: Bool, bottomExtra: Double = 0, rightExtra: Double = 0) {
        let widest = yTickLabels.map { estimatedTextWidth($0) }.max() ?? 0
        let left = 12 + (hasYLabel ? 20 : 0) + widest + 8
        let rows = SVGWriter.legendRows(legend, maxWidth: width - left - 16)
        let top = 14 + Double(rows.count) * 18 + 8
        let bottom = height - (26 + (hasXLabel ? 20 : 0) + bottomExtra)
        self.legendRows = rows
        self.area = PlotArea(left: left, top: top, right: width - 16 - rightExtra, bottom: bottom, x: x, y: y)
    }
}

extension SVGWriter {
    /// Horizontal grid lines, y tick labels and the y axis title.
    mutating func yAxis(_ area: PlotArea, format: ValueFormat, label: String, grid: Bool = true) {
        let tickFormat = format.withDecimals(area.y.tickDecimals(displayScale: format.displayScale))
        for tick in area.y.ticks {
            let y = area.py(tick)
            if grid { line(area.left, y, area.right, y, color: .grid) }
            line(area.left - 4, y, area.left, y, color: .axis)
            text(tickFormat.string(tick), area.left - 7, y + 4, anchor: "end", color: .mutedText)
        }
        line(area.left, area.top, area.left, area.bottom, color: .axis)
        if !label.isEmpty {
            let cy = (area.top + area.bottom) / 2
            text(label, 16, cy, anchor: "middle", bold: true, rotate: -90)
        }
    }

    /// Numeric x axis: ticks, labels and axis title; optional vertical grid lines.
    mutating func xAxis(_ area: PlotArea, format: ValueFormat, label: String, grid: Bool = false, labelY: Double? = nil) {
        let tickFormat = format.withDecimals(area.x.tickDecimals(displayScale: format.displayScale))
        for tick in area.x.ticks {
            let x = area.px(tick)
            if grid { line(x, area.top, x, area.bottom, color: .grid) }
            line(x, area.bottom, x, area.bottom + 4, color: .axis)
            text(tickFormat.string(tick), x, area.bottom + 17, anchor: "middle", color: .mutedText)
        }
        line(area.left, area.bottom, area.right, area.bottom, color: .axis)
        if !label.isEmpty {
            text(label, (area.left + area.right) / 2, labelY ?? height - 8, anchor: "middle", bold: true)
        }
    }

    /// Category x axis: one label under each band centre, turned 40 degrees when they would
    /// otherwise overlap (many periods, long segment names).
    mutating func categoryAxis(_ area: PlotArea, categories: [String], centers: [Double], rotated: Bool, label: String) {
        line(area.left, area.bottom, area.right, area.bottom, color: .axis)
        for (name, x) in zip(categories, centers) {
            let shown = truncated(name, maxCharacters: 24)
            if rotated {
                text(shown, x + 4, area.bottom + 14, anchor: "end", color: .mutedText, rotate: -40)
            } else {
                text(shown, x, area.bottom + 17, anchor: "middle", color: .mutedText)
            }
        }
        if !label.isEmpty {
            text(label, (area.left + area.right) / 2, height - 8, anchor: "middle", bold: true)
        }
    }

    /// The y = x line of ROC curves and reliability diagrams, clipped to the plot.
    mutating func diagonal(_ area: PlotArea, label: String?) {
        let lo = max(area.x.lower, area.y.lower), hi = min(area.x.upper, area.y.upper)
        guard hi > lo else { return }
        line(area.px(lo), area.py(lo), area.px(hi), area.py(hi), color: .reference, width: 1.25, dash: "5 4")
        if let label {
            // Along the line near its upper end, where curves above the diagonal rarely are.
            let t = lo + (hi - lo) * 0.72
            text(label, area.px(t) + 6, area.py(t) + 14, size: 11, color: .mutedText)
        }
    }
}

/// Category labels need rotating when the widest does not fit its band.
func categoryLabelsNeedRotation(_ categories: [String], bandWidth: Double) -> Bool {
    let widest = categories.map { estimatedTextWidth(truncated($0, maxCharacters: 24)) }.max() ?? 0
    return widest > bandWidth - 4
}

/// Extra bottom margin for rotated labels: the rotated text's height.
func rotatedLabelRoom(_ categories: [String]) -> Double {
    let widest = categories.map { estimatedTextWidth(truncated($0, maxCharacters: 24)) }.max() ?? 0
    return min(widest * 0.64, 120)
}
