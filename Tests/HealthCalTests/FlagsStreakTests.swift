import Testing
@testable import HealthCal

/// The period-to-period rules on hand-made sequences (no fit): docs/flags.md "Streaks".
@Suite struct FlagsStreakTests {
    /// Points from (period, band, churned); score 50 everywhere unless given.
    func sequence(_ points: [(Int, Int, Bool)]) -> ScoredSequence {
        ScoredSequence(points: points.map { .init(period: $0.0, score: 50, band: $0.1, churned: $0.2) })
    }

    func periods(_ s: ScoredSequence, _ streaks: [ScoredSequence.Streak]) -> [[Int]] {
        streaks.map { s.points[$0.range].map(\.period) }
    }

    @Test func exactlyKCountsAndKMinusOneDoesNot() {
        let three = sequence([(0, 0, false), (1, 0, false), (2, 0, false), (3, 1, false)])
        #expect(periods(three, three.persistentStreaks(minLength: 3)) == [[0, 1, 2]])
        let two = sequence([(0, 0, false), (1, 0, false), (2, 1, false), (3, 0, false)])
        #expect(two.persistentStreaks(minLength: 3).isEmpty)
        #expect(periods(two, two.persistentStreaks(minLength: 2)) == [[0, 1]])
        // k = 1: every red run, each reported once.
        #expect(periods(two, two.persistentStreaks(minLength: 1)) == [[0, 1], [3]])
    }

    @Test func aGapInTheCustomersPeriodsBreaksTheStreak() {
        // Red in periods 0, 1, then absent in 2, red again in 3, 4, 5.
        let s = sequence([(0, 0, false), (1, 0, false), (3, 0, false), (4, 0, false), (5, 0, false)])
        #expect(periods(s, s.riskiestRuns()) == [[0, 1], [3, 4, 5]])
        #expect(periods(s, s.persistentStreaks(minLength: 3)) == [[3, 4, 5]])
        #expect(s.persistentStreaks(minLength: 4).isEmpty)  // 2 + 3 red periods, never 4 adjacent
    }

    @Test func churnAtTheEndOfARedRunCancelsTheWholeRun() {
        // Four red periods, churned in the fourth: the first three (>= k, never churned) are
        // not reported either; the red calls came true.
        let s = sequence([(0, 0, false), (1, 0, false), (2, 0, false), (3, 0, true)])
        #expect(s.persistentStreaks(minLength: 3).isEmpty)
        // Red for three periods, then yellow, then churned (in yellow): the red run ended
        // before the churn, with churned = 0 in all of it, so it is reported.
        let later = sequence([(0, 0, false), (1, 0, false), (2, 0, false), (3, 1, false), (4, 1, true)])
        #expect(periods(later, later.persistentStreaks(minLength: 3)) == [[0, 1, 2]])
    }

    @Test func aCustomerEnteringMidHistory() {
        // First scored in period 4 of the panel: the streak starts there.
        let s = sequence([(4, 0, false), (5, 0, false), (6, 0, false)])
        let streaks = s.persistentStreaks(minLength: 3)
        #expect(periods(s, streaks) == [[4, 5, 6]])
        #expect(streaks.first?.length == 3)
    }

    @Test func pointsAreOrderedByPeriodWhateverTheInputOrder() {
        let s = sequence([(2, 0, false), (0, 0, false), (1, 0, false)])
        #expect(s.points.map(\.period) == [0, 1, 2])
        #expect(periods(s, s.persistentStreaks(minLength: 3)) == [[0, 1, 2]])
    }

    @Test func scoreDropsOnlyBetweenAdjacentPeriods() {
        // Scores from probabilities 0.15 -> 0.30 (a fall computed as 14.999999999999986, which
        // is the 15 points it means), then a gap, then 40 points lower, then a 14.9 fall.
        let s = ScoredSequence(points: [
            .init(period: 0, score: HealthScore.fromProbability(0.15), band: 2, churned: false),
            .init(period: 1, score: HealthScore.fromProbability(0.30), band: 1, churned: false),
            .init(period: 3, score: 30, band: 0, churned: false),
            .init(period: 4, score: 15.1, band: 0, churned: false),
        ])
        let drops = s.scoreDrops(atLeast: 15)
        #expect(drops.map(\.from) == [0])
        #expect(abs((drops.first?.points ?? 0) - 15) < 1e-9)  // 100·(0.30 − 0.15), rounding only
        #expect(s.scoreDrops(atLeast: 14.9).map(\.from) == [0, 2])
    }

    /// Only scored periods count: a customer red in the training periods and in two scored
    /// periods is not persistent at k = 3, because the training-period scores are in-sample
    /// (or do not exist) and no CSM saw them. Built through `ScoredPanel` with hand-set scores.
    @Test func aStreakSpanningTheTrainingBoundaryCountsOnlyScoredPeriods() throws {
        var csv = "customer_id,period,logins,churned\n"
        for (t, q) in ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1"].enumerated() {
            csv += "A,\(q),1,0\nB,\(q),2,0\nC,\(q),3,\(t == 4 ? 1 : 0)\n"
        }
        var spec = testSpec()
        spec.bands = BandOptions(scheme: .fixed)  // red < 40, orange, yellow, green >= 80
        let panel = try Panel.make(table: makeTable(csv), spec: spec)
        // Pretend the backtest scored only 2024Q4 and 2025Q1 (the last two periods); A red
        // in both, B red in 2024Q3 (unscored, hence absent) and in both scored periods.
        let rows = (0..<panel.rowCount).filter { Int(panel.periodOfRow[$0]) >= 3 }
        let p = rows.map { r -> Double in panel.customerID(ofRow: r) == "C" ? 0.1 : 0.9 }
        let scored = try ScoredPanel.make(panel: panel, rows: rows, fold: rows.map { _ in 0 }, probability: p, options: spec.bands)
        let report = FlagDetection.run(scored: scored, panel: panel, models: [], options: FlagOptions(persistentPeriods: 3))
        #expect(report.flags.filter { $0.kind == .persistentAtRisk }.isEmpty)
        let two = FlagDetection.run(scored: scored, panel: panel, models: [], options: FlagOptions(persistentPeriods: 2))
        let streaks = two.flags.filter { $0.kind == .persistentAtRisk }
        #expect(streaks.map(\.customer) == ["A", "B"])
        #expect(streaks.first?.periods == ["2024Q4", "2025Q1"])
        #expect(streaks.first?.trajectory.map(\.period) == ["2024Q4", "2025Q1"])
        // C: green (p = 0.1, score 90) and churned in 2025Q1 -> a false-healthy churner.
        let fh = two.flags.filter { $0.kind == .falseHealthyChurner }
        #expect(fh.map(\.customer) == ["C"] && fh.first?.periods == ["2025Q1"] && fh.first?.band == "green")
        // No models given: the flags carry no contributions, and a note says why.
        #expect(fh.first?.topContributions.isEmpty == true)
        #expect(two.notes.contains { $0.contains("could not be explained") })
    }
}
