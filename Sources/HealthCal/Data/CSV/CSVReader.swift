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
                try read(base: file.base, count: file.count, source: path, options: options)
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

    static func read(base: UnsafePointer<UInt8>, count: Int, source: String, options: CSVOptions) throws(DataValidationError) -> Table {
        let scanner = CSVFieldScanner(base: base, count: count, delimiter: options.delimiter)
        var start = 0
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { start = 3 }

        var headerProblems = ProblemCollector()
        let header = CSVHeader.parse(scanner, at: start, source: source, problems: &headerProblems)
        try headerProblems.throwIfAny()
        let bodyStart = header.end
        let missing = MissingTokens(options.missingTokens)
        let inference = CSVHeader.inferKinds(scanner, names: header.names, from: bodyStart,
                                             options: options, missing: missing)
        let layout = inference.layout

        let splits = splitPoints(scanner, from: bodyStart, options: options)
        let bounds = [bodyStart] + splits + [count]
        let chunkCount = bounds.count - 1
        let estimatedRows = Int(Double(count - bodyStart) / max(inference.bytesPerRow, 1) * 1.05) + 16

        // The first chunk reserves room for the whole file, so that joining the others appends
        // in place (untouched reserved pages cost address space, not memory).
        func makeChunk(_ k: Int) -> CSVChunk {
            let share = k == 0 ? estimatedRows : estimatedRows / chunkCount + 16
            var chunk = CSVChunk(scanner: scanner, layout: layout, missing: missing, source: source,
                                 start: bounds[k], line: k == 0 ? header.nextLine : 0, reservedRows: share)
            chunk.parse(until: bounds[k + 1])
            return chunk
        }

        var merged: CSVChunk
        if chunkCount == 1 {
            merged = makeChunk(0)
        } else {
            let jobs = ChunkJobs(count: chunkCount, make: makeChunk)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { k in
                jobs.run(k)
            }
            // Moved, not copied, so that appending the other chunks finds its columns unshared.
            merged = jobs.take(0) ?? makeChunk(0)
            for k in 1..<chunkCount {
                if merged.isStopped { break }
                guard let next = jobs.take(k) else { continue }
                if merged.position == next.start {
                    merged.absorb(next)
                } else {
                    // The split fell inside a quoted field: this chunk's rows are wrong, so the
                    // one before it carries on serially over that stretch instead.
                    merged.parse(until: bounds[k + 1])
                }
            }
        }

        var problems = ProblemCollector()
        for problem in merged.problems { problems.add(problem) }
        try problems.throwIfAny()

        // Table's convention: no row lines means row r starts on line r + 2.
        if merged.firstLine != 2 { merged.makeRowLinesExplicit() }
        let regular = merged.rowLinesAreImplicit || merged.rowLines.enumerated().allSatisfy { $0.element == $0.offset + 2 }
        return Table(source: source, names: layout.names, columns: merged.columns(),
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
    /// special file); a problem naming the path when it cannot be read.
    static func readFile(_ path: String) throws(DataValidationError) -> [UInt8] {
        func failure(_ what: String) -> DataValidationError {
            let reason = String(cString: strerror(errno))
            return DataValidationError(problems: [DataProblem(file: path, message: "\(what): \(reason)")])
        }
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw failure("cannot open the file") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = block.withUnsafeMutableBytes { b in systemRead(fd, b.baseAddress, b.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read the file")
            }
            if n == 0 { break }
            bytes.append(contentsOf: block[0..<n])
        }
        return bytes
    }
}

#if canImport(Glibc)
private let systemRead = Glibc.read
#elseif canImport(Musl)
private let systemRead = Musl.read
#elseif canImport(Darwin)
private let systemRead = Darwin.read
#endif

/// Hands the chunk parser and one result slot per chunk to the worker threads.
///
/// Unchecked because the compiler cannot see two facts that make it safe: the bytes the
/// parser reads are not mutated while the workers run, and worker k writes only slot k, which
/// is read after `concurrentPerform` has returned.
private final class ChunkJobs: @unchecked Sendable {
    private let make: (Int) -> CSVChunk
    private let slots: UnsafeMutableBufferPointer<CSVChunk?>

    init(count: Int, make: @escaping (Int) -> CSVChunk) {
        self.make = make
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    func run(_ k: Int) { slots[k] = make(k) }

    func take(_ k: Int) -> CSVChunk? { slots[k].take() }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }
}
