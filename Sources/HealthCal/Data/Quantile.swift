import Foundation

/// Order statistics of training values, computed exactly as numpy does so that frozen bounds and
/// imputed values match a pandas/numpy pipeline bit for bit (or to the last ulp).
enum OrderStatistics {
    /// numpy's default quantile (`method="linear"`, R type 7) of already-sorted values.
    ///
    /// Mirrors numpy 2.x: the virtual index is `(n - 1) * q` and the interpolation is numpy's `_lerp`, which for a fraction >= 0.5 interpolates from the upper
    /// neighbour so the result is exact at both ends.
    static func quantile(sorted x: [Double], _ q: Double) -> Double {
        let n = x.count
        precondition(n > 0, "quantile of no values")
        let virtualIndex = Double(n - 1) * q
        let previous = floor(virtualIndex)
        let gamma = virtualIndex - previous
        let lo = min(max(Int(previous), 0), n - 1)
        let hi = min(max(Int(previous) + 1, 0), n - 1)
        if virtualIndex < 0 { return x[0] }
        if virtualIndex >= Double(n - 1) { return x[n - 1] }
        let a = x[lo], b = x[hi]
        let diff = b - a
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
    }

    /// numpy's default quantile of `n` values given by their order statistics (`at(k)`, the
    /// k-th smallest, 0-based), reading at most two of them: for values that live elsewhere
    /// (the in-database fit fetches each with ORDER BY ... OFFSET k LIMIT 1). The same
    /// arithmetic as `quantile(sorted:_:)`, so the same bits from the same two values.
    static func quantile(count n: Int, _ q: Double, at: (Int) throws -> Double) rethrows -> Double {
        precondition(n > 0, "quantile of no values")
        let virtualIndex = Double(n - 1) * q
        let previous = floor(virtualIndex)
        let gamma = virtualIndex - previous
        if virtualIndex < 0 { return try at(0) }
        if virtualIndex >= Double(n - 1) { return try at(n - 1) }
        let lo = Int(previous)
        let a = try at(lo), b = try at(lo + 1)
        let diff = b - a
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
    }

    /// numpy's median of `n` values given by their order statistics (see `quantile(count:_:at:)`).
    static func median(count n: Int, at: (Int) throws -> Double) rethrows -> Double {
        precondition(n > 0, "median of no values")
        return n % 2 == 1 ? try at(n / 2) : (try at(n / 2 - 1) + at(n / 2)) / 2
    }

    /// The median as numpy computes it: the middle value, or the mean of the two middle values.
    static func median(sorted x: [Double]) -> Double {
        let n = x.count
        precondition(n > 0, "median of no values")
        return n % 2 == 1 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2
    }

    /// Arithmetic mean (plain left-to-right sum; agrees with numpy's pairwise sum to ~1e-15 relative).
    static func mean(_ x: [Double]) -> Double {
        x.reduce(0, +) / Double(x.count)
    }

    /// Population standard deviation (ddof 0) about `mean`, two-pass for accuracy.
    static func populationSD(_ x: [Double], mean: Double) -> Double {
        var s = 0.0
        for v in x {
            let d = v - mean
            s += d * d
        }
        return (s / Double(x.count)).squareRoot()
    }
}

/// The same order statistics by selection, without sorting: O(n) on average instead of
/// O(n log n), and bit-identical to the sorted versions (selection finds the very values that
/// sorting would put at those positions).
extension OrderStatistics {
    /// numpy's default quantile of `x`, which need not be sorted; reorders `x`.
    static func quantile(selecting x: inout [Double], _ q: Double) -> Double {
        let n = x.count
        precondition(n > 0, "quantile of no values")
        let virtualIndex = Double(n - 1) * q
        let previous = floor(virtualIndex)
        let gamma = virtualIndex - previous
        if virtualIndex < 0 { return orderStatistic(&x, 0) }
        if virtualIndex >= Double(n - 1) { return orderStatistic(&x, n - 1) }
        let lo = Int(previous)
        let a = orderStatistic(&x, lo)
        let b = minimum(x, from: lo + 1)   // x[lo + 1 ..< n] holds the values >= a
        let diff = b - a
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
    }

    /// numpy's median of `x`, which need not be sorted; reorders `x`.
    static func median(selecting x: inout [Double]) -> Double {
        let n = x.count
        precondition(n > 0, "median of no values")
        if n % 2 == 1 { return orderStatistic(&x, n / 2) }
        let a = orderStatistic(&x, n / 2 - 1)
        return (a + minimum(x, from: n / 2)) / 2
    }

    /// The k-th smallest value (0-based) of `x`, which has no NaN. Afterwards `x[k]` is that
    /// value, every element before it is <= it and every element after it is >= it (C++'s
    /// `nth_element`): quickselect with a median-of-three pivot and Hoare partitioning, which
    /// handles runs of equal values well; after 2 log2(n) + 8 rounds without converging it
    /// sorts what is left, so the worst case stays O(n log n).
    static func orderStatistic(_ x: inout [Double], _ k: Int) -> Double {
        precondition(k >= 0 && k < x.count, "order statistic out of range")
        var rounds = 2 * (Int.bitWidth - x.count.leadingZeroBitCount) + 8
        x.withUnsafeMutableBufferPointer { p in
            var lo = 0, hi = p.count - 1
            while hi > lo {
                rounds -= 1
                if rounds < 0 {
                    var rest = UnsafeMutableBufferPointer(rebasing: p[lo...hi])
                    rest.sort()
                    return
                }
                let mid = lo + (hi - lo) / 2
                if p[mid] < p[lo] { p.swapAt(mid, lo) }
                if p[hi] < p[lo] { p.swapAt(hi, lo) }
                if p[hi] < p[mid] { p.swapAt(hi, mid) }
                let pivot = p[mid]
                var i = lo, j = hi
                while i <= j {
                    while p[i] < pivot { i += 1 }
                    while p[j] > pivot { j -= 1 }
                    if i <= j {
                        p.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                // Now x[lo...j] <= pivot, x[i...hi] >= pivot and everything between equals it.
                if k <= j { hi = j } else if k >= i { lo = i } else { return }
            }
        }
        return x[k]
    }

    /// The smallest of `x[from...]`.
    static func minimum(_ x: [Double], from: Int) -> Double {
        var m = x[from]
        for v in x[(from + 1)...] where v < m { m = v }
        return m
    }
}
