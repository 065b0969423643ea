import Testing
@testable import HealthCal
import TestSupport

@Suite("Metrics: isotonic regression against scikit-learn")
struct MetricsIsotonicTests {
    @Test("IsotonicRegression(out_of_bounds='clip') thresholds and predictions",
          arguments: MetricsReference.caseNames)
    func againstSklearn(name: String) throws {
        let c = try MetricsReference.named(name)
        let fit = try IsotonicRegression.fit(x: c.p, y: c.y, w: c.w)
        // Reference: sklearn X_thresholds_ (inputs, so exact) and y_thresholds_ (pooled means;
        // 1e-12 absolute); predict() on a grid with out-of-range points, 1e-12 absolute.
        #expect(fit.thresholdsX == c.isotonic.xThresholds)
        #expect(maxAbsoluteError(fit.thresholdsY, c.isotonic.yThresholds) < 1e-12)
        #expect(maxAbsoluteError(fit.predict(c.isotonic.grid), c.isotonic.predictions) < 1e-12)
    }

    @Test("ties in x are averaged before pooling; the table is monotone")
    func tiesByHand() throws {
        // x = 1 twice (y 0 and 1 → 0.5), x = 2 (y 0) violates, pooled: (0.5·2 + 0)/3 = 1/3 at
        // both; x = 3 (y 1). Flat interior points are trimmed, ends kept. By hand; 1e-15 absolute.
        let fit = try IsotonicRegression.fit(x: [2, 1, 3, 1], y: [0, 1, 1, 0])
        #expect(fit.thresholdsX == [1, 2, 3])
        #expect(maxAbsoluteError(fit.thresholdsY, [1.0 / 3, 1.0 / 3, 1]) < 1e-15)
        #expect(abs(fit.predict(2.5) - 2.0 / 3) < 1e-15)
        #expect(fit.predict(-10) == fit.thresholdsY[0] && fit.predict(10) == 1)
    }

    @Test("a single distinct x gives a constant map")
    func constant() throws {
        let fit = try IsotonicRegression.fit(x: [0.3, 0.3, 0.3], y: [0, 1, 1])
        #expect(fit.thresholdsX == [0.3])
        #expect(abs(fit.predict(0.9) - 2.0 / 3) < 1e-15) // by hand, 1e-15 absolute
    }
}
