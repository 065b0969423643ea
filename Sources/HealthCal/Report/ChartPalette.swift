/// A colour as `#rrggbb`, checked on creation so a colour can never carry markup into an
/// attribute.
public struct ChartColor: Sendable, Equatable, Hashable {
    /// The colour as `#rrggbb`.
    public let hex: String

    /// `nil` unless `hex` is `#` followed by exactly six hexadecimal digits.
    public init?(hex: String) {
        let digits = hex.dropFirst()
        guard hex.first == "#", digits.count == 6, digits.allSatisfy(\.isHexDigit) else { return nil }
        self.hex = hex.lowercased()
    }

    init(trusted hex: String) { self.hex = hex }

    // Band colours: the stoplight the customer-success world uses. Yellow is a deep amber so it
    // still shows on white paper; the hatch patterns carry the distinction in grayscale.
    public static let red = ChartColor(trusted: "#c0392b")
    public static let orange = ChartColor(trusted: "#e67e22")
    public static let yellow = ChartColor(trusted: "#d4a017")
    public static let green = ChartColor(trusted: "#2e8b57")

    // Model colours: deliberately neutral (no red/green), so the champion does not look "bad"
    // and the challenger "good" before anyone has read the numbers.
    public static let champion = ChartColor(trusted: "#6b7280")
    public static let challenger = ChartColor(trusted: "#1f4e8c")
    public static let teal = ChartColor(trusted: "#0f766e")
    public static let purple = ChartColor(trusted: "#6d28d9")
    public static let brown = ChartColor(trusted: "#92400e")

    /// Axis, grid and reference-line greys.
    static let axis = ChartColor(trusted: "#374151")
    static let grid = ChartColor(trusted: "#e5e7eb")
    static let reference = ChartColor(trusted: "#9ca3af")
    static let text = ChartColor(trusted: "#111827")
    static let mutedText = ChartColor(trusted: "#4b5563")
}

/// Which colour sequence a chart uses for its series when they carry no colour of their own.
public enum ChartPalette: Sendable, Equatable {
    /// Champion, challenger, then further neutral hues: for comparing models.
    case models
    /// Red, orange, yellow, green (worst to best), or matched by band name: for band charts.
    case bands

    static let modelColors: [ChartColor] = [.champion, .challenger, .teal, .purple, .brown]
    static let bandColors: [ChartColor] = [.red, .orange, .yellow, .green]

    /// The colour for series `index` named `name`. With `.bands`, a name that says which band
    /// it is ("red", "Requires attention", "doing well") wins over the position, so a chart of
    /// the two-band scheme is not coloured red/orange.
    func color(index: Int, name: String) -> ChartColor {
        switch self {
        case .models:
            return ChartPalette.modelColors[index % ChartPalette.modelColors.count]
        case .bands:
            if let named = ChartPalette.bandColor(named: name) { return named }
            return ChartPalette.bandColors[index % ChartPalette.bandColors.count]
        }
    }

    /// The band colour for a band name from either scheme in DESIGN.md, if it names one.
    public static func bandColor(named name: String) -> ChartColor? {
        let n = name.lowercased()
        if n.contains("red") || n.contains("attention") { return .red }
        if n.contains("orange") { return .orange }
        if n.contains("yellow") || n.contains("notice") { return .yellow }
        if n.contains("green") || n.contains("doing well") || n.contains("healthy") { return .green }
        return nil
    }
}

/// Non-colour cues, so a chart printed in black and white still tells its series apart.
enum SeriesCue {
    /// SVG `stroke-dasharray` values; series 0 is solid.
    static let dashes = ["", "7 4", "2 3", "9 3 2 3", "4 2 1 2"]

    static func dash(_ index: Int) -> String { dashes[index % dashes.count] }

    static func marker(_ index: Int) -> MarkerShape {
        MarkerShape.allCases[index % MarkerShape.allCases.count]
    }

    /// Number of hatch patterns for bars; series 0 is plain fill.
    static let hatchCount = 5
}

/// Point markers, drawn in this order for successive series.
enum MarkerShape: CaseIterable {
    case circle, square, triangle, diamond, cross
}
