import Testing
@testable import HealthCal

/// The contribution SDs of up to four features taken side by side must be the bits of
/// `populationSD` of each, for every block size.
@Suite struct PopulationSDTests {
    @Test func sideBySideIsOneByOne() {
        var s = ExportFixture.Stream(state: 5)
        for n in [1, 2, 7, 1_000] {
            let columns = (0..<4).map { k in (0..<n).map { _ in (s.next() - 0.3) * Double(k + 1) * 1e3 + (k == 2 ? 1e9 : 0) } }
            for count in 1...4 {
                let block = columns.prefix(count).flatMap { $0 } + [Double](repeating: .nan, count: (4 - count) * n)
                let together = WeightFile.populationSDs(block, count: count, length: n)
                #expect(together.map(\.bitPattern) == columns.prefix(count).map { WeightFile.populationSD($0).bitPattern })
            }
        }
    }
}
