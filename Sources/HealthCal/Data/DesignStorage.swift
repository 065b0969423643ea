import Dispatch

/// The element storage of one design, handed on to the next (a backtest's folds, one after the
/// other): a fresh design of a million rows is 260 MB of untouched pages, and faulting and
/// zeroing them again for every fold cost about as much as writing the design itself.
///
/// Capacity for the largest design (`maxRows` rows) is reserved once; each design takes the
/// storage sized to its own elements (growing in place, never copied) and gives it back when
/// its fit is done. Not shared between threads: one design at a time owns it.
///
/// The reserved capacity beyond the first design is faulted in on another thread while the first
/// fold is fitted (`populatePages`): the first touch of fresh pages is slow here, and the fits
/// leave part of the second core idle.
public final class DesignStorage {
    /// Rows of the largest design this storage will hold (capacity is reserved for them).
    public let maxRows: Int
    /// Rows whose pages are faulted in ahead of use (at most `maxRows`).
    public let populatedRows: Int
    private var elements: [Double] = []
    private let populating = DispatchGroup()
    /// The raw columns' sums over the first rows, which successive fits of the same panel's
    /// growing first rows (the folds, then the final fit) continue instead of redoing.
    public let carriedSums = CarriedSums()

    /// `populatedRows` (default: all) limits the pages faulted in ahead to what is sure to be
    /// used soon, so that a last, larger design does not count in the peak before it exists.
    public init(maxRows: Int, populatedRows: Int? = nil) {
        self.maxRows = maxRows
        self.populatedRows = min(populatedRows ?? maxRows, maxRows)
    }

    /// The storage with exactly `count` elements (their values are stale: every one is
    /// overwritten by the design). Reserved for `max(count, maxRows x columns)` on first use,
    /// so later designs of up to `maxRows` rows fit without a new allocation.
    func take(count: Int, columns: Int) -> [Double] {
        var storage = elements
        elements = []
        if storage.capacity < count {
            let capacity = max(count, maxRows * columns)
            storage = [Double](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                if let base = buffer.baseAddress {
                    let stride = MemoryLayout<Double>.stride
                    // Deliberately not `adviseHugePages`: with 2 MiB pages, populating the tail
                    // on the other thread stalled the fitting thread for tenths of a second (the
                    // first fold took 0.45-0.65 s instead of 0.2-0.3 on the 1M benchmark).
                    // The part later (larger) designs will grow into; never read before it is written.
                    let tail = SendablePointer(base: UnsafeMutableRawPointer(base + count))
                    let bytes = (min(capacity, populatedRows * columns) - count) * stride
                    if bytes > 0 { DispatchQueue.global().async(group: populating) { populatePages(tail.base, bytes: bytes) } }
                }
                initialized = 0
            }
        }
        if storage.count > count {
            storage.removeLast(storage.count - count)
        } else if storage.count < count {
            storage.append(contentsOf: repeatElement(0, count: count - storage.count))
        }
        return storage
    }

    /// Takes back a design's storage once nothing else holds it (after its fit).
    func giveBack(_ storage: consuming [Double]) {
        elements = storage
    }

    /// Frees the storage as soon as the last design is done, not whenever this object goes:
    /// what runs next (a backtest's calibration and metrics) should not have a design's worth
    /// of idle memory on top of its own.
    public func release() {
        populating.wait()
        elements = []
    }

    deinit { populating.wait() }
}

/// A raw address handed to the thread that populates it (nothing else touches those pages then).
private struct SendablePointer: @unchecked Sendable {
    var base: UnsafeMutableRawPointer
}
