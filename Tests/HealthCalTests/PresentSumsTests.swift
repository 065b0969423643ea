import Testing
@testable import HealthCal

/// The eight-lane sums behind numeric features' means and SDs: the SIMD pass over a run of
/// rows and the one-at-a-time pass over a row list give the same bits, and both the sum a
/// plain loop gives up to rounding.
@Suite struct PresentSumsTests {
    /// A deterministic column of 1,003 values (not a multiple of 8) with NaNs and outliers.
    static let column: [Double] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<1003).map { k in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53)
            if k % 17 == 3 { return .nan }
            return k % 29 == 0 ? u * 1e6 : u * 100 - 30
        }
    }()

    @Test(arguments: [(-Double.infinity, Double.infinity), (-10.0, 50.0)])
    func simdAndOneAtATimeAgreeToTheBit(bounds: (Double, Double)) {
        let (lower, upper) = bounds
        let values = Self.column
        let (simd, count) = values.withUnsafeBufferPointer { PresentSums.sum($0, lower: lower, upper: upper) }
        var sums = PresentSums(), squares = PresentSums()
        var plain = 0.0, present = 0
        for (k, x) in values.enumerated() where !x.isNaN {
            var y = x
            if y < lower { y = lower }
            if y > upper { y = upper }
            sums.add(k, y)
            plain += y
            present += 1
        }
        #expect(count == present && sums.count == present)
        #expect(simd.bitPattern == sums.total.bitPattern)
        #expect(abs(simd - plain) <= 1e-12 * abs(plain))

        let mean = simd / Double(count)
        let simdSquares = values.withUnsafeBufferPointer { PresentSums.squaredDeviations($0, lower: lower, upper: upper, from: mean) }
        var plainSquares = 0.0
        for (k, x) in values.enumerated() where !x.isNaN {
            var y = x
            if y < lower { y = lower }
            if y > upper { y = upper }
            squares.add(k, (y - mean) * (y - mean))
            plainSquares += (y - mean) * (y - mean)
        }
        #expect(simdSquares.bitPattern == squares.total.bitPattern)
        #expect(abs(simdSquares - plainSquares) <= 1e-12 * plainSquares)
    }

    @Test func emptyAndAllMissingRunsSumToZero() {
        let empty: [Double] = [], missing = [Double](repeating: .nan, count: 11)
        #expect(empty.withUnsafeBufferPointer { PresentSums.sum($0, lower: -.infinity, upper: .infinity) } == (0, 0))
        #expect(missing.withUnsafeBufferPointer { PresentSums.sum($0, lower: -.infinity, upper: .infinity) } == (0, 0))
    }

    /// A sum continued from the lanes of a shorter prefix is the sum from the start, to the bit,
    /// wherever the prefixes end (on or off the blocks of eight).
    @Test(arguments: [(-Double.infinity, Double.infinity), (-10.0, 50.0)])
    func aContinuedSumEqualsOneFromTheStart(bounds: (Double, Double)) {
        let (lower, upper) = bounds
        Self.column.withUnsafeBufferPointer { all in
            for (a, b) in [(0, 1003), (5, 13), (8, 16), (13, 1003), (400, 401), (997, 1003), (1003, 1003)] {
                let fresh = PresentSums.sum(UnsafeBufferPointer(rebasing: all[0..<b]), lower: lower, upper: upper)
                let first = PresentSums.sum(UnsafeBufferPointer(rebasing: all[0..<a]), lower: lower, upper: upper, continuing: .init())
                let continued = PresentSums.sum(UnsafeBufferPointer(rebasing: all[0..<b]), lower: lower, upper: upper, continuing: first)
                #expect(continued.total.bitPattern == fresh.sum.bitPattern, "\(a) then \(b)")
                #expect(continued.count == fresh.count && continued.end == b, "\(a) then \(b)")
            }
        }
    }

    /// `CarriedSums` continues only the same feature's run from the same first row under the
    /// same bounds, and never from a longer run; whatever it does, the sums are the fresh ones.
    @Test func carriedSumsAreAlwaysTheFreshSums() {
        let carried = CarriedSums()
        let outcome = Self.column.indices.map { Double($0 % 7 == 0 ? 1 : 0) }
        Self.column.withUnsafeBufferPointer { all in
            for (first, count, lower) in [(0, 100, -10.0), (0, 507, -10.0), (0, 300, -10.0), (0, 1003, -10.0), (0, 1003, -5.0), (3, 600, -5.0), (3, 1000, -5.0)] {
                let fresh = PresentSums.sum(UnsafeBufferPointer(rebasing: all[first..<(first + count)]), lower: lower, upper: 50)
                let sums = outcome.withUnsafeBufferPointer {
                    carried.sum(feature: "x", values: all, first: first, count: count, lower: lower, upper: 50, outcome: $0)
                }
                #expect(sums.total.bitPattern == fresh.sum.bitPattern && sums.count == fresh.count, "rows \(first)..<\(first + count)")
                var extremes = ClassExtremes()
                for i in first..<(first + count) { extremes.add(all[i], churned: outcome[i] == 1) }
                #expect(carried.extremes(feature: "x", values: all, first: first, count: count) == extremes, "rows \(first)..<\(first + count)")
            }
        }
    }
}
