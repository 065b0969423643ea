import Testing
@testable import HealthCal
import TestSupport

@Suite("Metrics: reliability curve, ECE, Cox, calibration-in-the-large, Hosmer-Lemeshow, lift")
struct MetricsCalibrationTests {
    @Test("calibration_curve and ECE, uniform and quantile bins", arguments: MetricsReference.caseNames)
    func reliability(name: String) throws {
        let c = try MetricsReference.named(name)
        for (ref, bins, strategy) in [(c.calibrationUniform10, 10, BinStrategy.uniform),
                                      (c.calibrationQuantile10, 10, .quantile),
                                      (c.calibrationQuantile5, 5, .quantile)] {
            let curve = try CalibrationCurve.reliability(p: c.p, y: c.y, w: c.w, bins: bins, strategy: strategy)
            let obs = curve.bins.map(\.observedFrequency), pred = curve.bins.map(\.meanPredicted)
            // Unweighted: sklearn.calibration.calibration_curve itself (prob_true, prob_pred).
            // Weighted: numpy bincount with the same edges (sklearn has no sample_weight here).
            // Tolerance 1e-12 absolute (values in [0, 1]); bin counts exact.
            if let t = ref.sklearnProbTrue, let q = ref.sklearnProbPred {
                #expect(maxAbsoluteError(obs, t) < 1e-12, "\(strategy) prob_true")
                #expect(maxAbsoluteError(pred, q) < 1e-12, "\(strategy) prob_pred")
            }
            #expect(maxAbsoluteError(obs, ref.probTrue) < 1e-12)
            #expect(maxAbsoluteError(pred, ref.probPred) < 1e-12)
            #expect(curve.bins.map(\.count) == ref.count)
            #expect(maxRelativeError(curve.bins.map(\.weight), ref.weight) < 1e-12)
            // ECE from the same bins, numpy; 1e-12 absolute.
            #expect(abs(curve.expectedCalibrationError - ref.ece) < 1e-12)
        }
    }

    @Test("p on a bin edge falls in the lower bin (numpy searchsorted side=left)")
    func edges() throws {
        // By definition of sklearn's binning: 0.2 is the upper edge of bin 1 (0.1, 0.2].
        let curve = try CalibrationCurve.reliability(p: [0.0, 0.2, 0.2000001, 1.0], y: [0, 1, 0, 1])
        #expect(curve.bins.map(\.index) == [0, 1, 2, 9])
    }

    @Test("Cox slope/intercept and logistic calibration-in-the-large vs statsmodels",
          arguments: MetricsReference.caseNames)
    func cox(name: String) throws {
        let c = try MetricsReference.named(name)
        guard let g = c.glm else {
            // The "small" case has p = 0 and 1: logit undefined, statsmodels not run either.
            #expect(throws: MetricError.logitUndefined(index: 0, value: 0)) { try CalibrationFit.cox(p: c.p, y: c.y, w: c.w) }
            return
        }
        let fit = try CalibrationFit.cox(p: c.p, y: c.y, w: c.w)
        // Reference: statsmodels GLM(Binomial, freq_weights) with tol=1e-14; both fits converge
        // to the same MLE, tolerance 1e-9 relative on estimates and standard errors.
        #expect(relativeError(fit.intercept, g.coxIntercept) < 1e-9)
        #expect(relativeError(fit.slope, g.coxSlope) < 1e-9)
        #expect(relativeError(fit.interceptStandardError, g.coxInterceptSe) < 1e-9)
        #expect(relativeError(fit.slopeStandardError, g.coxSlopeSe) < 1e-9)
        let citl = try CalibrationFit.calibrationInTheLarge(p: c.p, y: c.y, w: c.w)
        // Reference: statsmodels GLM(y ~ 1, offset=logit p); 1e-9 relative.
        #expect(relativeError(try #require(citl.logisticIntercept), g.citlLogistic) < 1e-9)
        #expect(relativeError(try #require(citl.logisticInterceptStandardError), g.citlLogisticSe) < 1e-9)
        // Reference: numpy average(y) − average(p); 1e-12 absolute.
        #expect(abs(citl.difference - g.citlDifference) < 1e-12)
    }

    @Test("perfectly calibrated by construction: Cox gives intercept 0, slope 1")
    func coxIdentity() throws {
        // Rows at p ∈ {0.2, 0.5, 0.8} with churn shares exactly 1/5, 1/2, 4/5: the MLE of
        // logit P = a + b·logit p is (0, 1) exactly; tolerance 1e-12 absolute.
        var p: [Double] = [], y: [Double] = []
        for (prob, churners) in [(0.2, 2), (0.5, 5), (0.8, 8)] {
            p += Array(repeating: prob, count: 10)
            y += (0..<10).map { $0 < churners ? 1 : 0 }
        }
        let fit = try CalibrationFit.cox(p: p, y: y)
        #expect(abs(fit.intercept) < 1e-12 && abs(fit.slope - 1) < 1e-12)
    }

    @Test("perfect separation is reported, not returned as huge numbers")
    func separation() {
        #expect(throws: MetricError.perfectSeparation(what: "Cox calibration slope and intercept")) {
            try CalibrationFit.cox(p: [0.1, 0.2, 0.3, 0.7, 0.8, 0.9], y: [0, 0, 0, 1, 1, 1])
        }
    }

    @Test("Hosmer-Lemeshow with deciles of p", arguments: MetricsReference.caseNames)
    func hosmerLemeshow(name: String) throws {
        let c = try MetricsReference.named(name)
        let hl = try HosmerLemeshowTest.test(p: c.p, y: c.y, w: c.w)
        // Reference: numpy (same groups as np.percentile + searchsorted) and scipy chi2.sf
        // (statsmodels has no Hosmer-Lemeshow); 1e-10 relative on the statistic and p-value.
        #expect(relativeError(hl.statistic, c.hosmerLemeshow.statistic) < 1e-10)
        #expect(hl.degreesOfFreedom == c.hosmerLemeshow.df)
        #expect(relativeError(hl.pValue, c.hosmerLemeshow.pValue) < 1e-10)
    }

    @Test("top-decile lift with proportional ties", arguments: MetricsReference.caseNames)
    func lift(name: String) throws {
        let c = try MetricsReference.named(name)
        let l = try LiftMetrics.topLift(p: c.p, y: c.y, w: c.w)
        // Reference: make_metrics_fixtures.py `top_lift` (same tie rule, numpy); 1e-12 relative.
        #expect(relativeError(l.lift, c.topDecile.lift) < 1e-12)
        #expect(relativeError(l.topRate, c.topDecile.topRate) < 1e-12)
        #expect(relativeError(l.overallRate, c.topDecile.overallRate) < 1e-12)
    }

    @Test("lift tie rule by hand")
    func liftTies() throws {
        // 10 rows, top 10% = 1 row of weight; the top p = 0.9 is shared by a churner and a
        // non-churner, so each enters with share 1/2: top rate 1/2; overall 3/10; lift 5/3.
        let p = [0.9, 0.9, 0.5, 0.5, 0.4, 0.3, 0.2, 0.2, 0.1, 0.1]
        let y: [Double] = [1, 0, 1, 0, 0, 1, 0, 0, 0, 0]
        let l = try LiftMetrics.topLift(p: p, y: y)
        #expect(abs(l.topRate - 0.5) < 1e-15 && abs(l.lift - 5.0 / 3.0) < 1e-15) // 1e-15 absolute, by hand
    }

    @Test("churn by band, counted by hand")
    func bands() throws {
        let rates = try LiftMetrics.churnByBand(
            p: [0.1, 0.2, 0.7, 0.8, 0.5], y: [0, 1, 1, 1, 0], w: [1, 1, 2, 1, 1],
            bands: ["green", "green", "red", "red", "yellow"], order: ["red", "yellow", "green", "orange"])
        #expect(rates.map(\.band) == ["red", "yellow", "green", "orange"])
        #expect(rates.map(\.count) == [2, 1, 2, 0])
        #expect(rates.map(\.churnRate) == [1, 0, 0.5, nil]) // exact: small integers over weights
        #expect(abs((rates[0].meanPredicted ?? 0) - (2 * 0.7 + 0.8) / 3) < 1e-15) // 1e-15 absolute
    }
}
