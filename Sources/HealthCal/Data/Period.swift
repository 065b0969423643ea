/// How the panel writes its periods. `auto` looks at the values and picks the one format they
/// all share; mixing formats in one panel is an error, because "2025Q3" and "2025-07" do not
/// have a common unit for the backtest's horizon.
public enum PeriodFormat: String, Sendable, Codable, CaseIterable {
    case auto, quarter, month, date
}

/// A time label reduced to a chronological ordinal in its own unit.
///
/// Periods are compared by ordinal, never as text: "2025-10" sorts after "2025-09" and "2026Q1"
/// after "2025Q4" whatever their spelling. `next` and `distance(to:)` count in the period's own
/// unit (quarters, months or days), which is the unit of `backtest.horizon`.
public struct Period: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public enum Unit: String, Sendable, Codable {
        case quarter, month, day

        /// The spec's `period_format` that writes this unit.
        public var format: PeriodFormat {
            switch self {
            case .quarter: .quarter
            case .month: .month
            case .day: .date
            }
        }
    }

    public let unit: Unit
    /// Quarters: year * 4 + (quarter - 1). Months: year * 12 + (month - 1).
    /// Days: days since 1970-01-01 in the proleptic Gregorian calendar.
    public let ordinal: Int

    public init(unit: Unit, ordinal: Int) {
        self.unit = unit
        self.ordinal = ordinal
    }

    /// The following period in the same unit.
    public var next: Period { Period(unit: unit, ordinal: ordinal + 1) }

    /// The period `k` units later (earlier when negative).
    public func advanced(by k: Int) -> Period { Period(unit: unit, ordinal: ordinal + k) }

    /// How many units from `self` to `other` (positive when `other` is later). Only meaningful
    /// within one unit; a panel never mixes units.
    public func distance(to other: Period) -> Int { other.ordinal - ordinal }

    /// Orders by unit first so the order is total, then chronologically.
    public static func < (a: Period, b: Period) -> Bool {
        a.unit == b.unit ? a.ordinal < b.ordinal : a.unit.rawValue < b.unit.rawValue
    }

    /// The canonical label: `2025Q3`, `2025-07` or `2025-07-01`. The year has four digits
    /// (`0025-07`), as `parse` requires, so every label parses back to its period.
    public var label: String {
        switch unit {
        case .quarter:
            let (y, q) = floorDivMod(ordinal, 4)
            return "\(pad4(y))Q\(q + 1)"
        case .month:
            let (y, m) = floorDivMod(ordinal, 12)
            return "\(pad4(y))-\(pad2(m + 1))"
        case .day:
            let (y, m, d) = civilFromDays(ordinal)
            return "\(pad4(y))-\(pad2(m))-\(pad2(d))"
        }
    }

    public var description: String { label }

    /// Parses `text` in the given format; `auto` accepts any of the three. Leading and trailing
    /// whitespace is ignored; anything else unexpected gives nil.
    public static func parse(_ text: String, format: PeriodFormat = .auto) -> Period? {
        guard let p = parseAny(text) else { return nil }
        if format == .auto || p.unit.format == format { return p }
        return nil
    }

    /// Quarters: `2025Q3`, `2025-Q3`, `2025q3`. Months: `2025-07`. Dates: `2025-07-01`.
    private static func parseAny(_ text: String) -> Period? {
        let s = Array(text.trimmingWhitespace.utf8)
        guard s.count >= 6, let year = digits(s, 0, 4) else { return nil }
        // Quarter: YYYY[-]Qn
        var i = 4
        if i < s.count, s[i] == UInt8(ascii: "-") { i += 1 }
        if i + 2 == s.count, s[i] == UInt8(ascii: "Q") || s[i] == UInt8(ascii: "q"),
           let q = digits(s, i + 1, 1), (1...4).contains(q) {
            return Period(unit: .quarter, ordinal: year * 4 + q - 1)
        }
        guard s[4] == UInt8(ascii: "-"), s.count >= 7, let month = digits(s, 5, 2), (1...12).contains(month) else {
            return nil
        }
        if s.count == 7 { return Period(unit: .month, ordinal: year * 12 + month - 1) }
        guard s.count == 10, s[7] == UInt8(ascii: "-"), let day = digits(s, 8, 2),
              day >= 1, day <= daysInMonth(year, month) else { return nil }
        return Period(unit: .day, ordinal: daysFromCivil(year, month, day))
    }

    private static func digits(_ s: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= s.count else { return nil }
        var v = 0
        for k in start..<(start + count) {
            let c = s[k]
            guard c >= 48, c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }
}

private func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

/// A year as four digits; years outside 0...9999 (reachable only by arithmetic) as they are.
private func pad4(_ v: Int) -> String { (0..<1000).contains(v) ? String("000\(v)".suffix(4)) : "\(v)" }

private func floorDivMod(_ a: Int, _ b: Int) -> (Int, Int) {
    let q = a >= 0 ? a / b : -((-a + b - 1) / b)
    return (q, a - q * b)
}

private func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

private func daysInMonth(_ y: Int, _ m: Int) -> Int {
    switch m {
    case 2: isLeap(y) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`), exact for every Gregorian date.
private func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

/// The inverse of `daysFromCivil` (Hinnant's `civil_from_days`).
private func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
