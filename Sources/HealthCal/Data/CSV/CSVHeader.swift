/// The header row and column-kind inference: the serial part of reading, before any split.
enum CSVHeader {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Column names from the first row, or the problems that make the file unusable. Names are
    /// trimmed of surrounding spaces, since a spec names columns without them. `nextLine` is
    /// the line the data starts on (a quoted name may span lines).
    static func parse(_ scanner: CSVFieldScanner, at start: Int, source: String,
                      problems: inout ProblemCollector) -> (names: [String], end: Int, nextLine: Int) {
        let base = scanner.base
        if start >= scanner.count {
            problems.add(DataProblem(file: source, line: 1, message: "the file is empty; a header row naming the columns is required"))
            return ([], start, 2)
        }
        if base[start] == CSVFieldScanner.lf || base[start] == CSVFieldScanner.cr {
            problems.add(DataProblem(file: source, line: 1,
                                     message: "the first line is blank; a header row naming the columns is required"))
            return ([], start, 2)
        }
        var names: [String] = []
        var p = start
        var line = 1
        var firstPosition: [String: Int] = [:]
        while true {
            let field = scanner.field(at: p)
            let column = names.count + 1
            var content: [UInt8] = []
            CSVChunk.collapseQuotes(base, field.start, field.end, into: &content)
            let raw = content.withUnsafeBufferPointer { b in
                (valid: TextDictionary.isValidUTF8(b), text: String(decoding: b, as: UTF8.self))
            }
            let name = raw.text.trimmingSpaces
            if let problem = field.problem {
                let message = problem == .unterminatedQuote
                    ? "quoted column name is not closed before the end of the file"
                    : "text after the closing quote of a column name"
                problems.add(DataProblem(file: source, line: line, column: column, value: raw.text, message: message))
            } else if !raw.valid {
                problems.add(DataProblem(file: source, line: line, column: column, value: raw.text,
                                         message: "invalid UTF-8 in the column name"))
            } else if name.isEmpty {
                problems.add(DataProblem(file: source, line: line, column: column, value: raw.text,
                                         message: "empty column name; every column needs a name"))
            } else if let earlier = firstPosition[name] {
                problems.add(DataProblem(file: source, line: line, column: column, columnName: name, value: name,
                                         message: "duplicate column name (also column \(earlier))"))
            } else {
                firstPosition[name] = column
            }
            names.append(name)
            line += field.linesInside
            p = field.next
            if field.endsRow { break }
        }
        if problems.isEmpty, !names.isEmpty, names.allSatisfy({ looksNumeric($0) }) {
            problems.add(DataProblem(file: source, line: 1, value: names.prefix(3).joined(separator: ","),
                                     message: "the first line looks like data (every name is a number); a header row naming the columns is required"))
        }
        return (names, p, line + 1)
    }

    private static func looksNumeric(_ name: String) -> Bool {
        var bytes = Array(name.utf8)
        return bytes.withUnsafeMutableBufferPointer { b in
            guard let p = b.baseAddress else { return false }
            return NumberParser.parse(p, count: b.count) != nil
        }
    }

    /// Kinds for every column: the caller's where given, otherwise numeric when every
    /// non-missing cell of the first `options.inferenceRows` rows reads as a number (spellings
    /// of infinity and NaN count as numbers here, so they are reported rather than silently
    /// turning the column into text).
    static func inferKinds(_ scanner: CSVFieldScanner, names: [String], from start: Int,
                           options: CSVOptions, missing: MissingTokens) -> CSVLayout {
        let given = names.map { options.columnKinds[$0] }
        var numeric = given.map { $0 == nil }
        let base = scanner.base
        var p = start
        var rows = 0
        while p < scanner.count, rows < options.inferenceRows {
            if base[p] == CSVFieldScanner.lf || base[p] == CSVFieldScanner.cr {
                p = scanner.skipLineEnding(p)
                continue
            }
            var column = 0
            while true {
                let field = scanner.field(at: p)
                if column < names.count, numeric[column] {
                    numeric[column] = cellIsNumberLike(scanner, field, missing: missing)
                }
                column += 1
                p = field.next
                if field.endsRow { break }
            }
            rows += 1
        }
        let kinds = names.indices.map { c in given[c] ?? (numeric[c] ? ColumnKind.numeric : .text) }
        return CSVLayout(names: names, kinds: kinds, inferred: given.map { $0 == nil },
                         inferenceRows: options.inferenceRows)
    }

    private static func cellIsNumberLike(_ scanner: CSVFieldScanner, _ field: ScannedField, missing: MissingTokens) -> Bool {
        // A doubled quote can never be part of a number.
        if field.hasEscapedQuotes { return false }
        let (s, e) = trimSpaces(scanner.base, field.start, field.end)
        let p = scanner.base + s
        return NumberParser.parse(p, count: e - s) != nil || missing.matches(p, count: e - s)
            || NumberParser.isNonFiniteSpelling(p, count: e - s)
    }
}
