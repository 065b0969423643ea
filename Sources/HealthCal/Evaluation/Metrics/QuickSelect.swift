/// A few order statistics of an array without sorting it all (Hoare's selection with a
/// three-way partition, so runs of tied values cost nothing extra).
enum QuickSelect {
    /// `positions.map { x.sorted()[$0] }` for valid positions, in expected O(n log k) time for k
    /// positions. A range that will not shrink (more than 2 log₂ n partitions deep) is sorted
    /// instead, so the worst case stays O(n log n). `x` must hold no NaN.
    /// Large arrays first try `BracketSelect`, about one pass instead of several partitions.
    static func values(_ x: [Double], at positions: [Int]) -> [Double] {
        BracketSelect.values(x, at: positions) ?? partitioned(x, at: positions)
    }

    static func partitioned(_ x: [Double], at positions: [Int]) -> [Double] {
        let wanted = Array(Set(positions)).sorted()
        var a = x
        var found: [Int: Double] = [:]
        let depthLimit = 2 * (Int.bitWidth - a.count.leadingZeroBitCount) + 4
        // Pending ranges of `a` with the range of `wanted` positions that fall in them.
        var pending: [(lo: Int, hi: Int, wanted: Range<Int>, depth: Int)] = [(0, a.count, wanted.indices, 0)]
        while let (lo, hi, want, depth) = pending.popLast() {
            if want.isEmpty { continue }
            if hi - lo <= 32 || depth > depthLimit {
                a[lo..<hi].sort()
                for k in want { found[wanted[k]] = a[wanted[k]] }
                continue
            }
            let pivot = median(a[lo], a[(lo + hi) / 2], a[hi - 1])
            // a[lo..<lt] < pivot, a[lt..<gt] == pivot, a[gt..<hi] > pivot.
            var lt = lo, i = lo, gt = hi
            while i < gt {
                if a[i] < pivot {
                    a.swapAt(lt, i); lt += 1; i += 1
                } else if a[i] > pivot {
                    gt -= 1; a.swapAt(i, gt)
                } else {
                    i += 1
                }
            }
            let left = want.lowerBound + wanted[want].prefix { $0 < lt }.count
            let right = want.lowerBound + wanted[want].prefix { $0 < gt }.count
            for k in left..<right { found[wanted[k]] = a[wanted[k]] }
            pending.append((lo, lt, want.lowerBound..<left, depth + 1))
            pending.append((gt, hi, right..<want.upperBound, depth + 1))
        }
        return positions.map { found[$0] ?? .nan }
    }

    private static func median(_ a: Double, _ b: Double, _ c: Double) -> Double {
        max(min(a, b), min(max(a, b), c))
    }
}
