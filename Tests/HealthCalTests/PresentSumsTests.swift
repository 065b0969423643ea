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
}
