/// One thing wrong with the input, located as precisely as the input allows.
///
/// Every stage that reads user data reports problems in this shape, so the CLI prints them the
/// same way: `panel.csv:17:4 (column "nps"): "abc" — expected a number`.
public struct DataProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line in the file, when the problem is in one row.
    public var line: Int?
    /// 1-based column position, when the problem is in one cell.
    public var column: Int?
    /// The column's name, when known.
    public var columnName: String?
    /// The offending value as it appears in the file (shortened for display by `description`).
    public var value: String?
    /// What was expected, or what is wrong, in words: "expected a number".
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil,
                value: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
        self.value = value
        self.message = message
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let column { s += ":\(column)" }
        if let columnName { s += " (column \"\(columnName.shownInMessage)\")" }
        s += ": "
        if let value { s += "\"\(value.shownInMessage)\" — " }
        return s + message
    }
}

/// The input cannot be used; carries every problem found (at most `limit`), so an analyst can
/// fix them all in one go.
public struct DataValidationError: Error, Sendable, CustomStringConvertible {
    /// How many problems are collected before reading stops.
    public static let limit = 20
    public var problems: [DataProblem]
    /// True when more problems existed than were collected.
    public var truncated: Bool

    public init(problems: [DataProblem], truncated: Bool = false) {
        self.problems = problems
        self.truncated = truncated
    }

    public var description: String {
        let head = problems.count == 1 ? "1 problem in the input:" : "\(problems.count)\(truncated ? "+" : "") problems in the input:"
        let more = truncated ? "\n  (stopped after \(Self.limit); fix these and run again)" : ""
        return ([head] + problems.map { "  " + $0.description }).joined(separator: "\n") + more
    }
}

/// Collects problems up to `DataValidationError.limit`, then reports whether there were more.
public struct ProblemCollector: Sendable {
    public private(set) var problems: [DataProblem] = []
    public private(set) var truncated = false

    public init() {}

    public var isFull: Bool { problems.count >= DataValidationError.limit }
    public var isEmpty: Bool { problems.isEmpty }

    public mutating func add(_ problem: DataProblem) {
        if isFull { truncated = true } else { problems.append(problem) }
    }

    /// Throws the collected problems, if any.
    public func throwIfAny() throws(DataValidationError) {
        if !problems.isEmpty { throw DataValidationError(problems: problems, truncated: truncated) }
    }
}

extension String {
    /// Control characters shown as escapes, so a newline or tab inside a value stays visible.
    var debugEscaped: String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            default:
                if scalar.value < 0x20 { out += "\\u{\(String(scalar.value, radix: 16))}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
