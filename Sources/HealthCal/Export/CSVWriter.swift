import Foundation

/// Writes CSV that spreadsheets open safely: RFC 4180 quoting, and text cells that a spreadsheet
/// would run as a formula defused.
///
/// Cells are typed. A `.text` cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
/// is prefixed with `'` (OWASP "CSV injection"): Excel, LibreOffice and Google Sheets would
/// otherwise evaluate `=HYPERLINK(...)` or `-1+2` from a customer id. A `.number` cell is written
/// as the number it is, so a negative contribution stays a number a spreadsheet can sum; only
/// real `Double`s can be written that way, never text. A cell containing a comma, a quote, CR or
/// LF is quoted, with quotes doubled. Lines end in CRLF, as RFC 4180 says.
public struct CSVWriter: Sendable {
    public enum Cell: Sendable, Equatable, ExpressibleByStringLiteral {
        case text(String)
        /// A number, with `decimals` fixed digits after the point, or the shortest exact
        /// representation when nil. Non-finite numbers are written as an empty cell.
        case number(Double, decimals: Int?)
        case empty

        public init(stringLiteral value: String) { self = .text(value) }

        public static func number(_ v: Double) -> Cell { .number(v, decimals: nil) }
        public static func integer(_ v: Int) -> Cell { .number(Double(v), decimals: 0) }
        /// nil becomes an empty cell.
        public static func optional(_ v: Double?, decimals: Int? = nil) -> Cell { v.map { .number($0, decimals: decimals) } ?? .empty }
    }

    public private(set) var text = ""
    public let separator: Character

    public init(separator: Character = ",") {
        self.separator = separator
    }

    /// Appends one record.
    public mutating func row(_ cells: [Cell]) {
        text += cells.map { Self.field($0, separator: separator) }.joined(separator: String(separator))
        text += "\r\n"
    }

    /// Appends one record of text cells (a header).
    public mutating func row(_ cells: [String]) {
        row(cells.map { Cell.text($0) })
    }

    /// Characters that make a spreadsheet treat a cell as a formula when they come first.
    public static let formulaTriggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// One cell as it appears in the file.
    public static func field(_ cell: Cell, separator: Character = ",") -> String {
        switch cell {
        case .empty: return ""
        case let .number(v, decimals):
            guard v.isFinite else { return "" }
            if let decimals { return format(v, decimals: decimals) }
            return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
        case let .text(s):
            var s = s
            if let first = s.first, formulaTriggers.contains(first) { s = "'" + s }
            if s.contains(where: { $0 == "\"" || $0 == separator || $0 == "\n" || $0 == "\r" }) {
                return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return s
        }
    }

    /// Fixed-point formatting without Foundation's locale: round half away from zero at
    /// `decimals` digits (enough for scores and log-odds shown to people; the JSON keeps full
    /// precision). Falls back to the shortest representation for magnitudes beyond 1e15.
    public static func format(_ v: Double, decimals: Int) -> String {
        let d = max(0, min(decimals, 12))
        var scale = 1.0
        for _ in 0..<d { scale *= 10 }
        let scaled = (abs(v) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 1e15 else { return "\(v)" }
        let whole = Int64(scaled)
        let intPart = whole / Int64(scale)
        let frac = whole % Int64(scale)
        let sign = v < 0 && whole != 0 ? "-" : ""
        if d == 0 { return sign + String(intPart) }
        let fracText = String(frac)
        return sign + String(intPart) + "." + String(repeating: "0", count: d - fracText.count) + fracText
    }
}
