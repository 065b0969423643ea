import CLapack
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Row-parallel work over the cores: the n rows of a tall matrix are cut into contiguous chunks,
/// each chunk handled by one thread with single-threaded BLAS, and the small per-chunk results
/// summed. For the tall-skinny products of a Newton step (n ≫ p) this uses both cores better than
/// OpenBLAS's own threading of each small-k call.
public enum Parallel {
    /// Worker threads: the online cores, at most 8.
    public static let workers: Int = {
        // OpenBLAS threads would compete with ours; every large product here is split by rows.
        openblas_set_num_threads(1)
        #if canImport(Glibc)
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        let cores = 2
        #endif
        return max(1, min(cores, 8))
    }()

    /// Rows per chunk. Fixed, not derived from the core count, so that sums over chunks are
    /// added in the same order on every machine and a fit gives the same bits wherever it runs
    /// (with the same BLAS kernels).
    public static let chunkRows = 65_536

    /// The number of chunks `forEachChunk` cuts `count` rows into.
    public static func chunkCount(_ count: Int) -> Int { max(1, (count + chunkRows - 1) / chunkRows) }

    /// Cuts `range` into chunks of `chunkRows` rows and runs `body(chunkIndex, rows)` for each,
    /// spread over the cores; returns the number of chunks.
    @discardableResult
    public static func forEachChunk(of range: Range<Int>, _ body: @Sendable (Int, Range<Int>) -> Void) -> Int {
        _ = workers
        let count = chunkCount(range.count)
        let chunk: @Sendable (Int) -> Range<Int> = { k in
            let lo = range.lowerBound + k * chunkRows
            return lo..<min(range.upperBound, lo + chunkRows)
        }
        if count == 1 {
            body(0, range)
        } else {
            DispatchQueue.concurrentPerform(iterations: count) { k in body(k, chunk(k)) }
        }
        return count
    }
}

extension Parallel {
    /// `(0..<count).map(body)`, with the calls spread over the cores; results in index order.
    ///
    /// Each call initializes its own element of the result's storage, obtained once before the
    /// calls start, so no two calls touch the same memory. (Writing elements of one shared
    /// `[T]` from several threads, even at distinct indices, is a data race: each write goes
    /// through the array's uniqueness check.)
    public static func map<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        _ = workers
        guard count > 1 else { return count == 1 ? [body(0)] : [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let slots = Slots(base: base)
            DispatchQueue.concurrentPerform(iterations: count) { k in slots.base.advanced(by: k).initialize(to: body(k)) }
            initialized = count
        }
    }

    /// One `body(chunkIndex, rows)` result per chunk of `range` (the chunks of `forEachChunk`),
    /// in chunk order.
    public static func mapChunks<T>(of range: Range<Int>, _ body: @Sendable (Int, Range<Int>) -> T) -> [T] {
        map(chunkCount(range.count)) { k in
            let lo = range.lowerBound + k * chunkRows
            return body(k, lo..<min(range.upperBound, lo + chunkRows))
        }
    }

    /// The result storage handed to the workers of `map`; each initializes only its own element.
    private struct Slots<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>
    }
}

/// A mutable buffer that concurrent chunks write to at disjoint indices. The caller guarantees
/// no two chunks touch the same element.
public struct SharedBuffer: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Double>
    public init(_ base: UnsafeMutablePointer<Double>) { self.base = base }
}
