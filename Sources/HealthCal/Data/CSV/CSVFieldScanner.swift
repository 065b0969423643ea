/// One field as found in the bytes: where its content lies and how the field ended.
struct ScannedField {
    /// Content bounds, without the surrounding quotes of a quoted field.
    var start: Int
    var end: Int
    /// Where scanning continues: after the delimiter or the line ending.
    var next: Int
    /// True when the field was the last of its row (a line ending or the end of the bytes).
    var endsRow: Bool
    var quoted: Bool
    /// The content holds doubled quotes that must be collapsed before use.
    var hasEscapedQuotes: Bool
    /// Line endings inside the quotes, so the caller can keep its line count.
    var linesInside: Int
    var problem: FieldProblem?
}

enum FieldProblem {
    /// The closing quote never came; the field runs to the end of the bytes.
    case unterminatedQuote
    /// Something other than a delimiter or line ending follows a closing quote (`"a"b`).
    case textAfterClosingQuote
}

/// RFC 4180 field scanning over raw bytes: quoted fields may hold delimiters, doubled quotes
/// and line endings; rows end at LF, CRLF or a lone CR. A quote only opens a quoted field as
/// the field's first byte; elsewhere it is an ordinary byte, as in most writers' output.
struct CSVFieldScanner {
    let base: UnsafePointer<UInt8>
    let count: Int
    let delimiter: UInt8

    static let quote = UInt8(ascii: "\"")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")

    /// The position after the line ending at `i` (which must be CR or LF).
    @inline(__always)
    func skipLineEnding(_ i: Int) -> Int {
        if base[i] == Self.cr, i + 1 < count, base[i + 1] == Self.lf { return i + 2 }
        return i + 1
    }

    @inline(__always)
    func field(at position: Int) -> ScannedField {
        var i = position
        if i < count, base[i] == Self.quote {
            return quotedField(at: position)
        }
        let d = delimiter
        while i < count {
            let b = base[i]
            if b == d {
                return ScannedField(start: position, end: i, next: i + 1, endsRow: false, quoted: false,
                                    hasEscapedQuotes: false, linesInside: 0, problem: nil)
            }
            if b == Self.lf || b == Self.cr {
                return ScannedField(start: position, end: i, next: skipLineEnding(i), endsRow: true, quoted: false,
                                    hasEscapedQuotes: false, linesInside: 0, problem: nil)
            }
            i += 1
        }
        return ScannedField(start: position, end: i, next: i, endsRow: true, quoted: false,
                            hasEscapedQuotes: false, linesInside: 0, problem: nil)
    }

    func quotedField(at position: Int) -> ScannedField {
        var i = position + 1
        var escaped = false
        var lines = 0
        while i < count {
            let b = base[i]
            if b == Self.quote {
                if i + 1 < count, base[i + 1] == Self.quote {
                    escaped = true
                    i += 2
                    continue
                }
                return afterClosingQuote(contentStart: position + 1, contentEnd: i, escaped: escaped, lines: lines)
            }
            if b == Self.lf {
                lines += 1
            } else if b == Self.cr, !(i + 1 < count && base[i + 1] == Self.lf) {
                lines += 1
            }
            i += 1
        }
        return ScannedField(start: position + 1, end: count, next: count, endsRow: true, quoted: true,
                            hasEscapedQuotes: escaped, linesInside: lines, problem: .unterminatedQuote)
    }

    /// After the closing quote: spaces are tolerated, then a delimiter, a line ending or the end.
    private func afterClosingQuote(contentStart: Int, contentEnd: Int, escaped: Bool, lines: Int) -> ScannedField {
        var i = contentEnd + 1
        while i < count, base[i] == UInt8(ascii: " ") || (base[i] == UInt8(ascii: "\t") && delimiter != UInt8(ascii: "\t")) {
            i += 1
        }
        var field = ScannedField(start: contentStart, end: contentEnd, next: i, endsRow: true, quoted: true,
                                 hasEscapedQuotes: escaped, linesInside: lines, problem: nil)
        if i >= count { return field }
        let b = base[i]
        if b == delimiter {
            field.next = i + 1
            field.endsRow = false
            return field
        }
        if b == Self.lf || b == Self.cr {
            field.next = skipLineEnding(i)
            return field
        }
        // Skip the rest of the malformed field so the row's other fields stay aligned.
        field.problem = .textAfterClosingQuote
        while i < count, base[i] != delimiter, base[i] != Self.lf, base[i] != Self.cr { i += 1 }
        if i >= count {
            field.next = i
        } else if base[i] == delimiter {
            field.next = i + 1
            field.endsRow = false
        } else {
            field.next = skipLineEnding(i)
        }
        return field
    }
}

/// The missing-value tokens, lower-cased once so each cell is compared without allocating.
struct MissingTokens {
    private let tokens: [[UInt8]]
    /// Some token reads as a number (a sentinel such as -999), so numeric cells must be
    /// compared with the tokens before parsing rather than only when parsing fails.
    let includesNumbers: Bool

    init(_ strings: [String]) {
        tokens = strings.map { Array($0.trimmingSpaces.lowercased().utf8) }.filter { !$0.isEmpty }
        includesNumbers = tokens.contains { token in
            token.withUnsafeBufferPointer { b in
                guard let p = b.baseAddress else { return false }
                return NumberParser.parse(p, count: b.count) != nil
            }
        }
    }

    /// Whether the cell (already trimmed) is missing: empty, or one of the tokens in any case.
    @inline(__always)
    func matches(_ bytes: UnsafePointer<UInt8>, count: Int) -> Bool {
        if count == 0 { return true }
        for token in tokens where token.count == count {
            var equal = true
            for k in 0..<count {
                let b = bytes[k]
                let folded = (b >= 65 && b <= 90) ? b | 0x20 : b
                if folded != token[k] { equal = false; break }
            }
            if equal { return true }
        }
        return false
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

@inline(__always)
func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

/// Narrows `start..<end` to exclude leading and trailing spaces and tabs.
@inline(__always)
func trimSpaces(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int) {
    var s = start, e = end
    while s < e, isSpace(base[s]) { s += 1 }
    while e > s, isSpace(base[e - 1]) { e -= 1 }
    return (s, e)
}
