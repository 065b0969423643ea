import Synchronization

/// The first-pass sums of each numeric feature over a panel's first rows, kept from one fit
/// to the next (a backtest's folds, then the final fit: `DesignStorage.carriedSums`). With an
/// expanding window each fold trains on the previous fold's rows plus a period's more, in a
/// panel sorted by period, so only the added rows need reading: `PresentSums.Prefix` continues
/// the previous fold's lanes with the same additions as a sum from the first row.
///
/// An entry is used only for the same feature, raw column (by address), first row and clip
/// bounds, and only when the new run is at least as long; anything else sums from the start.
/// Features are fitted on several threads: the entries are behind a lock.
public final class CarriedSums: Sendable {
    private struct Key: Equatable {
        var column: Int
        var first: Int
        var lower: Double
        var upper: Double
    }

    private struct Entry {
        var key: Key
        var prefix: PresentSums.Prefix
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// `PresentSums.sum(values[first..<first + count], lower:, upper:)`, reading only the values
    /// beyond what an earlier call for `feature` on the same run start already summed.
    func sum(feature: String, values: UnsafeBufferPointer<Double>, first: Int, count: Int,
             lower: Double, upper: Double) -> PresentSums.Prefix {
        let run = UnsafeBufferPointer(rebasing: values[first..<(first + count)])
        let key = Key(column: Int(bitPattern: values.baseAddress), first: first, lower: lower, upper: upper)
        let known = entries.withLock { $0[feature] }
        let start = known.flatMap { $0.key == key && $0.prefix.end <= count ? $0.prefix : nil } ?? PresentSums.Prefix()
        let prefix = PresentSums.sum(run, lower: lower, upper: upper, continuing: start)
        entries.withLock { $0[feature] = Entry(key: key, prefix: prefix) }
        return prefix
    }
}
