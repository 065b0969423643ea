import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// The population stability index (docs/drift.md).
@Suite struct DriftTests {
    /// Reference: 1, 2, ..., 20 and 5 missing (25 rows). numpy.quantile(range(1, 21), [.1, ..., .9])
    /// = 2.9, 4.8, 6.7, 8.6, 10.5, 12.4, 14.3, 16.2, 18.1, so each of the 10 bins holds 2 values
    /// (share 0.08) and the missing bin 5 (0.2). Actual: 1, 2, 3, 10, 11, 12, 25, 30 and 2 missing
    /// (10 rows), counted by hand: bins (≤2.9) 2, (2.9, 4.8] 1, (8.6, 10.5] 1, (10.5, 12.4] 2,
    /// (>18.1) 2, missing 2, five bins empty (share 0 → ε = 1e-4).
    @Test func psiEqualsAHandComputation() throws {
        let reference = StabilityReference(numeric: (1...20).map(Double.init) + [Double](repeating: .nan, count: 5))
        let edges = try #require(reference.edges)
        #expect(zip(edges, [2.9, 4.8, 6.7, 8.6, 10.5, 12.4, 14.3, 16.2, 18.1]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(edges)")
        #expect(reference.shares == [Double](repeating: 0.08, count: 10) + [0.2])

        let actual: [Double] = [1, 2, 3, 10, 11, 12, 25, 30, .nan, .nan]
        let counts = reference.counts(numeric: actual)
        #expect(counts == [2, 1, 0, 0, 1, 2, 0, 0, 0, 2, 2])
        let cell = DriftCell(period: "2025Q3", counts: counts, reference: reference)
        // Three bins at 0.2 vs 0.08, two at 0.1 vs 0.08, five empty vs 0.08, missing 0.2 vs 0.2.
        let e = 0.08, eps = 1e-4
        let hand = 3 * (0.2 - e) * log(0.2 / e) + 2 * (0.1 - e) * log(0.1 / e) + 5 * (eps - e) * log(eps / e)
        #expect(abs(cell.psi - hand) < 1e-12, "\(cell.psi) vs \(hand)")
        #expect(abs(hand - 3.00929279) < 1e-8)  // the same sum done on paper
        #expect(cell.reading == "major shift" && cell.rows == 10)
        #expect(cell.bins.map(\.bin).first == "<= 2.9" && cell.bins.last?.bin == "missing")
        #expect(abs(cell.bins.map(\.contribution).reduce(0, +) - cell.psi) < 1e-15)

        // Identical distributions: 0. A value equal to a cut point goes to the lower bin.
        #expect(DriftCell(period: "x", counts: reference.counts(numeric: (1...20).map(Double.init) + [.nan, .nan, .nan, .nan, .nan]),
                          reference: reference).psi == 0)
        #expect(reference.counts(numeric: [2.9]) == [1] + [Int](repeating: 0, count: 10))
    }

    @Test func categoricalBinsHaveOtherAndMissing() {
        // Reference a a b b b c (6 rows): 1/3, 1/2, 1/6; actual a b d nil: 1/4 each in a, b,
        // other, missing.
        let reference = StabilityReference(categorical: ["a", "a", "b", "b", "b", "c"])
        #expect(reference.levels == ["a", "b", "c"] && reference.labels == ["a", "b", "c", "other", "missing"])
        let counts = reference.counts(categorical: ["a", "b", "d", nil])
        #expect(counts == [1, 1, 0, 1, 1])
        let eps = 1e-4
        let hand = (0.25 - 1.0 / 3) * log(0.25 / (1.0 / 3)) + (0.25 - 0.5) * log(0.25 / 0.5)
            + (eps - 1.0 / 6) * log(eps / (1.0 / 6)) + 2 * (0.25 - eps) * log(0.25 / eps)
        #expect(abs(DriftCell(period: "p", counts: counts, reference: reference).psi - hand) < 1e-12)
    }

    /// The sample panel (notebooks-data, seed 42) with active_user_share scaled by 1.5 in its last
    /// two quarters, through the recalibration's own drift step. (Measured with the same rules in
    /// numpy on 2025Q2, ×1.5 gives: active_user_share 1.25, feature_adoption 2.08,
    /// support_tickets 2.54, exec_meetings 2.80, but the heavy-tailed seats 0.25, logins_30d 0.20,
    /// nps 0.15 and the mostly-zero payment_delay_days 0.007: a scale change moves a wide,
    /// log-like distribution across few deciles.)
    @Test func plantedShiftInOneMetricIsMajorAndTheOthersStable() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("notebooks-data")
        let spec = try Spec.load(path: dir.appendingPathComponent("spec.yaml").path)
        var panel = try PanelLoading.load(path: dir.appendingPathComponent("panel.csv").path, spec: spec)
        let last2 = Set(panel.periods.suffix(2).map(\.label))
        let k = try #require(panel.features.firstIndex { $0.name == "active_user_share" })
        guard case var .numeric(v) = panel.features[k].values else { Issue.record("active_user_share is not numeric"); return }
        for r in 0..<panel.rowCount where last2.contains(panel.periods[Int(panel.periodOfRow[r])].label) { v[r] *= 1.5 }
        panel.features[k].values = .numeric(v)

        let run = try Backtest.run(panel: panel)
        let segmented = try SegmentedFit.run(panel: panel)
        let (stored, report) = try Recalibration.driftFigures(panel: panel, segmented: segmented, run: run)
        let drift = try #require(report)
        #expect(drift.referencePeriods == panel.periods.prefix(4).map(\.label))
        #expect(stored.rows == panel.rowCount && stored.metrics.count == panel.features.count)
        for variable in drift.variables where variable.kind == "metric" {
            for cell in variable.periods {
                if variable.name == "active_user_share" && last2.contains(cell.period) {
                    #expect(cell.psi > 0.25, "\(variable.name) \(cell.period): \(cell.psi)")
                } else {
                    #expect(cell.psi < 0.1, "\(variable.name) \(cell.period): \(cell.psi)")
                }
            }
        }
        #expect(drift.majorShifts.allSatisfy { $0.hasPrefix("active_user_share") || $0.hasPrefix("score") } && drift.majorShifts.count >= 2,
                "\(drift.majorShifts)")
    }

    /// The report's heat table: escaped names, the tint and the marker per reading, and the
    /// sentence names the metrics past 0.25.
    @Test func heatTableIsEscapedAndMarked() {
        let reference = StabilityReference(categorical: ["a", "a", "b", "b"])
        let cells = [DriftCell(period: "2025Q1", counts: [2, 2, 0, 0], reference: reference),
                     DriftCell(period: "2025Q2", counts: [0, 0, 4, 0], reference: reference)]
        let report = DriftReport(referencePeriods: ["2024Q1", "2024Q4"], referenceRows: 4,
                                 variables: [DriftVariable(name: "<b>plan</b>", kind: "metric", periods: cells)])
        let html = DriftText.heatTable(report).html()
        #expect(html.contains("&lt;b&gt;plan&lt;/b&gt;") && !html.contains("<b>plan"))
        #expect(html.contains("class=\"num heat-0\">0.000<") && html.contains("heat-2") && html.contains("▲▲"))
        #expect(report.majorShifts.count == 1 && report.majorShifts[0].hasPrefix("<b>plan</b> (2025Q2)"))
        #expect(DriftText.sentence(report).contains("past a population stability index of 0.25"))
    }
}
