import Foundation
import Testing
@testable import HealthCal

/// The parts of the recalibration's last stages that are prepared ahead, on another thread,
/// give what the straightforward sequence gave.
@Suite struct RecalibrationOverlapTests {
    /// Ranking charts computed before the bands, flags and file list are known make the same
    /// report as the charts computed while rendering.
    @Test func rankingChartsPreparedAheadGiveTheSameReport() throws {
        let full = try LeadershipReportTests.inputs()
        var early = full
        early.flags = nil
        early.bands = nil
        early.outputs = []
        #expect(LeadershipReport.html(full, ranking: RankingCharts(early)) == LeadershipReport.html(full))
    }

    /// The report's descending order is the stable comparison sort it replaces, on many ties
    /// (radix path), on few rows (comparison path) and with a NaN (the old sort itself).
    @Test func descendingOrderIsTheStableComparisonSort() {
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let tied = (0..<10_000).map { _ in (next() * 50).rounded() / 50 } + [0, -0.0, 0]
        let few = (0..<100).map { _ in next() }
        let withNaN = few + [.nan] + few
        for p in [tied, few, withNaN, []] {
            let reference = p.indices.sorted { p[$0] > p[$1] }
            #expect(ReportFacts.descendingOrder(p) == reference)
        }
    }

    /// The weight file's band rule read off the scored panel is the one the flag report's bands
    /// and gate gave (per-segment scheme, gate).
    @Test func weightFileBandsAreTheFlagReportBands() throws {
        let csv = """
        customer_id,period,segment,logins,invoices,churned
        a,2025Q1,smb,1,1,0
        b,2025Q1,enterprise,1,1,0
        c,2025Q1,default,1,0,1
        """
        var spec = testSpec(segment: "segment")
        spec.bands = BandOptions(scheme: .fixed)
        spec.bands.perSegment = ["enterprise": [.init(name: "red", color: "red", minScore: 0),
                                                .init(name: "green", color: "green", minScore: 90)],
                                 "default": [.init(name: "red", color: "red", minScore: 0),
                                             .init(name: "green", color: "green", minScore: 50)]]
        spec.bands.gate = .init(column: "invoices", min: 1)
        let panel = try Panel.make(table: makeTable(csv), spec: spec)
        let scored = try ScoredPanel.make(panel: panel, rows: [0, 1, 2], fold: [0, 0, 0], probability: [0.1, 0.2, 0.3],
                                          options: spec.bands)
        let report = FlagDetection.run(scored: scored, panel: panel, models: [], options: FlagOptions())
        var perSegment = report.bands
        let scheme = try #require(report.bands["default"])
        perSegment["default"] = nil
        #expect(scored.weightFileBands == BandAssignment(scheme: scheme, perSegment: perSegment, gate: report.gate))
        #expect(scored.weightFileBands?.perSegment.keys.sorted() == ["default (segment)", "enterprise"])
    }
}
