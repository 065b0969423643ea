/// Parses the rows of one stretch of the bytes into column buffers.
///
/// A chunk starts at a row boundary and parses whole rows until its row start reaches a limit.
/// The reader runs one chunk per core on speculative split points and then joins them in order
/// (`CSVChunk+Merge.swift`). Lines are counted from the chunk's own start, so a later chunk's
/// lines and problems are shifted once the chunk before it has been counted.
struct CSVChunk {
    let scanner: CSVFieldScanner
    let layout: CSVLayout
    let missing: MissingTokens
    let source: String

    /// The chunk's start, fixed; `position` is where parsing continues.
    let start: Int
    var position: Int
    /// 1-based line of `position` (for a chunk after the first: counted from 0 at `start`).
    var line: Int

    /// The final columns; this chunk's rows go to `firstRow...` in them.
    let columns: CSVColumnBuffers
    let firstRow: Int
    var dictionaries: [TextDictionary]
    /// The line on which each row starts, kept only once some row does not start on
    /// `firstLine + row` (a quoted field spanned lines, or a blank line was skipped): in the
    /// usual file every row is one line, and 8 bytes per row would be spent for nothing.
    var rowLines: [Int] = []
    var rowLinesAreImplicit = true
    /// The line of `start`: where the first row starts when every row is one line.
    let firstLine: Int
    var rowCount = 0
    /// Problems in file order, at most `DataValidationError.limit + 1`: one more than is kept
    /// tells the final collector that there were more.
    var problems: [DataProblem] = []
    /// The problems that report a text value's invalid UTF-8 (by index into `problems`), with the
    /// value's column slot and code: reported once, where the value first appears, so `absorb`
    /// drops a later chunk's report of a value this chunk already has.
    var invalidText: [(problem: Int, slot: Int, code: Int32)] = []
    /// Reused for quoted cells whose doubled quotes must be collapsed.
    private var scratch: [UInt8] = []
    /// Whether `plainNumber` may be used: not when a missing token is itself a number (it must
    /// be matched first), nor when the delimiter could be part of a number (`.` or a digit).
    private let numbersInOnePass: Bool
    /// Whether the bytes are a `MappedFile`'s, whose pages are released once parsed (see
    /// `MappedFile.releasePages`), every how many bytes, and how far they have been.
    private let releasesPages: Bool
    private let releaseStep: Int
    private var releasedUpTo: Int

    var isStopped: Bool { problems.count > DataValidationError.limit }

    init(scanner: CSVFieldScanner, layout: CSVLayout, missing: MissingTokens, source: String,
         start: Int, line: Int, columns: CSVColumnBuffers, firstRow: Int, releaseStep: Int? = nil) {
        self.scanner = scanner
        self.layout = layout
        self.missing = missing
        self.source = source
        self.start = start
        self.position = start
        self.line = line
        self.firstLine = line
        self.columns = columns
        self.firstRow = firstRow
        self.releasesPages = releaseStep != nil
        self.releaseStep = max(releaseStep ?? 0, 1)
        self.releasedUpTo = start
        dictionaries = Array(repeating: TextDictionary(), count: layout.textCount)
        numbersInOnePass = !missing.includesNumbers && !"0123456789.+-eE".utf8.contains(scanner.delimiter)
    }

    /// Parses rows while the next row starts before `limit` (a row that starts before it is
    /// finished even when it runs past it), or until too many problems were found.
    mutating func parse(until limit: Int) {
        let base = scanner.base
        let columnCount = layout.columnCount
        while position < limit, !isStopped {
            if releasesPages, position - releasedUpTo >= releaseStep { releasePassedPages() }
            let first = base[position]
            if first == CSVFieldScanner.lf || first == CSVFieldScanner.cr {
                // A blank line is not a row (as in pandas); rowLines keeps later rows' lines right.
                position = scanner.skipLineEnding(position)
                line += 1
                continue
            }
            let rowLine = line
            precondition(firstRow + rowCount < columns.capacity, "more rows than line endings")
            var column = 0
            var p = position
            var firstExtra: ScannedField?
            while true {
                if column < columnCount, layout.kinds[column] == .numeric, let next = plainNumber(at: p, column: column) {
                    column += 1
                    p = next.position
                    if next.endsRow { break }
                    continue
                }
                let field = scanner.field(at: p)
                let cellLine = line
                if column < columnCount {
                    store(field, column: column, line: cellLine)
                } else if firstExtra == nil {
                    firstExtra = field
                }
                if let problem = field.problem {
                    report(problem, field: field, column: column, line: cellLine)
                }
                line += field.linesInside
                column += 1
                p = field.next
                if field.endsRow { break }
            }
            if column != columnCount {
                raggedRow(found: column, line: rowLine, firstExtra: firstExtra)
                for c in column..<max(column, columnCount) { storeMissing(column: c) }
            }
            if !rowLinesAreImplicit {
                rowLines.append(rowLine)
            } else if rowLine != firstLine + rowCount {
                makeRowLinesExplicit()
                rowLines.append(rowLine)
            }
            rowCount += 1
            // At the end of the bytes there may be no line ending; the count no longer matters.
            line += 1
            position = p
        }
        if releasesPages { releasePassedPages() }
    }

    private mutating func releasePassedPages() {
        MappedFile.releasePages(scanner.base, from: releasedUpTo, to: position)
        releasedUpTo = position
    }

    /// The common numeric cell, an unquoted finite number right up to the delimiter, parsed in
    /// the pass that finds its end; nil (nothing stored) for anything else, which the general
    /// path then reads and reports.
    @inline(__always)
    private mutating func plainNumber(at p: Int, column: Int) -> (position: Int, endsRow: Bool)? {
        let base = scanner.base, count = scanner.count
        guard p < count, numbersInOnePass else { return nil }
        let first = base[p]
        guard first &- 48 <= 9 || first == UInt8(ascii: "-") || first == UInt8(ascii: ".") else { return nil }
        let number = NumberParser.scan(base + p, count: count - p)
        guard let value = number.value, value.isFinite else { return nil }
        let end = p + number.end
        let next: (position: Int, endsRow: Bool)
        if end == count {
            next = (end, true)
        } else {
            let b = base[end]
            if b == scanner.delimiter {
                next = (end + 1, false)
            } else if b == CSVFieldScanner.lf || b == CSVFieldScanner.cr {
                next = (scanner.skipLineEnding(end), true)
            } else {
                return nil
            }
        }
        numericCell(layout.slots[column]).pointee = value
        return next
    }

    /// Writes out the lines of the rows so far, which all start on `firstLine + row`.
    mutating func makeRowLinesExplicit() {
        guard rowLinesAreImplicit else { return }
        rowLines = Array(firstLine..<(firstLine + rowCount))
        rowLinesAreImplicit = false
    }

    /// This row's cell in numeric column `slot`: rows are written straight into the final
    /// columns (a batch of rows copied over per 1024 rows cost a 270 MB copy on the benchmark).
    @inline(__always)
    private func numericCell(_ slot: Int) -> UnsafeMutablePointer<Double> { columns.numeric[slot] + (firstRow + rowCount) }

    /// This row's cell in code column `slot`.
    @inline(__always)
    private func codeCell(_ slot: Int) -> UnsafeMutablePointer<Int32> { columns.codes[slot] + (firstRow + rowCount) }

    // MARK: - Cells

    @inline(__always)
    private mutating func store(_ field: ScannedField, column: Int, line: Int) {
        if field.hasEscapedQuotes {
            var buffer = scratch
            scratch = []
            buffer.removeAll(keepingCapacity: true)
            Self.collapseQuotes(scanner.base, field.start, field.end, into: &buffer)
            buffer.withUnsafeBufferPointer { b in
                if let p = b.baseAddress {
                    storeContent(p, 0, b.count, column: column, line: line)
                } else {
                    storeMissing(column: column)
                }
            }
            scratch = buffer
        } else {
            storeContent(scanner.base, field.start, field.end, column: column, line: line)
        }
    }

    @inline(__always)
    private mutating func storeContent(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, column: Int, line: Int) {
        let slot = layout.slots[column]
        let (s, e) = trimSpaces(base, start, end)
        switch layout.kinds[column] {
        case .numeric:
            if missing.includesNumbers, missing.matches(base + s, count: e - s) {
                numericCell(slot).pointee = .nan
            } else if let value = NumberParser.parse(base + s, count: e - s) {
                if value.isFinite {
                    numericCell(slot).pointee = value
                } else {
                    add(line: line, column: column, value: Self.text(base, start, end),
                        message: "number is too large for a Double (overflows to infinity)")
                    numericCell(slot).pointee = .nan
                }
            } else {
                numericCell(slot).pointee = .nan
                if !missing.matches(base + s, count: e - s) {
                    nonNumber(base, start, end, trimmed: (s, e), column: column, line: line)
                }
            }
        case .text:
            if missing.matches(base + s, count: e - s) {
                codeCell(slot).pointee = -1
                return
            }
            let found = dictionaries[slot].code(of: base + start, count: end - start)
            codeCell(slot).pointee = found.code
            if found.isNew, !found.isValidUTF8 {
                let index = problems.count
                add(line: line, column: column, value: Self.text(base, start, end), message: "invalid UTF-8")
                if problems.count > index { invalidText.append((index, slot, found.code)) }
            }
        }
    }

    private mutating func nonNumber(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, trimmed: (Int, Int),
                                    column: Int, line: Int) {
        let value = Self.text(base, start, end)
        if NumberParser.isNonFiniteSpelling(base + trimmed.0, count: trimmed.1 - trimmed.0) {
            add(line: line, column: column, value: value,
                message: "expected a finite number (infinity and NaN are not values; leave the cell empty if it is missing)")
            return
        }
        var message = "expected a number"
        if !TextDictionary.isValidUTF8(UnsafeBufferPointer(start: base + start, count: end - start)) {
            message += " (and the cell is not valid UTF-8)"
        } else if layout.inferred[column] {
            message += " (the column was read as numeric because its first \(layout.inferenceRows) rows are; "
                + "name it in columnKinds as text to read it as text)"
        }
        add(line: line, column: column, value: value, message: message)
    }

    @inline(__always)
    private mutating func storeMissing(column: Int) {
        let slot = layout.slots[column]
        switch layout.kinds[column] {
        case .numeric: numericCell(slot).pointee = .nan
        case .text: codeCell(slot).pointee = -1
        }
    }

    static func collapseQuotes(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, into out: inout [UInt8]) {
        var i = start
        while i < end {
            let b = base[i]
            out.append(b)
            i += (b == CSVFieldScanner.quote && i + 1 < end && base[i + 1] == CSVFieldScanner.quote) ? 2 : 1
        }
    }

    static func text(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: max(0, end - start)), as: UTF8.self)
    }

    // MARK: - Problems

    private mutating func add(line: Int, column: Int, value: String?, message: String) {
        guard !isStopped else { return }
        let name = column < layout.columnCount ? layout.names[column] : nil
        problems.append(DataProblem(file: source, line: line, column: column + 1, columnName: name,
                                    value: value, message: message))
    }

    private mutating func report(_ problem: FieldProblem, field: ScannedField, column: Int, line: Int) {
        let value = Self.text(scanner.base, field.start, min(field.end, field.start + 80))
        switch problem {
        case .unterminatedQuote:
            add(line: line, column: column, value: value,
                message: "quoted field is not closed before the end of the file")
        case .textAfterClosingQuote:
            add(line: line, column: column, value: value,
                message: "text after the closing quote (a quote inside a quoted field must be doubled: \"\")")
        }
    }

    private mutating func raggedRow(found: Int, line: Int, firstExtra: ScannedField?) {
        let expected = layout.columnCount
        guard !isStopped else { return }
        let message = "expected \(expected) fields, found \(found)"
        if found > expected, let extra = firstExtra {
            problems.append(DataProblem(file: source, line: line, column: expected + 1, columnName: nil,
                                        value: Self.text(scanner.base, extra.start, extra.end), message: message))
        } else {
            problems.append(DataProblem(file: source, line: line, column: found + 1,
                                        columnName: found < expected ? layout.names[found] : nil,
                                        value: nil, message: message))
        }
    }
}
