import Testing
@testable import HealthCal
import TestSupport

@Suite("Metrics: log loss, Brier score and Murphy's decomposition")
struct MetricsProbabilisticTests {
    @Test("log_loss (eps = float64 machine epsilon)", arguments: MetricsReference.caseNames)
    func logLoss(name: String) throws {
        let ref = try MetricsReference.shared.get()
        let c = try MetricsReference.named(name)
        // The installed sklearn clips with numpy finfo(float64).eps, recorded by the script.
        #expect(ProbabilisticScores.logLossEpsilon == ref.logLossEps)
        let v = try ProbabilisticScores.logLoss(p: c.p, y: c.y, w: c.w)
        // Reference: sklearn.metrics.log_loss(labels=[0, 1]); tolerance 1e-12 relative. The
        // "small" case has p = 0 and p = 1 rows, so it exercises the clip.
        #expect(relativeError(v, c.logLoss) < 1e-12)
    }

    @Test("brier_score_loss", arguments: MetricsReference.caseNames)
    func brier(name: String) throws {
        let c = try MetricsReference.named(name)
        let v = try ProbabilisticScores.brier(p: c.p, y: c.y, w: c.w)
        // Reference: sklearn.metrics.brier_score_loss; tolerance 1e-12 relative.
        #expect(relativeError(v, c.brier) < 1e-12)
    }

    @Test("Murphy decomposition on 10 equal-width bins", arguments: MetricsReference.caseNames)
    func murphy(name: String) throws {
        let c = try MetricsReference.named(name)
        let m = c.murphyUniform10
        let d = try ProbabilisticScores.brierDecomposition(p: c.p, y: c.y, w: c.w)
        // Reference: numpy definitions in make_metrics_fixtures.py `murphy`; 1e-10 absolute
        // (components are O(0.01-0.25); within-bin covariance can be near 0, so absolute).
        #expect(abs(d.reliability - m.reliability) < 1e-10)
        #expect(abs(d.resolution - m.resolution) < 1e-10)
        #expect(abs(d.uncertainty - m.uncertainty) < 1e-10)
        #expect(abs(d.withinBinVariance - m.withinBinVariance) < 1e-10)
        #expect(abs(d.withinBinCovariance - m.withinBinCovariance) < 1e-10)
        // The exact identity Brier = REL − RES + UNC + WBV − 2·WBC (Stephenson et al. 2008),
        // an algebraic identity, so 1e-12 absolute (rounding only).
        let rebuilt = d.reliability - d.resolution + d.uncertainty + d.withinBinVariance - 2 * d.withinBinCovariance
        #expect(abs(rebuilt - c.brier) < 1e-12)
    }

    @Test("with one distinct p per bin, REL − RES + UNC is the Brier score")
    func murphyExactOnFewValues() throws {
        // p takes 4 values, each in its own equal-width bin, so both within-bin terms are 0 and
        // Murphy's three terms reproduce the Brier score; tolerance 1e-15 absolute (rounding).
        let p = [0.05, 0.05, 0.05, 0.05, 0.35, 0.35, 0.35, 0.62, 0.62, 0.62, 0.62, 0.9, 0.9]
        let y: [Double] = [0, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1]
        let w = [1.0, 2, 0.5, 1, 1, 3, 1, 1, 1, 2, 1, 1, 0.25]
        for weights in [nil, w] {
            let d = try ProbabilisticScores.brierDecomposition(p: p, y: y, w: weights)
            // Zero up to the rounding of p̄ = Σwp/Σw (about 1e-34 seen); 1e-30 absolute.
            #expect(d.withinBinVariance < 1e-30)
            #expect(abs(d.withinBinCovariance) < 1e-15)
            let brier = try ProbabilisticScores.brier(p: p, y: y, w: weights)
            #expect(abs(d.reliability - d.resolution + d.uncertainty - brier) < 1e-15)
            #expect(abs(d.brier - brier) < 1e-15)
        }
    }

    @Test("log loss of p = 1 for a non-churner is −log(eps), finite")
    func clip() throws {
        // By definition: −log(2⁻⁵²) = 52·log 2; tolerance 1e-15 relative.
        let v = try ProbabilisticScores.logLoss(p: [1], y: [0])
        #expect(relativeError(v, 52 * 0.6931471805599453) < 1e-15)
    }
}
