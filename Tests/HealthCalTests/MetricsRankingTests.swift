import Testing
@testable import HealthCal
import TestSupport

@Suite("Metrics: ROC and average precision against scikit-learn")
struct MetricsRankingTests {
    @Test("roc_auc_score", arguments: MetricsReference.caseNames)
    func rocAUC(name: String) throws {
        let c = try MetricsReference.named(name)
        let auc = try RankingMetrics.rocAUC(p: c.p, y: c.y, w: c.w)
        // Reference: sklearn.metrics.roc_auc_score; tolerance 1e-12 relative (same trapezoids).
        #expect(relativeError(auc, c.rocAuc) < 1e-12)
    }

    @Test("roc_curve points (drop_intermediate=True)", arguments: MetricsReference.caseNames)
    func rocCurve(name: String) throws {
        let c = try MetricsReference.named(name)
        let curve = try RankingMetrics.rocCurve(p: c.p, y: c.y, w: c.w)
        // Reference: sklearn.metrics.roc_curve; same points, tolerance 1e-12 absolute on rates,
        // thresholds are input values so they must be identical.
        #expect(curve.falsePositiveRate.count == c.rocFpr.count)
        #expect(maxAbsoluteError(curve.falsePositiveRate, c.rocFpr) < 1e-12)
        #expect(maxAbsoluteError(curve.truePositiveRate, c.rocTpr) < 1e-12)
        #expect(curve.thresholds.first == .infinity)
        #expect(Array(curve.thresholds.dropFirst()) == c.rocThresholdsAfterInf)
    }

    @Test("average_precision_score", arguments: MetricsReference.caseNames)
    func averagePrecision(name: String) throws {
        let c = try MetricsReference.named(name)
        let ap = try RankingMetrics.averagePrecision(p: c.p, y: c.y, w: c.w)
        // Reference: sklearn.metrics.average_precision_score; tolerance 1e-12 relative.
        #expect(relativeError(ap, c.averagePrecision) < 1e-12)
    }

    @Test("hand example: a tied churner/non-churner pair counts one half")
    func tiesHalf() throws {
        // Pairs (churner, non-churner): (0.8 vs 0.2) win, (0.8 vs 0.5) win, (0.5 vs 0.2) win,
        // (0.5 vs 0.5) tie = 1/2, so AUC = 3.5/4 (computed by hand); exact in binary floating point.
        let auc = try RankingMetrics.rocAUC(p: [0.2, 0.5, 0.5, 0.8], y: [0, 0, 1, 1])
        #expect(auc == 0.875)
        // AP by hand: thresholds 0.8 (P=1, R=1/2), 0.5 (P=2/3, R=1): 1/2·1 + 1/2·2/3 = 5/6; 1e-15 absolute.
        let ap = try RankingMetrics.averagePrecision(p: [0.2, 0.5, 0.5, 0.8], y: [0, 0, 1, 1])
        #expect(abs(ap - 5.0 / 6.0) < 1e-15)
    }

    @Test("AUC needs both classes; AP needs a churner")
    func singleClass() {
        #expect(throws: MetricError.singleClass(outcome: 1)) { try RankingMetrics.rocAUC(p: [0.1, 0.2], y: [1, 1]) }
        #expect(throws: MetricError.singleClass(outcome: 0)) { try RankingMetrics.averagePrecision(p: [0.1, 0.2], y: [0, 0]) }
        // Zero weight on every non-churner leaves a single class too.
        #expect(throws: MetricError.singleClass(outcome: 1)) {
            try RankingMetrics.rocAUC(p: [0.1, 0.2, 0.3], y: [0, 1, 1], w: [0, 1, 1])
        }
    }
}
