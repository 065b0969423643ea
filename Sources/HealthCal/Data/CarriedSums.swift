import Foundation

/// What the fits of a panel's growing first rows (a backtest's folds, then the final fit:
/// `DesignStorage.carriedSums`) keep of each numeric feature's raw column, so that each reads
/// only the rows the previous one did not: with an expanding window a fold trains on the
/// previous fold's rows plus a period's more, in a panel sorted by period.
///
/// - The encoder's first-pass sums (`PresentSums.Prefix`): continued with the same additions as
///   a sum from the first row, so the same bits.
/// - The extremes of the present values per class (`ClassExtremes`), from which the design's
///   per-class column ranges follow without a pass over the design (`FittedFeature.designRange`).
///
/// An entry is used only for the same feature, raw column (by address), first row and clip
/// bounds, and only when the new run is at least as long; anything else starts from the first
/// row. Features are fitted on several threads: the entries are behind a lock (a pthread mutex,
/// `NSLock`: the thread sanitizer sees its ordering, which it cannot see through the futex of
/// Synchronization's `Mutex` and so reported these writes as races).
public final class CarriedSums: @unchecked Sendable {
    private struct Key: Equatable {
        var column: Int
        var first: Int
        var lower: Double
        var upper: Double
    }

    private struct Entry {
        var key: Key
        var prefix: PresentSums.Prefix
        var extremes: ClassExtremes
    }

    private let lock = NSLock()
    private var table: [String: Entry] = [:]
    private var entries: Entries { Entries(owner: self) }

    /// `withLock` over the table, in the shape `Mutex` had.
    private struct Entries {
        let owner: CarriedSums
        func withLock<T>(_ body: (inout [String: Entry]) -> T) -> T {
            owner.lock.lock()
            defer { owner.lock.unlock() }
            return body(&owner.table)
        }
    }

    public init() {}

    /// `PresentSums.sum(values[first..<first + count], lower:, upper:)`, reading only the values
    /// beyond what an earlier call for `feature` on the same run start already summed; the
    /// extremes are kept up to date on the way (`outcome` is the panel's, indexed like `values`).
    func sum(feature: String, values: UnsafeBufferPointer<Double>, first: Int, count: Int,
             lower: Double, upper: Double, outcome: UnsafeBufferPointer<Double>) -> PresentSums.Prefix {
        let run = UnsafeBufferPointer(rebasing: values[first..<(first + count)])
        let key = Key(column: Int(bitPattern: values.baseAddress), first: first, lower: lower, upper: upper)
        let known = entries.withLock { $0[feature] }.flatMap { $0.key == key && $0.prefix.end <= count ? $0 : nil }
        let prefix = PresentSums.sum(run, lower: lower, upper: upper, continuing: known?.prefix ?? PresentSums.Prefix())
        var extremes = known?.extremes ?? ClassExtremes()
        for i in (known?.prefix.end ?? 0)..<count { extremes.add(run[i], churned: outcome[first + i] == 1) }
        let entry = Entry(key: key, prefix: prefix, extremes: extremes)
        entries.withLock { $0[feature] = entry }
        return prefix
    }

    /// The extremes of `feature`'s raw values over exactly `values[first..<first + count]`,
    /// when the last `sum` for it covered that run.
    func extremes(feature: String, values: UnsafeBufferPointer<Double>, first: Int, count: Int) -> ClassExtremes? {
        let column = Int(bitPattern: values.baseAddress)
        return entries.withLock { $0[feature] }.flatMap {
            $0.key.column == column && $0.key.first == first && $0.prefix.end == count ? $0.extremes : nil
        }
    }
}

/// The smallest and largest present (not NaN) raw value among non-churners (0) and churners
/// (1), and how many of each are missing.
struct ClassExtremes: Sendable, Equatable {
    var min0 = Double.infinity, max0 = -Double.infinity, min1 = Double.infinity, max1 = -Double.infinity
    var missing0 = 0, missing1 = 0

    @inline(__always)
    mutating func add(_ x: Double, churned: Bool) {
        if x.isNaN {
            if churned { missing1 += 1 } else { missing0 += 1 }
        } else if churned {
            if x < min1 { min1 = x }
            if x > max1 { max1 = x }
        } else {
            if x < min0 { min0 = x }
            if x > max0 { max0 = x }
        }
    }
}

extension FittedFeature {
    /// The per-class ranges of the value column and of the missing indicator that `fillRun`
    /// writes for a run whose raw values have `extremes`: each written cell is clip(x), or the
    /// impute value for a missing x, then (· − center) / scale. Each of these steps is monotone
    /// in IEEE arithmetic (rounding never reverses an order; the scale is positive), so a class's
    /// smallest cell is the image of its smallest raw value (or the impute value, when it has
    /// missing cells), and likewise for the largest: the bounds a scan of the column finds.
    /// nil when a bound is not finite (then the scan names the cell).
    func designRange(_ e: ClassExtremes, rows0: Int, rows1: Int) -> (value: LogisticRegression.ColumnRange, indicator: LogisticRegression.ColumnRange)? {
        guard let impute = imputeValue, transform != .log1p else { return nil }
        let lo = lower ?? -.infinity, hi = upper ?? .infinity
        let standardize = center != nil && scale != nil, c = center ?? 0, s = scale ?? 1
        func cell(_ x: Double) -> Double {
            var y = x
            if y < lo { y = lo }
            if y > hi { y = hi }
            return standardize ? (y - c) / s : y
        }
        let imputed = standardize ? (impute - c) / s : impute
        func bounds(_ min: Double, _ max: Double, missing: Int, rows: Int) -> (Double, Double) {
            var (a, b) = rows - missing > 0 ? (cell(min), cell(max)) : (Double.infinity, -Double.infinity)
            if missing > 0 { a = Swift.min(a, imputed); b = Swift.max(b, imputed) }
            return (a, b)
        }
        let (min0, max0) = bounds(e.min0, e.max0, missing: e.missing0, rows: rows0)
        let (min1, max1) = bounds(e.min1, e.max1, missing: e.missing1, rows: rows1)
        let value = LogisticRegression.ColumnRange(min0: min0, max0: max0, min1: min1, max1: max1)
        let finite = [(min0, max0, rows0), (min1, max1, rows1)].allSatisfy { $0.2 == 0 || ($0.0.isFinite && $0.1.isFinite) }
        guard finite, scale.map({ $0 > 0 }) ?? true else { return nil }
        return (value, .ofIndicator(ones0: e.missing0, rows0: rows0, ones1: e.missing1, rows1: rows1))
    }
}
