import Testing
@testable import HealthCal

@Suite("Period")
struct PeriodTests {
    @Test func parsesTheThreeFormats() throws {
        let q = try #require(Period.parse("2025Q3"))
        #expect(q.unit == .quarter && q.label == "2025Q3")
        #expect(Period.parse("2025-Q3") == q)
        #expect(Period.parse("2025q3") == q)
        let m = try #require(Period.parse("2025-07"))
        #expect(m.unit == .month && m.label == "2025-07")
        let d = try #require(Period.parse(" 2025-07-01 "))
        #expect(d.unit == .day && d.label == "2025-07-01")
        // 1970-01-01 is day 0; 2000-03-01 is day 11017 (Python: date(2000,3,1).toordinal() - date(1970,1,1).toordinal()).
        #expect(Period.parse("1970-01-01")?.ordinal == 0)
        #expect(Period.parse("2000-03-01")?.ordinal == 11017)
    }

    @Test func rejectsMalformedValues() {
        for bad in ["2025Q5", "2025-13", "2025-02-30", "2023-02-29", "25Q1", "2025", "Q3 2025", "2025-7", ""] {
            #expect(Period.parse(bad) == nil, "\(bad)")
        }
        #expect(Period.parse("2024-02-29")?.label == "2024-02-29")
        #expect(Period.parse("2025Q3", format: .month) == nil)
    }

    @Test func ordersChronologicallyNotLexicographically() throws {
        let labels = ["2025-10", "2025-09", "2024-12", "2025-01"]
        let sorted = labels.compactMap { Period.parse($0) }.sorted().map(\.label)
        #expect(sorted == ["2024-12", "2025-01", "2025-09", "2025-10"])
        let q4 = try #require(Period.parse("2025Q4"))
        #expect(q4.next.label == "2026Q1")
        #expect(try #require(Period.parse("2024Q3")).distance(to: q4) == 5)
        let d = try #require(Period.parse("2024-12-31"))
        #expect(d.next.label == "2025-01-01")
        #expect(try #require(Period.parse("2025-12")).next.label == "2026-01")
    }
}
