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
