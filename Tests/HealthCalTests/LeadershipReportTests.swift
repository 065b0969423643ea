import Foundation
import Testing
@testable import HealthCal

/// The leadership report escapes every user-supplied string: a customer id that is markup and a
/// feature name full of quotes and ampersands arrive as text.
@Suite struct LeadershipReportTests {
    static func inputs() throws -> ReportInputs {
        let p: [Double] = [0.1, 0.8, 0.3, 0.6, 0.2, 0.7, 0.4, 0.9, 0.05, 0.5]
        let y: [Double] = [0, 1, 0, 1, 0, 0, 1, 1, 0, 0]
        let m = try MetricsReport.compute(p: p, y: y)
        let fold = BacktestRun.FoldResult(test: "2025Q1", trainPeriods: ["2024Q1", "2024Q4"], trainRows: 40, testRows: 10,
                                          iterations: 5, converged: true, warnings: [], metrics: m)
        let run = BacktestRun(folds: [fold], models: [], rows: Array(0..<10), foldOfRow: Array(repeating: 0, count: 10),
                              linearPredictor: p.map { log($0 / (1 - $0)) }, probability: p, calibratedProbability: p,
                              pooled: m, pooledCalibrated: m, perSegment: [:], calibration: nil, finalCalibration: .identity, notes: [])
        let names = ["const", "a\"b&c", "logins"]
        var x = [Double](repeating: 1, count: 10)
        x += (0..<10).map { Double($0 % 3) }
        x += (0..<10).map { Double($0) }
        let fit = try LogisticRegression.fit(Design(x: try .init(rows: 10, cols: 3, columnMajor: x), names: names, hasIntercept: true),
                                             y: y, options: LogisticOptions(ridge: 1))
        let hostile = "<script>alert(1)</script>"
        let flags = FlagDigest(churners: 4, falseHealthy: 1, riskiestBandCustomers: 3, persistentAtRisk: 1, persistentPeriods: 3,
                               scoreDrops: 0, top: [.init(kind: "Called healthy, churned", customer: hostile, segment: "SMB",
                                                          periods: "2025Q1", healthScore: 90, scoreTrajectory: [88, 90],
                                                          reasons: "a\"b&c = 3 (-0.4)")])
        return ReportInputs(runLabel: "2025Q1", date: nil, dataFile: "panel.csv", backtest: BacktestReport(run: run, champion: nil),
                            probability: p, rawProbability: p, outcome: y, weights: nil, periodLabels: Array(repeating: "2025Q1", count: 10),
                            champion: nil, fit: fit, calibration: .identity, bands: nil, flags: flags, outputs: [("weights", "weights.json")])
    }

    @Test func hostileCustomerIdAndFeatureNameAreText() throws {
        let html = LeadershipReport.html(try Self.inputs())
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("a\"b&c"))
        #expect(html.contains("a&quot;b&amp;c"))
    }

    @Test func markdownSummaryCarriesTheHeadlines() throws {
        let md = LeadershipReport.markdown(try Self.inputs())
        #expect(md.contains("Ranking (AUC)"))
        #expect(md.contains("1 churners (25.00% of all churners) were scored in the healthiest band"))
        #expect(!md.contains("<script>"))
    }
}
