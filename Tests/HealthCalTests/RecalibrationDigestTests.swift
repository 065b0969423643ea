import Testing
@testable import HealthCal

/// The report's "top flagged customers" pick the first few of a stable sort without sorting all.
@Suite struct RecalibrationDigestTests {
    @Test(arguments: [0, 1, 4, 50, 300])
    func firstKEqualsThePrefixOfAStableSort(k: Int) {
        var state: UInt64 = 42
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 59)  // 0...31: many ties
        }
        let items = (0..<200).map { (index: $0, key: next(), second: next()) }
        let before: ((index: Int, key: Int, second: Int), (index: Int, key: Int, second: Int)) -> Bool = {
            ($0.key, -$0.second) > ($1.key, -$1.second)
        }
        let expected = items.sorted(by: before).prefix(k).map(\.index)
        #expect(Recalibration.first(k, of: items, by: before).map(\.index) == expected)
        // Ties in the key alone keep the input order.
        let byKey = Recalibration.first(k, of: items) { $0.key > $1.key }.map(\.index)
        #expect(byKey == items.sorted { $0.key > $1.key }.prefix(k).map(\.index))
    }
}
