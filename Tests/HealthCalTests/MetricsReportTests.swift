import Foundation
import Testing
@testable import HealthCal
import TestSupport

@Suite("Metrics: the all-in-one report")
struct MetricsReportTests {
    @Test("report fields equal the single metrics and the sklearn references", arguments: MetricsReference.caseNames)
    func consistent(name: String) throws {
        let c = try MetricsReference.named(name)
        let r = try MetricsReport.compute(p: c.p, y: c.y, w: c.w)
        // Reference: sklearn values from the fixture; tolerance 1e-12 relative (as in the
        // single-metric tests, the report calls the same functions).
        #expect(relativeError(try #require(r.rocAUC), c.rocAuc) < 1e-12)
        #expect(relativeError(try #require(r.averagePrecision), c.averagePrecision) < 1e-12)
        #expect(relativeError(r.logLoss, c.logLoss) < 1e-12)
        #expect(relativeError(r.brier, c.brier) < 1e-12)
        #expect(abs(r.reliabilityQuantile.expectedCalibrationError - c.calibrationQuantile10.ece) < 1e-12)
        #expect(abs(r.reliabilityUniform.expectedCalibrationError - c.calibrationUniform10.ece) < 1e-12)
        #expect(r.weighted == (c.w != nil))
        #expect((r.rocAUCDeLong == nil) == (c.w != nil))
        if c.glm == nil {
            // p contains 0 and 1: logit-scale metrics are nil and the notes say why; the
            // difference of means needs no logit and is kept.
            let citl = try #require(r.calibrationInTheLarge)
            #expect(r.cox == nil && citl.logisticIntercept == nil && citl.logisticInterceptStandardError == nil)
            #expect(citl.difference == r.churnRate - r.meanPredicted)
            let w = c.w ?? c.p.map { _ in 1.0 }, total = w.reduce(0, +)
            let observed = zip(w, c.y).map { $0 * $1 }.reduce(0, +) / total
            let predicted = zip(w, c.p).map { $0 * $1 }.reduce(0, +) / total
            #expect(abs(citl.difference - (observed - predicted)) < 1e-12)
            #expect(r.notes.contains { $0.hasPrefix("cox: probability at row 0 is 0.0") })
            #expect(r.notes.contains { $0.hasPrefix("calibrationInTheLarge: logistic intercept undefined: probability at row 0 is 0.0") })
        } else {
            #expect(r.cox != nil)
        }
    }

    @Test("encodes to JSON and decodes to the same value")
    func codable() throws {
        let c = try MetricsReference.named("ties")
        let bands = c.p.map { $0 >= 0.5 ? "red" : ($0 >= 0.2 ? "yellow" : "green") }
        let r = try MetricsReport.compute(p: c.p, y: c.y, bands: bands, bandOrder: ["red", "yellow", "green"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(r)
        // Exact: JSON keeps the shortest round-tripping decimal of every Double.
        #expect(try JSONDecoder().decode(MetricsReport.self, from: data) == r)
        #expect(r.bands?.map(\.band) == ["red", "yellow", "green"])
    }

    @Test("a single-class sample still gives a report, with notes")
    func singleClass() throws {
        let r = try MetricsReport.compute(p: [0.1, 0.2, 0.3], y: [0, 0, 0])
        #expect(r.rocAUC == nil && r.averagePrecision == nil && r.topDecileLift == nil)
        #expect(r.notes.contains { $0.hasPrefix("rocAUC:") })
        // Brier by hand: (0.01 + 0.04 + 0.09)/3; 1e-15 absolute.
        #expect(abs(r.brier - 0.14 / 3) < 1e-15)
    }
}
