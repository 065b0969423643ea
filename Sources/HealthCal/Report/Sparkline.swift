/// A small, axis-free line for a trajectory: a customer's health score over the last periods,
/// placed next to a flagged customer in a table.
///
/// The last value is marked with a dot and, with `showLastValue`, written at the end, because
/// "where is it now" is what the reader wants from a trajectory.
public struct Sparkline: SVGChart, Equatable {
    public var title: String
    /// Values in period order; non-finite values leave a gap.
    public var values: [Double]
    /// Fixed vertical range (e.g. 0...100 for health scores), so sparklines in one table are
    /// comparable; `nil` fits the data.
    public var domain: ClosedRange<Double>?
    public var color: ChartColor
    public var showLastValue: Bool
    public var format: ValueFormat
    public var width: Double
    public var height: Double

    public init(title: String, values: [Double], domain: ClosedRange<Double>? = nil, color: ChartColor = .challenger,
                showLastValue: Bool = true, format: ValueFormat = .number(decimals: 0),
                width: Double = 140, height: Double = 32) {
        self.title = title
        self.values = values
        self.domain = domain
        self.color = color
        self.showLastValue = showLastValue
        self.format = format
        self.width = width
        self.height = height
    }

    public func svg() -> String {
        let finite = values.filter(\.isFinite)
        guard let last = values.last(where: \.isFinite), let lo = finite.min(), let hi = finite.max() else {
            return SVGWriter.noData(title: title, kind: "spark", width: width, height: height, message: "no data", compact: true)
        }
        let yLower = domain?.lowerBound ?? lo, yUpper = domain?.upperBound ?? hi
        let span = yUpper - yLower
        let labelRoom = showLastValue ? estimatedTextWidth(format.string(last), size: 11) + 6 : 0
        let left = 3.0, right = width - 4 - labelRoom, top = 4.0, bottom = height - 4
        let n = values.count
        func px(_ i: Int) -> Double { n > 1 ? left + (right - left) * Double(i) / Double(n - 1) : (left + right) / 2 }
        func py(_ v: Double) -> Double {
            guard span > 0 else { return (top + bottom) / 2 }
            let clamped = min(max(v, yLower), yUpper)
            return bottom - (clamped - yLower) / span * (bottom - top)
        }
        var w = SVGWriter(width: width, height: height, title: title, kind: "spark")
        let points: [(Double, Double)?] = values.enumerated().map { i, v in v.isFinite ? (px(i), py(v)) : nil }
        w.polyline(points, color: color, width: 1.5)
        if let lastIndex = values.lastIndex(where: \.isFinite) {
            w.marker(.circle, px(lastIndex), py(last), r: 2.5, color: color)
            if showLastValue {
                w.text(format.string(last), right + 6, py(last) + 4, size: 11, color: .text)
            }
        }
        return w.finished()
    }
}
