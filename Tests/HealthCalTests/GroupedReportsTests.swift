import Testing
@testable import HealthCal
import TestSupport

/// `GroupedReports` reads each group's ranking off the pooled one; every report must equal
/// `MetricsReport.compute` on the same rows exactly (the arithmetic is the same, in the same order).
@Suite("Metrics: grouped reports equal one report per group")
struct GroupedReportsTests {
    /// Groups of unequal size (some above, some below the radix sort's threshold), rows in no
    /// group, an empty group, and a group with one outcome only.
    static func groups(_ n: Int) -> [Int] {
        var rng = SplitMix64(seed: 11)
        return (0..<n).map { i in
            let u = rng.uniform()
            return u < 0.05 ? -1 : (u < 0.6 ? 0 : (u < 0.9 ? 1 : 2 + i % 2))
        }
    }

    /// With p of 0 and 1 among the rows (no logits: each group makes its own, to fail with its
    /// own row index) and without (the groups gather the pooled logits and log-loss terms).
    @Test("pooled and per-group reports, weighted and unweighted", arguments: [false, true], [false, true])
    func equalsDirect(weighted: Bool, interior: Bool) throws {
        let (p0, y0, w0) = MetricsFastPathTests.rows(6000)
        let p = interior ? p0.map { min(max($0, 0.0005), 0.9995) } : p0
        let group = Self.groups(p.count)
        // Group 3 churns never (single class); group 4 has no rows.
        let y = y0.indices.map { group[$0] == 3 ? 0 : y0[$0] }
        let w = weighted ? w0 : nil
        let (pooled, parts) = GroupedReports.compute(p: p, y: y, w: w, group: group, groupCount: 5)
        #expect(try pooled.get() == MetricsReport.compute(p: p, y: y, w: w))
        #expect(parts.count == 5)
        for g in 0..<5 {
            let rows = group.indices.filter { group[$0] == g }
            let direct = Result { () throws(MetricError) in
                try MetricsReport.compute(p: rows.map { p[$0] }, y: rows.map { y[$0] }, w: w.map { ws in rows.map { ws[$0] } })
            }
            #expect(parts[g] == direct, "group \(g)")
        }
        if case .failure(.empty) = parts[4] {} else { Issue.record("an empty group fails with .empty") }
        #expect(try parts[3].get().rocAUC == nil)
        #expect(try pooled.get().cox == nil || interior)
        #expect(try parts[0].get().cox != nil || !interior)
    }

    @Test("the split ranking equals a fresh ranking of each group")
    func splitRanking() throws {
        let (p, y, w) = MetricsFastPathTests.rows(5000)
        let group = Self.groups(p.count)
        let members = (0..<4).map { g in group.indices.filter { group[$0] == g } }
        let rows = try members.map { idx in try ScoredRows(p: idx.map { p[$0] }, y: idx.map { y[$0] }, w: idx.map { w[$0] }) }
        let split = RankedRows(try ScoredRows(p: p, y: y, w: w)).split(members: members, groups: rows.map { $0 })
        for g in 0..<4 {
            let fresh = RankedRows(rows[g]), s = try #require(split[g])
            #expect(s.order == fresh.order && s.p == fresh.p && s.y == fresh.y && s.weights == fresh.weights)
        }
    }

    @Test("invalid pooled rows: each group on its own")
    func invalidPooled() {
        let p = [0.2, 0.7, 1.5, 0.4], y = [0.0, 1, 1, 0]
        let (pooled, parts) = GroupedReports.compute(p: p, y: y, w: nil, group: [0, 0, 1, 1], groupCount: 2)
        #expect(pooled == .failure(.probabilityOutOfRange(index: 2, value: 1.5)))
        #expect(parts[0] == Result { () throws(MetricError) in try MetricsReport.compute(p: [0.2, 0.7], y: [0, 1]) })
        #expect(parts[1] == .failure(.probabilityOutOfRange(index: 0, value: 1.5)))
    }
}
