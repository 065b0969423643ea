/// A few order statistics of a large array in about one pass (Floyd & Rivest's idea): a sorted
/// sample brackets each wanted position between two values; one pass counts the values below
/// each bracket and collects those inside; the small brackets are sorted. Exact: the value at
/// sorted position q is the (q − below)-th of its bracket, sorted. When a bracket misses its
/// position (a sample far from typical, e.g. adversarial orders), it returns nil and the caller
/// selects by partitioning (`QuickSelect`).
enum BracketSelect {
    /// Below this many values, or above this many positions, partitioning is as fast.
    static let minimumCount = 65_536
    static let maximumPositions = 64

    /// `positions.map { x.sorted()[$0] }`, or nil when a bracket missed. `x` holds no NaN.
    static func values(_ x: [Double], at positions: [Int]) -> [Double]? {
        let n = x.count
        let wanted = Array(Set(positions)).sorted()
        guard n >= minimumCount, wanted.count <= maximumPositions, let first = wanted.first, let last = wanted.last,
              first >= 0, last < n else { return nil }
        // An evenly strided sample of m ≈ n/16 values. A position's rank in a random sample of
        // m has a standard deviation of at most √m/2, so ±2√m sample ranks (4 SD) hold it
        // nearly always; a strided sample of an ordered array does better than random.
        let stride = 16
        var sample = Swift.stride(from: 0, to: n, by: stride).map { x[$0] }
        sample.sort()
        let m = sample.count
        let d = 2 * Int(Double(m).squareRoot())
        // Brackets [lo, hi] (inclusive), merged where they overlap: disjoint and ascending.
        var lo: [Double] = [], hi: [Double] = []
        for q in wanted {
            let r = q * m / n
            // At the ends the bracket is open: the sample's extremes are not the array's.
            let l = r - d > 0 ? sample[r - d] : -.infinity, h = r + d < m - 1 ? sample[r + d] : .infinity
            if let last = hi.last, l <= last { hi[hi.count - 1] = max(last, h) } else { lo.append(l); hi.append(h) }
        }
        // One pass: the gap (between brackets) or the bracket of each value.
        let k = lo.count
        var gapCount = [Int](repeating: 0, count: k + 1)
        var inside = [[Double]](repeating: [], count: k)
        x.withUnsafeBufferPointer { xs in
            for v in xs {
                var j = 0
                while j < k && hi[j] < v { j += 1 }
                if j < k && lo[j] <= v { inside[j].append(v) } else { gapCount[j] += 1 }
            }
        }
        // Values below each bracket, then each wanted position inside its bracket.
        var found: [Int: Double] = [:]
        var below = 0
        for j in 0..<k {
            below += gapCount[j]
            let size = inside[j].count
            inside[j].sort()
            for q in wanted where q >= below && q < below + size { found[q] = inside[j][q - below] }
            below += size
        }
        guard found.count == wanted.count else { return nil }
        return positions.map { found[$0] ?? .nan }
    }
}
