import Testing
@testable import HealthCal

/// The summary's shares, counted per name slot and per customer, against the per-row
/// dictionaries and sets they replaced.
@Suite struct FlagSummarySharesTests {
    /// The false-healthy and persistent shares as the summary computed them before.
    static func referenceShares(scored: ScoredPanel, inPersistentStreak: [Bool]) -> (ShareBreakdown, ShareBreakdown) {
        let periodName = { (p: Int32) -> String in p < 0 ? FlagSummary.allPeriods : scored.periodLabels[Int(p)] }
        let segmentName = { (s: Int32) -> String in s < 0 ? "(none)" : scored.segmentNames[Int(s)] }
        var fhAll = Share(count: 0, of: 0)
        var fhSeg: [String: Share] = [:], fhPer: [String: Share] = [:]
        var redRows: [String: Share] = [:]
        var redCustomers = Set<Int32>(), streakCustomers = Set<Int32>()
        var redBySegment: [String: Set<Int32>] = [:], streakBySegment: [String: Set<Int32>] = [:]
        for i in 0..<scored.count {
            let seg = segmentName(scored.segment[i]), per = periodName(scored.period[i])
            if scored.churned[i] {
                let hit = scored.isHealthiest(i) ? 1 : 0
                fhAll.count += hit; fhAll.of += 1
                fhSeg[seg, default: .init(count: 0, of: 0)].count += hit; fhSeg[seg, default: .init(count: 0, of: 0)].of += 1
                fhPer[per, default: .init(count: 0, of: 0)].count += hit; fhPer[per, default: .init(count: 0, of: 0)].of += 1
            }
            if scored.isRiskiest(i) {
                let c = scored.customer[i]
                redCustomers.insert(c)
                redBySegment[seg, default: []].insert(c)
                redRows[per, default: .init(count: 0, of: 0)].of += 1
                if inPersistentStreak[i] {
                    streakCustomers.insert(c)
                    streakBySegment[seg, default: []].insert(c)
                    redRows[per, default: .init(count: 0, of: 0)].count += 1
                }
            }
        }
        let persistentSeg = redBySegment.mapValues { Share(count: 0, of: $0.count) }
            .merging(streakBySegment.mapValues { Share(count: $0.count, of: 0) }) { Share(count: $1.count, of: $0.of) }
        return (ShareBreakdown(overall: fhAll, bySegment: scored.segmentNames.isEmpty ? [:] : fhSeg, byPeriod: fhPer),
                ShareBreakdown(overall: Share(count: streakCustomers.count, of: redCustomers.count),
                               bySegment: scored.segmentNames.isEmpty ? [:] : persistentSeg, byPeriod: redRows))
    }

    /// 300 customers over 8 quarters in 3 segments (a customer may change segment), churning
    /// now and then, with hand-set probabilities; and the same panel without its segments.
    @Test func sharesAreTheReferenceShares() throws {
        var state: UInt64 = 11
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var csv = "customer_id,period,segment,logins,churned\n"
        var probability: [Double] = []
        for c in 0..<300 {
            let base = next()
            for t in 0..<8 {
                let churned = next() < 0.08
                csv += "c\(c),\(2023 + t / 4)Q\(t % 4 + 1),\(["smb", "mid", "ent"][(c + (next() < 0.1 ? 1 : 0)) % 3]),1,\(churned ? 1 : 0)\n"
                probability.append(min(0.99, max(0.01, base + 0.3 * (next() - 0.5))))
                if churned { break }
            }
        }
        for segment in ["segment", nil] {
            let panel = try Panel.make(table: makeTable(csv), spec: testSpec(segment: segment))
            let rows = Array(0..<panel.rowCount)
            let scored = try ScoredPanel.make(panel: panel, rows: rows, fold: rows.map { _ in 0 }, probability: probability,
                                              options: panel.spec.bands)
            let report = FlagDetection.run(scored: scored, panel: panel, models: [], options: FlagOptions(persistentPeriods: 2))
            var inStreak = [Bool](repeating: false, count: scored.count)
            for f in report.flags where f.kind == .persistentAtRisk {
                for i in 0..<scored.count where scored.customerID(i) == f.customer && f.periods.contains(scored.periodLabel(i)) {
                    inStreak[i] = true
                }
            }
            #expect(inStreak.contains(true))
            let summary = FlagSummary.make(scored: scored, flags: report.flags, inPersistentStreak: inStreak)
            let (falseHealthy, persistent) = Self.referenceShares(scored: scored, inPersistentStreak: inStreak)
            #expect(summary.falseHealthyShareOfChurners == falseHealthy)
            #expect(summary.persistentShareOfRiskiest == persistent)
            #expect(summary.persistentShareOfRiskiest.bySegment.count == (segment == nil ? 0 : 3))
        }
    }
}
