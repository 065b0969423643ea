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
        let radix = 1 << digitBits, mask = UInt64(radix - 1), n = items.count
        // All digit histograms in one read of the keys. The passes work through buffer pointers:
        // a checked, uniqueness-tested store per row and pass was most of the sort's time.
        var counts = [Int](repeating: 0, count: passes * radix)
        var other = items
        var source = true // the sorted-so-far rows are in `items` (else in `other`)
        items.withUnsafeMutableBufferPointer { a in
            other.withUnsafeMutableBufferPointer { b in
                counts.withUnsafeMutableBufferPointer { c in
                    for item in a {
                        for d in 0..<passes { c[d * radix + Int((item.key >> UInt64(d * digitBits)) & mask)] += 1 }
                    }
                    for d in 0..<passes {
                        let base = d * radix
                        let shift = UInt64(d * digitBits)
                        let (from, to) = source ? (a, b) : (b, a)
                        let first = Int((from[0].key >> shift) & mask)
                        if c[base + first] == n { continue } // every key has this digit
                        var offset = 0
                        for k in 0..<radix {
                            let count = c[base + k]
                            c[base + k] = offset
                            offset += count
                        }
                        for item in from {
                            let k = base + Int((item.key >> shift) & mask)
                            to[c[k]] = item
                            c[k] += 1
                        }
                        source.toggle()
                    }
                }
            }
        }
        return (source ? items : other).map(\.row)
    }
}
