/// The sums behind a numeric feature's mean and standard deviation, over the present (not
/// NaN) values of a column, each clipped to [lower, upper].
///
/// Value k of the sequence is added to partial sum k % 8 and the partials are combined at the
/// end: the same additions whether the values are read straight (eight lanes of SIMD) or
/// through a row list (one at a time), so both give the same bits. A single running sum would
/// wait on each addition's latency; eight independent ones keep the pass at memory speed.
/// Missing values add 0 to their partial.
struct PresentSums {
    static let lanes = 8
    private var partial = [Double](repeating: 0, count: lanes)
    private(set) var count = 0

    /// Σ over the present values of clip(x), and their count; `values[k]` is value k.
    static func sum(_ values: UnsafeBufferPointer<Double>, lower: Double, upper: Double) -> (sum: Double, count: Int) {
        let prefix = sum(values, lower: lower, upper: upper, continuing: Prefix())
        return (combine(prefix.partial), prefix.count)
    }

    /// Σ over the present values of (clip(x) − mean)².
    static func squaredDeviations(_ values: UnsafeBufferPointer<Double>, lower: Double, upper: Double, from mean: Double) -> Double {
        combine(sum(values, lower: lower, upper: upper, continuing: Prefix()) { d in (d - mean) * (d - mean) }.partial)
    }

    /// The lanes of `sum` over the first `end` values of a sequence: a later, longer prefix of the
    /// same sequence continues from them, with the same additions as a sum from the start.
    struct Prefix: Sendable {
        var partial = [Double](repeating: 0, count: lanes)
        var count = 0
        var end = 0
        var total: Double { combine(partial) }
    }

    /// `sum(values, lower:, upper:)` of all of `values` given `prefix`, the lanes of its first
    /// `prefix.end` values (same bounds): only the rest is read. Lane k % 8 takes value k, in
    /// order, whichever call adds it, so the lanes are those of one call over all the values.
    static func sum(_ values: UnsafeBufferPointer<Double>, lower: Double, upper: Double, continuing prefix: Prefix) -> Prefix {
        sum(values, lower: lower, upper: upper, continuing: prefix) { $0 }
    }

    /// Σ over the present values of term(clip(x)), eight lanes at a time, from value `prefix.end` on.
    @inline(__always)
    private static func sum(_ values: UnsafeBufferPointer<Double>, lower: Double, upper: Double, continuing prefix: Prefix,
                            term: (SIMD4<Double>) -> SIMD4<Double>) -> Prefix {
        typealias V = SIMD4<Double>
        let lo = V(repeating: lower), hi = V(repeating: upper), zero = V.zero, one = V(repeating: 1)
        let n = values.count
        var partial = prefix.partial
        var count = prefix.count
        var i = prefix.end
        /// Value i alone, into its lane.
        @inline(__always) func addOne(_ i: Int) {
            let x = values[i]
            if !x.isNaN {
                var y = x
                if y < lower { y = lower }
                if y > upper { y = upper }
                partial[i % lanes] += term(V(repeating: y))[0]
                count += 1
            }
        }
        // Up to a multiple of eight one at a time, so that the blocks below start at lane 0.
        while i < n && i % lanes != 0 {
            addOne(i)
            i += 1
        }
        var a = V(partial[0], partial[1], partial[2], partial[3]), b = V(partial[4], partial[5], partial[6], partial[7])
        var ca = V.zero, cb = V.zero
        if let base = values.baseAddress {
            let raw = UnsafeRawPointer(base)
            @inline(__always) func lane(_ offset: Int) -> (V, V) {
                let x = raw.loadUnaligned(fromByteOffset: offset * 8, as: V.self)
                let present = x .== x
                var y = x.replacing(with: lo, where: x .< lo)
                y = y.replacing(with: hi, where: y .> hi)
                return (term(y).replacing(with: zero, where: .!present), one.replacing(with: zero, where: .!present))
            }
            while i + 8 <= n {
                let (t0, c0) = lane(i), (t1, c1) = lane(i + 4)
                a += t0; ca += c0
                b += t1; cb += c1
                i += 8
            }
        }
        partial = [a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]]
        count += Int((ca + cb).sum())
        while i < n {
            addOne(i)
            i += 1
        }
        return Prefix(partial: partial, count: count, end: max(n, prefix.end))
    }

    /// Adds the term of value k of a sequence read one at a time (through a row list); a
    /// missing value is simply not added.
    mutating func add(_ k: Int, _ value: Double) {
        partial[k % Self.lanes] += value
        count += 1
    }

    var total: Double { Self.combine(partial) }

    /// The partials pairwise, in a fixed order.
    static func combine(_ p: [Double]) -> Double {
        ((p[0] + p[4]) + (p[1] + p[5])) + ((p[2] + p[6]) + (p[3] + p[7]))
    }
}
