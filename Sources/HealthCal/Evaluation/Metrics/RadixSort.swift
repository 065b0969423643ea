/// Least-significant-digit radix sort of rows by a Double score, for the million-row reports.
///
/// Each value is mapped to a UInt64 whose unsigned order is the numeric order of the Doubles
/// (positive: set the sign bit; negative: flip every bit; −0 is first made +0 so that it ties
/// with +0 as `<` says). For a descending order the key is complemented. Every pass is a stable
/// counting sort on 11 bits of the key, so rows with equal values keep their input order: the
/// result is exactly the stable comparison sort's, in O(n) instead of O(n log n) comparisons.
enum RadixSort {
    private struct Item { var key: UInt64; var row: Int }

    static let digitBits = 11
    static let passes = (64 + digitBits - 1) / digitBits

    /// Order-preserving unsigned key of a non-NaN Double.
    @inline(__always)
    static func key(_ v: Double) -> UInt64 {
        let bits = (v + 0.0).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Same contract as `SortOrder.rows(by:descending:rows:)`.
    static func rows(by x: [Double], descending: Bool, rows: [Int]? = nil) -> [Int] {
        let flip: UInt64 = descending ? ~0 : 0
        var items: [Item]
        if let rows {
            items = rows.map { Item(key: key(x[$0]) ^ flip, row: $0) }
        } else {
            items = x.indices.map { Item(key: key(x[$0]) ^ flip, row: $0) }
        }
        guard items.count > 1 else { return items.map(\.row) }
        let radix = 1 << digitBits, mask = UInt64(radix - 1)
        // All digit histograms in one read of the keys.
        var counts = [Int](repeating: 0, count: passes * radix)
        for item in items {
            for d in 0..<passes { counts[d * radix + Int((item.key >> UInt64(d * digitBits)) & mask)] += 1 }
        }
        var other = items
        for d in 0..<passes {
            let base = d * radix
            let first = Int((items[0].key >> UInt64(d * digitBits)) & mask)
            if counts[base + first] == items.count { continue } // every key has this digit
            var offset = 0
            for b in 0..<radix {
                let c = counts[base + b]
                counts[base + b] = offset
                offset += c
            }
            let shift = UInt64(d * digitBits)
            for item in items {
                let b = base + Int((item.key >> shift) & mask)
                other[counts[b]] = item
                counts[b] += 1
            }
            swap(&items, &other)
        }
        return items.map(\.row)
    }
}
