/// A chart that renders itself as one standalone `<svg>` element.
///
/// Output is deterministic: the same value renders to the same bytes, with every number written
/// at a fixed number of decimals, so a report can be diffed from one quarter to the next.
public protocol SVGChart: Sendable {
    /// The chart's accessible name: its `<title>` and `aria-label`.
    var title: String { get }
    /// The chart as an `<svg>` element (valid XML, no scripts, no external references).
    func svg() -> String
}

/// The system font stack: a report must not fetch web fonts, and these look native everywhere.
let systemFontStack = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

/// Rough width of `text` at `size` px in the system sans-serif, for layout only (legends, label
/// columns). Overestimating a little is better than overlapping.
func estimatedTextWidth(_ text: String, size: Double = 12) -> Double {
    Double(text.count) * size * 0.56
}

/// Shortens `text` to at most `maxCharacters`, ending in an ellipsis, for labels that must fit a
/// column; the full text goes into a `<title>` so nothing is lost.
func truncated(_ text: String, maxCharacters: Int) -> String {
    guard text.count > maxCharacters, maxCharacters > 1 else { return text }
    return String(text.prefix(maxCharacters - 1)) + "\u{2026}"
}

/// A legend entry: a line swatch (with dash and marker) or a filled box (with hatch).
struct LegendItem {
    enum Swatch {
        case line(color: ChartColor, dash: String, marker: MarkerShape?)
        case box(color: ChartColor, hatch: Int)
    }
    var name: String
    var swatch: Swatch
}

/// Accumulates SVG markup. Every method that writes caller text escapes it, and every number
/// goes through `Fixed`, so no chart type can forget either.
struct SVGWriter {
    private(set) var out = ""
    let width: Double
    let height: Double
    /// Prefix for element ids (hatch patterns), derived from the chart so two charts on one page
    /// do not share ids, yet stable from run to run.
    let idPrefix: String

    init(width: Double, height: Double, title: String, kind: String) {
        self.width = width
        self.height = height
        self.idPrefix = "hc-" + kind + "-" + SVGWriter.stableHash(kind + "\u{1}" + title)
        let w = Fixed.coord(width), h = Fixed.coord(height)
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"hc-chart hc-\(kind)\" width=\"\(w)\" height=\"\(h)\" "
        out += "viewBox=\"0 0 \(w) \(h)\" role=\"img\" aria-label=\"\(HTML.escape(title))\" "
        out += "font-family=\"\(systemFontStack)\" font-size=\"12\">\n"
        out += "<title>\(HTML.escape(title))</title>\n"
    }

    /// FNV-1a, 32 bits, as 8 hex digits: Swift's `hashValue` is seeded per process, so it would
    /// make ids (and the bytes of the report) change on every run.
    static func stableHash(_ text: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    mutating func raw(_ markup: String) { out += markup }

    /// Closes the element and returns the markup.
    func finished() -> String { out + "</svg>\n" }

    // MARK: Primitives

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
                       color: ChartColor, width: Double = 1, dash: String = "") {
        out += "<line x1=\"\(Fixed.coord(x1))\" y1=\"\(Fixed.coord(y1))\" x2=\"\(Fixed.coord(x2))\" y2=\"\(Fixed.coord(y2))\" "
        out += "stroke=\"\(color.hex)\" stroke-width=\"\(Fixed.coord(width))\"\(dashAttribute(dash))/>\n"
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String,
                       stroke: ChartColor? = nil, tooltip: String? = nil) {
        out += "<rect x=\"\(Fixed.coord(x))\" y=\"\(Fixed.coord(y))\" width=\"\(Fixed.coord(max(w, 0)))\" height=\"\(Fixed.coord(max(h, 0)))\" fill=\"\(fill)\""
        if let stroke { out += " stroke=\"\(stroke.hex)\" stroke-width=\"0.75\"" }
        if let tooltip {
            out += "><title>\(HTML.escape(tooltip))</title></rect>\n"
        } else {
            out += "/>\n"
        }
    }

    /// A polyline through `points`; `nil` entries break the line, so a missing value shows as a
    /// gap instead of a misleading straight segment across it.
    mutating func polyline(_ points: [(Double, Double)?], color: ChartColor, width: Double = 2, dash: String = "") {
        var d = ""
        var penDown = false
        for point in points {
            guard let (x, y) = point else { penDown = false; continue }
            d += (d.isEmpty ? "" : " ") + (penDown ? "L" : "M") + Fixed.coord(x) + " " + Fixed.coord(y)
            penDown = true
        }
        guard !d.isEmpty else { return }
        out += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color.hex)\" stroke-width=\"\(Fixed.coord(width))\" "
        out += "stroke-linejoin=\"round\" stroke-linecap=\"round\"\(dashAttribute(dash))/>\n"
    }

    /// A marker centred on (x, y) with "radius" `r`; `filled` false draws a white interior, used
    /// to say "not significant" or "before" without relying on colour.
    mutating func marker(_ shape: MarkerShape, _ x: Double, _ y: Double, r: Double, color: ChartColor,
                         filled: Bool = true, opacity: Double = 1, tooltip: String? = nil) {
        let fill = filled ? color.hex : "#ffffff"
        var attributes = "fill=\"\(fill)\" stroke=\"\(color.hex)\" stroke-width=\"1.5\""
        if opacity < 1 { attributes += " fill-opacity=\"\(Fixed.string(opacity, decimals: 2))\"" }
        let c = Fixed.coord
        let element: String
        switch shape {
        case .circle:
            element = "<circle cx=\"\(c(x))\" cy=\"\(c(y))\" r=\"\(c(r))\" \(attributes)"
        case .square:
            let s = r * 0.9
            element = "<rect x=\"\(c(x - s))\" y=\"\(c(y - s))\" width=\"\(c(2 * s))\" height=\"\(c(2 * s))\" \(attributes)"
        case .triangle:
            let s = r * 1.15
            element = "<path d=\"M\(c(x)) \(c(y - s)) L\(c(x + s)) \(c(y + s * 0.8)) L\(c(x - s)) \(c(y + s * 0.8)) Z\" \(attributes)"
        case .diamond:
            let s = r * 1.2
            element = "<path d=\"M\(c(x)) \(c(y - s)) L\(c(x + s)) \(c(y)) L\(c(x)) \(c(y + s)) L\(c(x - s)) \(c(y)) Z\" \(attributes)"
        case .cross:
            let s = r * 0.9
            element = "<path d=\"M\(c(x - s)) \(c(y - s)) L\(c(x + s)) \(c(y + s)) M\(c(x - s)) \(c(y + s)) L\(c(x + s)) \(c(y - s))\" fill=\"none\" stroke=\"\(color.hex)\" stroke-width=\"2\""
        }
        if let tooltip {
            out += element + "><title>\(HTML.escape(tooltip))</title></\(shape == .circle ? "circle" : shape == .square ? "rect" : "path")>\n"
        } else {
            out += element + "/>\n"
        }
    }

    /// Text at (x, y). `anchor` is start, middle or end; `rotate` turns it about its anchor.
    mutating func text(_ string: String, _ x: Double, _ y: Double, anchor: String = "start",
                       size: Double = 12, color: ChartColor = .text, bold: Bool = false, rotate: Double = 0) {
        out += "<text x=\"\(Fixed.coord(x))\" y=\"\(Fixed.coord(y))\""
        if anchor != "start" { out += " text-anchor=\"\(anchor)\"" }
        if size != 12 { out += " font-size=\"\(Fixed.coord(size))\"" }
        if bold { out += " font-weight=\"600\"" }
        out += " fill=\"\(color.hex)\""
        if rotate != 0 { out += " transform=\"rotate(\(Fixed.coord(rotate)) \(Fixed.coord(x)) \(Fixed.coord(y)))\"" }
        out += ">\(HTML.escape(string))</text>\n"
    }

    private func dashAttribute(_ dash: String) -> String {
        dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""
    }

    // MARK: Hatching

    /// Fill patterns laid over bar colours: plain, diagonal, dots, cross-hatch, horizontal.
    /// They make bars distinguishable when the page is printed in grayscale.
    mutating func hatchDefinitions() {
        let ink = "stroke=\"#000000\" stroke-opacity=\"0.35\" stroke-width=\"1.2\""
        out += "<defs>\n"
        out += "<pattern id=\"\(idPrefix)-hatch-1\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\"><path d=\"M0 6 L6 0 M-1 1 L1 -1 M5 7 L7 5\" \(ink)/></pattern>\n"
        out += "<pattern id=\"\(idPrefix)-hatch-2\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\"><circle cx=\"3\" cy=\"3\" r=\"1.1\" fill=\"#000000\" fill-opacity=\"0.4\"/></pattern>\n"
        out += "<pattern id=\"\(idPrefix)-hatch-3\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\"><path d=\"M0 0 L6 6 M6 0 L0 6\" \(ink)/></pattern>\n"
        out += "<pattern id=\"\(idPrefix)-hatch-4\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\"><path d=\"M0 3 L6 3\" \(ink)/></pattern>\n"
        out += "</defs>\n"
    }

    /// A bar: solid colour, then the series' hatch on top (series 0 has none).
    mutating func bar(_ x: Double, _ y: Double, _ w: Double, _ h: Double, color: ChartColor, hatch: Int, tooltip: String?) {
        rect(x, y, w, h, fill: color.hex, tooltip: tooltip)
        let k = hatch % SeriesCue.hatchCount
        if k > 0 && w > 0.5 && h > 0.5 {
            rect(x, y, w, h, fill: "url(#\(idPrefix)-hatch-\(k))")
        }
    }

    // MARK: Frame pieces

    /// The "no data" note that replaces a chart whose input has nothing finite to draw. The
    /// `data-empty` attribute tells `scripts/render-check` that the emptiness is deliberate.
    /// `compact` drops the repeated title, for sparklines a table row high.
    static func noData(title: String, kind: String, width: Double, height: Double,
                       message: String = "No data to show", compact: Bool = false) -> String {
        var w = SVGWriter(width: width, height: height, title: title, kind: kind)
        w.out = w.out.replacingOccurrences(of: "role=\"img\"", with: "role=\"img\" data-empty=\"true\"")
        w.rect(0.5, 0.5, width - 1, height - 1, fill: "#f9fafb", stroke: .grid)
        if compact {
            w.text(message, width / 2, height / 2 + 4, anchor: "middle", size: 11, color: .mutedText)
            return w.finished()
        }
        w.text(title, width / 2, height / 2 - 8, anchor: "middle", size: 13, bold: true)
        w.text(message, width / 2, height / 2 + 12, anchor: "middle", color: .mutedText)
        return w.finished()
    }

    /// Splits legend items into rows that fit `maxWidth`.
    static func legendRows(_ items: [LegendItem], maxWidth: Double) -> [[LegendItem]] {
        var rows: [[LegendItem]] = []
        var current: [LegendItem] = []
        var used = 0.0
        for item in items {
            let w = legendItemWidth(item)
            if !current.isEmpty && used + w > maxWidth {
                rows.append(current)
                current = []
                used = 0
            }
            current.append(item)
            used += w
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    static func legendItemWidth(_ item: LegendItem) -> Double {
        30 + estimatedTextWidth(item.name) + 18
    }

    /// Draws the legend from (x, y) downwards, one row per 18 px.
    mutating func legend(_ rows: [[LegendItem]], x: Double, y: Double) {
        for (r, row) in rows.enumerated() {
            var cx = x
            let cy = y + Double(r) * 18
            for item in row {
                switch item.swatch {
                case let .line(color, dash, marker):
                    line(cx, cy, cx + 24, cy, color: color, width: 2.5, dash: dash)
                    if let marker { self.marker(marker, cx + 12, cy, r: 3.5, color: color) }
                case let .box(color, hatch):
                    bar(cx + 4, cy - 6, 16, 12, color: color, hatch: hatch, tooltip: nil)
                }
                text(item.name, cx + 30, cy + 4)
                cx += SVGWriter.legendItemWidth(item)
            }
        }
    }
}
