#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The table's final column arrays while the chunks write into them, as raw pointers.
///
/// Each chunk writes its rows straight into its own stretch of the final columns (see
/// `CSVRowSlots`), instead of into columns of its own that are appended afterwards: that would
/// copy the later chunks' cells, fault in their pages twice and, for a moment, hold them twice.
/// Unchecked Sendable because the chunks write disjoint row ranges, and the merge runs after them.
struct CSVColumnBuffers: @unchecked Sendable {
    let numeric: [UnsafeMutablePointer<Double>]
    let codes: [UnsafeMutablePointer<Int32>]
    /// Rows each column has room for.
    let capacity: Int

    /// Builds the numeric and code columns, `capacity` rows each and uninitialized (no zeroing
    /// pass: every row kept is written), lets `fill` write them and return how many rows it
    /// wrote, and gives every array that length.
    static func build(numericCount: Int, codeCount: Int, capacity: Int,
                      _ fill: (CSVColumnBuffers) -> Int) -> (numeric: [[Double]], codes: [[Int32]]) {
        var codes: [[Int32]] = []
        let numeric = uninitializedArrays(count: numericCount, capacity: capacity) { numeric in
            var rows = 0
            codes = uninitializedArrays(count: codeCount, capacity: capacity) { codes in
                rows = fill(CSVColumnBuffers(numeric: numeric, codes: codes, capacity: capacity))
                precondition(rows >= 0 && rows <= capacity, "more rows than the columns have room for")
                return rows
            }
            return rows
        }
        return (numeric, codes)
    }

    /// `count` arrays whose storage is handed to `body` while it is still uninitialized; each
    /// array gets the length `body` returns. The arrays are nested (array k is built inside
    /// array k - 1's initializer), so every pointer is used only while its initializer runs.
    private static func uninitializedArrays<T>(count: Int, capacity: Int,
                                               _ body: ([UnsafeMutablePointer<T>]) -> Int) -> [[T]] {
        var pointers: [UnsafeMutablePointer<T>] = []
        var length = 0
        func nest(_ k: Int) -> [[T]] {
            if k == count {
                length = body(pointers)
                return []
            }
            var rest: [[T]] = []
            let array = [T](unsafeUninitializedCapacity: max(capacity, 1)) { buffer, initialized in
                guard let start = buffer.baseAddress else { preconditionFailure("no storage") }
                adviseHugePages(start, bytes: buffer.count * MemoryLayout<T>.stride)
                pointers.append(start)
                rest = nest(k + 1)
                initialized = length
            }
            return [array] + rest
        }
        return nest(0)
    }

    /// Moves rows `from..<from + count` to start at row `to`, in every column (ranges may overlap).
    func moveRows(from: Int, to: Int, count: Int) {
        guard from != to, count > 0 else { return }
        for column in numeric { memmove(column + to, column + from, count * MemoryLayout<Double>.stride) }
        for column in codes { memmove(column + to, column + from, count * MemoryLayout<Int32>.stride) }
    }
}
