extension LogisticRegression {
    /// Each column's range among non-churners (0) and churners (1), from one pass over the
    /// design; the first non-finite value is an error naming its column and row.
    struct ColumnRange: Equatable {
        var min0 = Double.infinity, max0 = -Double.infinity, min1 = Double.infinity, max1 = -Double.infinity
        var isConstant: Bool { Swift.min(min0, min1) == Swift.max(max0, max1) }
        /// Every churner's value ≥ every non-churner's, or ≤: the column alone separates the classes.
        var separates: Bool { max0 <= min1 || max1 <= min0 }

        /// The range of a 0/1 column (a one-hot level or a missing indicator) from counts: `ones0`
        /// of the `rows0` non-churners and `ones1` of the `rows1` churners hold 1, the rest 0.
        /// The same bounds a scan of the column finds.
        static func ofIndicator(ones0: Int, rows0: Int, ones1: Int, rows1: Int) -> ColumnRange {
            func bounds(_ ones: Int, _ rows: Int) -> (Double, Double) {
                rows == 0 ? (.infinity, -.infinity) : (ones == rows ? 1 : 0, ones > 0 ? 1 : 0)
            }
            let (min0, max0) = bounds(ones0, rows0), (min1, max1) = bounds(ones1, rows1)
            return ColumnRange(min0: min0, max0: max0, min1: min1, max1: max1)
        }
    }

    /// Accumulates a `ColumnRange` four values at a time, branch-free: each value updates both
    /// classes' bounds, the other class with ±∞ (no change). `poison` turns NaN once a
    /// non-finite value has been seen (v·0 is NaN exactly when v is not finite).
    struct ColumnRangeAccumulator {
        typealias V = SIMD4<Double>
        private static let inf = V(repeating: .infinity), ninf = V(repeating: -.infinity)
        private var lo0 = inf, hi0 = ninf, lo1 = inf, hi1 = ninf, poison4 = V.zero
        private var scalar = ColumnRange(), poison = 0.0

        /// Values `v`, where `churned` marks the churners' lanes.
        @inline(__always)
        mutating func add(_ v: V, churned: SIMDMask<SIMD4<Int64>>) {
            poison4 += v * 0
            let a = v.replacing(with: Self.inf, where: churned), b = v.replacing(with: Self.ninf, where: churned)
            let c = v.replacing(with: Self.inf, where: .!churned), d = v.replacing(with: Self.ninf, where: .!churned)
            // Written as selects: the generic pointwiseMin/Max are not inlined here.
            lo0 = lo0.replacing(with: a, where: a .< lo0)
            hi0 = hi0.replacing(with: b, where: b .> hi0)
            lo1 = lo1.replacing(with: c, where: c .< lo1)
            hi1 = hi1.replacing(with: d, where: d .> hi1)
        }

        /// One value, of a churner when `churned`.
        @inline(__always)
        mutating func add(_ v: Double, churned: Bool) {
            poison += v * 0
            if churned { scalar.min1 = Swift.min(scalar.min1, v); scalar.max1 = Swift.max(scalar.max1, v) }
            else { scalar.min0 = Swift.min(scalar.min0, v); scalar.max0 = Swift.max(scalar.max0, v) }
        }

        /// Whether every value added was finite.
        var allFinite: Bool { !(poison4.sum() + poison).isNaN }

        var range: ColumnRange {
            ColumnRange(min0: Swift.min(lo0.min(), scalar.min0), max0: Swift.max(hi0.max(), scalar.max0),
                        min1: Swift.min(lo1.min(), scalar.min1), max1: Swift.max(hi1.max(), scalar.max1))
        }
    }
}
