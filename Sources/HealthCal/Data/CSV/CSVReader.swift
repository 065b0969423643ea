import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a delimited text file into a `Table`, straight from bytes.
///
/// Numbers go from the bytes into `[Double]` columns without a String per cell (see
/// `NumberParser`), text columns are dictionary-encoded by hashing the bytes, and on more than
/// one core the body is split at line boundaries and the pieces are parsed concurrently, with
/// the same result as one pass. Every problem found (at most `DataValidationError.limit`) is
/// thrown together, each with file, line, column position, column name and value.
public enum CSVReader {
    /// Reads the file at `path` (memory-mapped, or read whole when it cannot be mapped).
    public static func read(path: String, options: CSVOptions = CSVOptions()) throws(DataValidationError) -> Table {
        if let file = MappedFile(path: path) {
            return try withExtendedLifetime(file) { () throws(DataValidationError) -> Table in
                try read(base: file.base, count: file.count, source: path, options: options, mapped: true)
            }
        }
        let bytes = try readFile(path)
        return try read(bytes: bytes, source: path, options: options)
    }

    /// Reads CSV held in memory; `source` names it in problems (a path, or "<stdin>").
    public static func read(bytes: [UInt8], source: String, options: CSVOptions = CSVOptions()) throws(DataValidationError) -> Table {
        let result: Result<Table, DataValidationError> = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                return .failure(DataValidationError(problems: [DataProblem(
                    file: source, line: 1, message: "the file is empty; a header row naming the columns is required")]))
            }
            return Result { () throws(DataValidationError) -> Table in
                try read(base: base, count: buffer.count, source: source, options: options)
            }
        }
        return try result.get()
    }

    /// `mapped`: the bytes are a `MappedFile`'s, whose pages may be released once parsed.
    static func read(base: UnsafePointer<UInt8>, count: Int, source: String, options: CSVOptions,
                     mapped: Bool = false) throws(DataValidationError) -> Table {
        let scanner = CSVFieldScanner(base: base, count: count, delimiter: options.delimiter)
        var start = 0
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { start = 3 }

        var headerProblems = ProblemCollector()
        let header = CSVHeader.parse(scanner, at: start, source: source, problems: &headerProblems)
        try headerProblems.throwIfAny()
        let bodyStart = header.end
        let missing = MissingTokens(options.missingTokens)
        let layout = CSVHeader.inferKinds(scanner, names: header.names, from: bodyStart,
                                          options: options, missing: missing)

        let splits = splitPoints(scanner, from: bodyStart, options: options)
        let bounds = [bodyStart] + splits + [count]
        let chunkCount = bounds.count - 1
        let lineEndings = PerChunk<Int>(count: chunkCount) { k in
            CSVRowSlots.lineEndings(scanner, from: bounds[k], to: bounds[k + 1])
        }.runAll()
        let slots = CSVRowSlots.firstRows(lineEndings: lineEndings)

        var merged: CSVChunk?
        let built = CSVColumnBuffers.build(numericCount: layout.numericCount, codeCount: layout.textCount,
                                           capacity: slots.capacity) { columns in
            func makeChunk(_ k: Int) -> CSVChunk {
                var chunk = CSVChunk(scanner: scanner, layout: layout, missing: missing, source: source,
                                     start: bounds[k], line: k == 0 ? header.nextLine : 0,
                                     columns: columns, firstRow: slots.firstRows[k],
                                     releaseStep: mapped ? options.bytesPerPageRelease : nil)
                chunk.parse(until: bounds[k + 1])
                return chunk
            }
            var first: CSVChunk
            if chunkCount == 1 {
                first = makeChunk(0)
            } else {
                let chunks = PerChunk<CSVChunk>(count: chunkCount, make: makeChunk).runAll()
                first = chunks[0]
                for k in 1..<chunkCount {
                    if first.isStopped { break }
                    let next = chunks[k]
                    if first.position == next.start {
                        first.absorb(next)
                    } else {
                        // The split fell inside a quoted field: this chunk's rows are wrong, so the
                        // one before it carries on serially over that stretch instead (writing
                        // over the rows it left, which the line-ending count leaves room for).
                        first.parse(until: bounds[k + 1])
                    }
                }
            }
            merged = first
            return first.rowCount
        }
        guard var merged else { preconditionFailure("the columns were built without parsing") }

        var problems = ProblemCollector()
        for problem in merged.problems { problems.add(problem) }
        try problems.throwIfAny()

        // Table's convention: no row lines means row r starts on line r + 2.
        if merged.firstLine != 2 { merged.makeRowLinesExplicit() }
        let regular = merged.rowLinesAreImplicit || merged.rowLines.enumerated().allSatisfy { $0.element == $0.offset + 2 }
        let columns: [Column] = layout.kinds.indices.map { c in
            let slot = layout.slots[c]
            switch layout.kinds[c] {
            case .numeric: return .numeric(built.numeric[slot])
            case .text: return .text(TextColumn(codes: built.codes[slot], levels: merged.dictionaries[slot].levels))
            }
        }
        return Table(source: source, names: layout.names, columns: columns,
                     rowCount: merged.rowCount, rowLines: regular ? [] : merged.rowLines)
    }

    /// Where the body is cut for the cores: just after a line ending near each even share.
    /// Whether the cut is really between rows (not inside a quoted field) is only known once
    /// the chunk before it has been parsed; the merge checks it and falls back when it is not.
    static func splitPoints(_ scanner: CSVFieldScanner, from start: Int, options: CSVOptions) -> [Int] {
        let body = scanner.count - start
        let threads = min(max(options.threads, 1), max(1, body / max(options.minimumBytesPerThread, 1)))
        guard threads > 1 else { return [] }
        var points: [Int] = []
        var previous = start
        for k in 1..<threads {
            var p = max(start + body / threads * k, previous)
            while p < scanner.count, scanner.base[p] != CSVFieldScanner.lf { p += 1 }
            p += 1
            if p >= scanner.count { break }
            if p > previous {
                points.append(p)
                previous = p
            }
        }
        return points
    }

    /// The whole file in memory, for what cannot be mapped (a pipe such as /dev/stdin, a
    /// special file); a problem naming the path when it cannot be read (`InputFile`).
    static func readFile(_ path: String) throws(DataValidationError) -> [UInt8] {
        do { return try InputFile.read(path) } catch {
            throw DataValidationError(problems: [DataProblem(file: path, message: error.reason)])
        }
    }
}


/// Runs one job per chunk on the cores and collects the results in chunk order.
///
/// Unchecked because the compiler cannot see two facts that make it safe: the bytes the jobs
/// read are not mutated while they run, and job k writes only slot k, which is read after
/// `concurrentPerform` has returned.
private final class PerChunk<Result>: @unchecked Sendable {
    private let make: (Int) -> Result
    private let slots: UnsafeMutableBufferPointer<Result?>

    init(count: Int, make: @escaping (Int) -> Result) {
        self.make = make
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    /// Every chunk's result; concurrently when there is more than one chunk.
    func runAll() -> [Result] {
        if slots.count == 1 {
            slots[0] = make(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: slots.count) { k in
                slots[k] = make(k)
            }
        }
        return slots.indices.map { k in
            guard let result = slots[k].take() else { preconditionFailure("chunk \(k) did not run") }
            return result
        }
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }
}
