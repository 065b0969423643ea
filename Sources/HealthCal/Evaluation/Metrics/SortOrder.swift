/// Row orders by score, shared by the rank-based metrics.
enum SortOrder {
    private struct Pair { var value: Double; var row: Int }

    /// Below this many rows a comparison sort is faster than the radix sort's fixed passes.
    static let radixThreshold = 2_048

    /// The rows (all, or `rows` in the order given) ordered by `x`, ascending or descending.
    /// Stable: tied values keep the order of `rows`, as sorting the indices directly would.
    /// `x` must hold no NaN (every metric validates that first). Large inputs take an LSD radix
    /// sort (`RadixSort`), small ones a comparison sort of contiguous (value, row) pairs; both
    /// give the same order.
    static func rows(by x: [Double], descending: Bool, rows: [Int]? = nil) -> [Int] {
        let count = rows?.count ?? x.count
        if count >= radixThreshold { return RadixSort.rows(by: x, descending: descending, rows: rows) }
        return comparisonSorted(by: x, descending: descending, rows: rows)
    }

    /// The comparison sort; kept callable so tests can check the radix sort against it.
    /// Sorting contiguous pairs avoids a random read of `x` on every comparison.
    static func comparisonSorted(by x: [Double], descending: Bool, rows: [Int]? = nil) -> [Int] {
        var pairs = (rows ?? Array(x.indices)).map { Pair(value: x[$0], row: $0) }
        if descending { pairs.sort { $0.value > $1.value } } else { pairs.sort { $0.value < $1.value } }
        return pairs.map(\.row)
    }

    /// The rows grouped by an integer key in 0..<buckets (a customer code, say), by one stable
    /// counting sort: the rows of key k are `order[start[k]..<start[k + 1]]`, in input order.
    static func grouped(by key: [Int32], buckets: Int) -> (order: [Int], start: [Int]) {
        var start = [Int](repeating: 0, count: buckets + 1)
        for k in key { start[Int(k) + 1] += 1 }
        for k in 0..<buckets { start[k + 1] += start[k] }
        var next = start
        var order = [Int](repeating: 0, count: key.count)
        for (i, k) in key.enumerated() {
            order[next[Int(k)]] = i
            next[Int(k)] += 1
        }
        return (order, start)
    }
}
