/// The first syntax error in JSON text, located by line, column and JSON path.
///
/// Foundation only says "The data is not in the correct format"; an analyst with a hand-edited or
/// truncated weight file needs to know where. Also refuses what Foundation would read into a
/// value no scorer can use: `NaN`/`Infinity` literals, numbers beyond a double's range (`1e999`),
/// and nesting deeper than `maxDepth` (which would otherwise exhaust the stack).
struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    /// 1-based line and column (in characters) of the offending text; nil for an empty file.
    var line: Int?
    var column: Int?
    /// Where in the document, e.g. "model.weights[2]"; empty at the top level.
    var path: String
    var reason: String

    var description: String {
        guard let line, let column else { return reason }
        return "line \(line), column \(column)" + (path.isEmpty ? "" : " (at \(path))") + ": " + reason
    }
}

struct JSONSyntax {
    static let maxDepth = 256

    private let bytes: [UInt8]
    private var position = 0
    private var path: [PathStep] = []

    private enum PathStep { case key(String), index(Int) }

    /// Nil when `bytes` hold exactly one well-formed JSON value with finite numbers.
    static func firstError(in bytes: [UInt8]) -> JSONSyntaxError? {
        var checker = JSONSyntax(bytes: bytes)
        checker.skipSpace()
        if checker.position == bytes.count {
            return JSONSyntaxError(path: "", reason: bytes.isEmpty ? "the file is empty" : "the file holds only white space")
        }
        do throws(JSONSyntaxError) {
            try checker.value(depth: 0)
            checker.skipSpace()
            if checker.position < bytes.count { throw checker.failure("unexpected text after the end of the JSON value") }
            return nil
        } catch { return error }
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while let b = current, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { position += 1 }
    }

    private func failure(_ reason: String) -> JSONSyntaxError {
        var line = 1, lineStart = 0
        for i in 0..<min(position, bytes.count) where bytes[i] == 0x0A { line += 1; lineStart = i + 1 }
        // Characters, not bytes: UTF-8 continuation bytes do not start a column.
        let column = bytes[lineStart..<min(position, bytes.count)].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        let shownPath = path.map { step -> String in
            switch step {
            case let .key(k): "." + k.shownInMessage
            case let .index(i): "[\(i)]"
            }
        }.joined()
        return JSONSyntaxError(line: line, column: column, path: shownPath.hasPrefix(".") ? String(shownPath.dropFirst()) : shownPath,
                               reason: reason)
    }

    private func endOrUnexpected(_ expected: String) -> JSONSyntaxError {
        guard let b = current else { return failure("the file ends early (truncated?); expected \(expected)") }
        return failure("unexpected \(Self.shown(b)); expected \(expected)")
    }

    private static func shown(_ b: UInt8) -> String {
        (0x21...0x7E).contains(b) ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16, uppercase: true))"
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) {
        guard depth < Self.maxDepth else { throw failure("nested deeper than \(Self.maxDepth) levels") }
        switch current ?? 0 {
        case UInt8(ascii: "{"): try object(depth: depth)
        case UInt8(ascii: "["): try array(depth: depth)
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default:
            let word = bareWord()
            if ["nan", "infinity", "inf", "+infinity", "+inf"].contains(word.lowercased()) {
                throw failure("\(word) is not a JSON number; every number must be finite")
            }
            throw endOrUnexpected("a value (object, array, string, number, true, false or null)")
        }
    }

    /// The letters, digits and signs at the position, for naming what was found.
    private func bareWord() -> String {
        var end = position
        while end < bytes.count, end - position < 20,
              let s = Optional(bytes[end]), (0x41...0x5A).contains(s) || (0x61...0x7A).contains(s) || s == 0x2B || s == 0x2D {
            end += 1
        }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) {
        position += 1
        skipSpace()
        if current == UInt8(ascii: "}") { position += 1; return }
        while true {
            guard current == UInt8(ascii: "\"") else { throw endOrUnexpected("a key in double quotes") }
            let key = try string()
            skipSpace()
            guard current == UInt8(ascii: ":") else { throw endOrUnexpected("':' after the key") }
            position += 1
            skipSpace()
            path.append(.key(key))
            try value(depth: depth + 1)
            path.removeLast()
            skipSpace()
            if current == UInt8(ascii: ",") { position += 1; skipSpace(); continue }
            if current == UInt8(ascii: "}") { position += 1; return }
            throw endOrUnexpected("',' or '}'")
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) {
        position += 1
        skipSpace()
        if current == UInt8(ascii: "]") { position += 1; return }
        var index = 0
        while true {
            path.append(.index(index))
            try value(depth: depth + 1)
            path.removeLast()
            skipSpace()
            if current == UInt8(ascii: ",") { position += 1; skipSpace(); index += 1; continue }
            if current == UInt8(ascii: "]") { position += 1; return }
            throw endOrUnexpected("',' or ']'")
        }
    }

    /// A string starting at the opening quote; returns its raw text (escapes kept), for paths.
    private mutating func string() throws(JSONSyntaxError) -> String {
        position += 1
        let start = position
        while let b = current {
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: bytes[start..<(position - 1)], as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                guard let e = current else { break }
                if e == UInt8(ascii: "u") {
                    for _ in 0..<4 {
                        position += 1
                        guard let h = current, (0x30...0x39).contains(h) || (0x41...0x46).contains(h) || (0x61...0x66).contains(h) else {
                            throw endOrUnexpected("four hex digits after \\u")
                        }
                    }
                } else if !"\"\\/bfnrt".utf8.contains(e) {
                    throw failure("unknown escape \\\(Character(Unicode.Scalar(e)))")
                }
                position += 1
            case 0..<0x20:
                throw failure("a control character (\(Self.shown(b))) inside a string; write it as an escape")
            default:
                position += 1
            }
        }
        throw failure("the file ends inside a string (truncated?)")
    }

    private mutating func number() throws(JSONSyntaxError) {
        let start = position
        func digits(_ s: inout JSONSyntax) -> Int {
            let from = s.position
            while let d = s.current, (0x30...0x39).contains(d) { s.position += 1 }
            return s.position - from
        }
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "I") || current == UInt8(ascii: "i") {
            position = start
            throw failure("\(bareWord()) is not a JSON number; every number must be finite")
        }
        guard digits(&self) > 0 else { throw endOrUnexpected("a digit") }
        if current == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw endOrUnexpected("a digit after the decimal point") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw endOrUnexpected("a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if let v = Double(text), !v.isFinite {
            let end = position
            position = start
            let error = failure("\(text.shownInMessage) is beyond the range of a double (about ±1.8e308)")
            position = end
            throw error
        }
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        for b in word.utf8 {
            guard current == b else {
                if current == nil { throw failure("the file ends early (truncated?); expected \(word)") }
                throw failure("unexpected \(bareWord().isEmpty ? Self.shown(current ?? 0) : "\"" + bareWord() + "\""); expected a value")
            }
            position += 1
        }
    }
}
