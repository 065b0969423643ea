import Foundation

/// How a number is shown on an axis, a bar label or a headline card.
///
/// Values stay in their natural unit (a churn rate is 0.12, not 12); `.percent` multiplies by 100
/// only when the label is written, so charts and tables can share the same data.
public enum ValueFormat: Sendable, Equatable {
    /// Plain decimal with a fixed number of decimals.
    case number(decimals: Int)
    /// The value times 100, with a fixed number of decimals and a `%` sign.
    case percent(decimals: Int)

    /// Multiplier from the data unit to the unit shown on screen.
    var displayScale: Double {
        switch self {
        case .number: return 1
        case .percent: return 100
        }
    }

    var decimals: Int {
        switch self {
        case .number(let d), .percent(let d): return max(0, min(d, 8))
        }
    }

    /// The value as text; non-finite values become an en dash so a label never says "nan".
    public func string(_ value: Double) -> String {
        guard value.isFinite else { return "\u{2013}" }
        switch self {
        case .number: return Fixed.string(value, decimals: decimals)
        case .percent: return Fixed.string(value * 100, decimals: decimals) + "%"
        }
    }

    /// The same format with a different number of decimals (used for axis ticks, whose
    /// decimals follow the tick step rather than the data).
    func withDecimals(_ d: Int) -> ValueFormat {
        switch self {
        case .number: return .number(decimals: d)
        case .percent: return .percent(decimals: d)
        }
    }
}

/// Locale-free, fixed-decimal number formatting.
///
/// Charts must be byte-stable (the same run gives the same report, so reports can be diffed and
/// cached), which rules out `description` (shortest round-trip digits vary with tiny float noise)
/// and locale-dependent formatters (a decimal comma would break SVG coordinates).
enum Fixed {
    /// `value` rounded half away from zero to `decimals` places, always with `.` as separator
    /// and never `-0`. Non-finite input gives `"0"`; callers filter those out beforehand, this is
    /// only the guarantee that "NaN" never reaches an SVG attribute.
    static func string(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "0" }
        let d = max(0, min(decimals, 8))
        let scale = pow(10.0, Double(d))
        let scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        // Beyond 2^53 the integer path loses meaning; such magnitudes only occur in labels of
        // absurd data, where the scientific form is honest enough.
        guard abs(scaled) < 9.0e15 else { return String(format: "%.3e", value) }
        let n = Int64(scaled)
        let magnitude = n.magnitude
        let unit = UInt64(scale)
        let whole = magnitude / unit
        var text = (n < 0 ? "-" : "") + String(whole)
        if d > 0 {
            let fraction = String(magnitude % unit)
            text += "." + String(repeating: "0", count: d - fraction.count) + fraction
        }
        return text
    }

    /// Coordinates with two decimals: 1/100 px is far below what a screen or printer shows, and
    /// the clamp keeps a wild value from producing an enormous number.
    static func coord(_ value: Double) -> String {
        string(min(max(value, -1.0e6), 1.0e6), decimals: 2)
    }
}
