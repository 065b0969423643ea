import Foundation

/// The one CSV writer: every CSV healthcal writes (score --out, flags.csv, bands.csv,
/// weights.csv, scorecard.csv, sample-data's panel.csv) goes through it, so all of them share
/// one quoting and formula-escaping rule, one line ending and one number format
/// (docs/exports.md, "CSV files").
///
/// Cells are typed. A `.text` cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
/// is prefixed with `'` (OWASP "CSV injection"): Excel, LibreOffice and Google Sheets would
/// otherwise evaluate `=HYPERLINK(...)` or `-1+2` from a customer id. A `.number` cell is written
/// as the number it is, so a negative contribution stays a number a spreadsheet can sum; only
/// real `Double`s can be written that way, never text. A cell containing the separator, a quote,
/// CR or LF is quoted, with quotes doubled (RFC 4180). Every record ends in a single LF: the line
/// end of the panels healthcal reads and of Unix tools (`cut`, `awk` and `diff` would keep a CR in
/// the last cell); spreadsheets, pandas and R read it as they read CRLF.
///
/// The file is built as UTF-8 bytes (a flags file runs to tens of MB): cells are appended in
/// place, numbers are formatted straight into the buffer, and plain ASCII text is checked and
/// copied byte by byte; other text takes `field(_:separator:)`, the reference rule.
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

    /// The file so far, UTF-8.
    public private(set) var bytes: [UInt8] = []
    public var text: String { String(decoding: bytes, as: UTF8.self) }
    public let separator: Character
    /// The separator's byte when it is one ASCII character (the byte-wise text path needs it).
    private let separatorByte: UInt8?
    private var atRowStart = true

    public init(separator: Character = ",") {
        self.separator = separator
        separatorByte = separator.utf8.count == 1 ? separator.utf8.first : nil
    }

    /// Appends one record.
    public mutating func row(_ cells: [Cell]) {
        for cell in cells { append(cell) }
        endRow()
    }

    /// Appends one record of text cells (a header).
    public mutating func row(_ cells: [String]) {
        row(cells.map { Cell.text($0) })
    }

    /// Appends one cell to the current record.
    public mutating func append(_ cell: Cell) {
        startCell()
        switch cell {
        case .empty: return
        case let .number(v, decimals):
            guard v.isFinite else { return }
            if let decimals {
                Self.appendFixed(v, decimals: decimals, to: &bytes)
            } else if v == v.rounded() && abs(v) < 1e15 {
                Self.appendInteger(Int64(v), to: &bytes)
            } else {
                bytes.append(contentsOf: "\(v)".utf8)
            }
        case let .text(s):
            var s = s
            let done = s.withUTF8 { appendPlainText($0) }
            if !done { bytes.append(contentsOf: Self.field(.text(s), separator: separator).utf8) }
        }
    }

    /// Appends a text cell given as UTF-8 bytes (built in place by the caller); the same rule
    /// as `.text`.
    public mutating func appendText(utf8 text: [UInt8]) {
        startCell()
        let done = text.withUnsafeBufferPointer { appendPlainText($0) }
        if !done { bytes.append(contentsOf: Self.field(.text(String(decoding: text, as: UTF8.self)), separator: separator).utf8) }
    }

    /// Appends a cell of ASCII digits, sign and point as they are, as `.number` writes them
    /// (the caller has checked `isShortestNumeral`).
    mutating func appendNumeral(utf8 numeral: UnsafeBufferPointer<UInt8>) {
        startCell()
        bytes.append(contentsOf: numeral)
    }

    /// Appends a raw metric value as it came from the input: a number stays a number (so "-3.5"
    /// is not defused into text) in the `.number` format, copied as it is when it already has
    /// that form (the usual case: no parsing and formatting again); anything else, such as a
    /// category level, is text with the `.text` rule.
    public mutating func appendValue(_ value: String) {
        var value = value
        let copied = value.withUTF8 { bytes in
            guard Self.isShortestNumeral(bytes) else { return false }
            appendNumeral(utf8: bytes)
            return true
        }
        if !copied { append(Self.valueCell(value)) }
    }

    /// The cell `appendValue` writes for `value`.
    public static func valueCell(_ value: String) -> Cell {
        if let v = Double(value), v.isFinite { return .number(v) }
        return value.isEmpty ? .empty : .text(value)
    }

    /// Whether `.number(v)` of the value `s` spells writes exactly `s`: `-?(0|[1-9][0-9]*)`
    /// with an optional fraction `.[0-9]*[1-9]`, at most 15 significant digits (so the
    /// shortest representation of the parsed double has these digits), no "-0", an integer part
    /// below 1e15 and a value of at least 1e-4 (where Swift's description switches to exponent
    /// form). false says nothing: such text takes the parsing path.
    static func isShortestNumeral(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = s.count
        if i < n && s[i] == 0x2D { i += 1 }
        let intStart = i
        while i < n && s[i] &- 0x30 < 10 { i += 1 }
        let intDigits = i - intStart
        guard intDigits > 0, intDigits <= 15 else { return false }
        let zeroInteger = s[intStart] == 0x30
        if zeroInteger && intDigits > 1 { return false }
        guard i < n else { return !(zeroInteger && intStart == 1) }
        guard s[i] == 0x2E else { return false }
        i += 1
        let fracStart = i
        while i < n && s[i] &- 0x30 < 10 { i += 1 }
        guard i == n, i > fracStart, s[n - 1] != 0x30 else { return false }
        var significant = intDigits + (n - fracStart)
        if zeroInteger {
            var leadingZeros = 0
            while s[fracStart + leadingZeros] == 0x30 { leadingZeros += 1 }
            guard leadingZeros <= 3 else { return false }
            significant -= 1 + leadingZeros
        }
        return significant <= 15
    }

    /// The UTF-8 of `s` appended to `out`.
    @inline(__always)
    static func appendUTF8(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    /// Ends the current record (LF).
    public mutating func endRow() {
        bytes.append(10)
        atRowStart = true
    }

    private mutating func startCell() {
        if !atRowStart { bytes.append(contentsOf: separator.utf8) }
        atRowStart = false
    }

    /// The `.text` rule for ASCII text without CR or LF, where every Character is one byte, so
    /// checking bytes is checking Characters. false (nothing written) for any other text.
    private mutating func appendPlainText(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let separatorByte else { return false }
        var quoted = false
        for b in s {
            if b >= 0x80 || b == 13 || b == 10 { return false }
            if b == 0x22 || b == separatorByte { quoted = true }
        }
        if quoted { bytes.append(0x22) }
        if let first = s.first, Self.formulaTriggerBytes.contains(first) { bytes.append(0x27) }
        if quoted {
            for b in s {
                if b == 0x22 { bytes.append(0x22) }
                bytes.append(b)
            }
            bytes.append(0x22)
        } else {
            bytes.append(contentsOf: s)
        }
        return true
    }

    /// Characters that make a spreadsheet treat a cell as a formula when they come first.
    private static let formulaTriggerScalars: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
    private static let formulaTriggerBytes: [UInt8] = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D]

    /// One cell as it appears in the file.
    public static func field(_ cell: Cell, separator: Character = ",") -> String {
        switch cell {
        case .empty: return ""
        case let .number(v, decimals):
            guard v.isFinite else { return "" }
            if let decimals { return format(v, decimals: decimals) }
            return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
        case let .text(s):
            return text(s, separator: separator)
        }
    }

    /// The `.text` rule, checked on Unicode scalars rather than Characters: "\r\n" is one
    /// Character, equal to neither "\r" nor "\n" (a cell holding it must still be quoted), and
    /// "=" followed by a combining mark is one Character too, but a spreadsheet still sees "="
    /// first.
    static func text(_ s: String, separator: Character) -> String {
        var s = s
        if let first = s.unicodeScalars.first, formulaTriggerScalars.contains(first) { s = "'" + s }
        let separatorScalars = separator.unicodeScalars
        if s.unicodeScalars.contains(where: { $0 == "\"" || $0 == "\n" || $0 == "\r" || separatorScalars.contains($0) }) {
            return "\"" + doubling("\"", in: s) + "\""
        }
        return s
    }

    /// Fixed-point formatting without Foundation's locale: round half away from zero at
    /// `decimals` digits (enough for scores and log-odds shown to people; the JSON keeps full
    /// precision). Falls back to the shortest representation for magnitudes beyond 1e15.
    public static func format(_ v: Double, decimals: Int) -> String {
        var out: [UInt8] = []
        appendFixed(v, decimals: decimals, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `format(_:decimals:)` appended to `out` as UTF-8.
    public static func appendFixed(_ v: Double, decimals: Int, to out: inout [UInt8]) {
        let d = max(0, min(decimals, 12))
        var scale = 1.0
        for _ in 0..<d { scale *= 10 }
        let scaled = (abs(v) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 1e15 else {
            out.append(contentsOf: "\(v)".utf8)
            return
        }
        // The digits of `scaled`, right to left into a stack buffer: the fraction's d digits
        // (zero-padded), the point, the whole part, the sign.
        var digits = UInt64(scaled)
        let negative = v < 0 && digits != 0
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buffer in
            var i = buffer.count
            for _ in 0..<d {
                i -= 1
                buffer[i] = 0x30 + UInt8(digits % 10)
                digits /= 10
            }
            if d > 0 {
                i -= 1
                buffer[i] = 0x2E
            }
            repeat {
                i -= 1
                buffer[i] = 0x30 + UInt8(digits % 10)
                digits /= 10
            } while digits > 0
            if negative {
                i -= 1
                buffer[i] = 0x2D
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i...]))
        }
    }

    /// `String(v)` appended to `out` as UTF-8.
    static func appendInteger(_ v: Int64, to out: inout [UInt8]) {
        var m = v.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = 0x30 + UInt8(m % 10)
                m /= 10
            } while m > 0
            if v < 0 { out.append(0x2D) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i...]))
        }
    }
}
