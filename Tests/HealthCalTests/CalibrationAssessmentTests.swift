import Testing
@testable import HealthCal
import TestSupport

@Suite("Calibration before and after, on periods it was not estimated on")
struct CalibrationAssessmentTests {
    /// 8 periods x 4000 rows, SplitMix64 seed 2025: x ~ N(0, 1), true churn probability
    /// sigmoid(-2 + x), reported p = sigmoid(1.5(-2 + x) + 0.8): too extreme and too high.
    /// On the reported logit r the truth is logit = -0.533 + 0.667 r, so before recalibration
    /// the Cox intercept should be near -0.53 and the slope near 0.67.
    static func miscalibrated() -> (p: [Double], y: [Double], period: [Int]) {
        var rng = SplitMix64(seed: 2025)
        var p: [Double] = [], y: [Double] = [], period: [Int] = []
        for t in 1...8 {
            for _ in 0..<4000 {
                let x = rng.normal()
                y.append(rng.uniform() < CalibrationMap.sigmoid(-2 + x) ? 1 : 0)
                p.append(CalibrationMap.sigmoid(1.5 * (-2 + x) + 0.8))
                period.append(t)
            }
        }
        return (p, y, period)
    }

    @Test("Platt, split: estimated on periods 1-6, evaluated on 7-8")
    func plattSplit() throws {
        let d = Self.miscalibrated()
        let a = try CalibrationAssessment.assess(p: d.p, y: d.y, period: d.period, method: .platt)
        #expect(a.steps.count == 1 && a.steps[0].estimationPeriods == [1, 2, 3, 4, 5, 6] && a.evaluationPeriods == [7, 8])
        #expect(a.before.rows == 8000 && a.after.rows == 8000)
        let before = (try #require(a.before.coxIntercept), try #require(a.before.coxSlope))
        let after = (try #require(a.after.coxIntercept), try #require(a.after.coxSlope))
        let se = (try #require(a.after.coxInterceptStandardError), try #require(a.after.coxSlopeStandardError))
        // Observed, seed 2025: before (a, b) = (-0.593, 0.634); after (-0.117 ± 0.064, 0.932 ± 0.038).
        // The brief's "within 0.1 of (0, 1)" is NOT a reliable test on a 2-period holdout: the
        // evaluation alone has SE ≈ 0.064 on the Cox intercept (it is the log-odds at p = 0.5,
        // far from these rows), and with seeds 1-20 it failed for 7 of 20 although every fitted
        // map was close to the truth. So the split is held to 3 evaluation SEs here; the 0.1
        // criterion is checked on the rolling assessment (28000 pooled rows) and, free of
        // evaluation noise, on the map itself (`plattRecoversTruth`).
        #expect(abs(after.0) < 3 * se.0 && abs(after.1 - 1) < 3 * se.1)
        // Before: clearly off (population values -0.53 and 0.67), many SEs away.
        #expect(abs(before.1 - 1) > 0.25 && before.0 < -0.3)
        #expect(a.after.logLoss < a.before.logLoss && a.after.brier < a.before.brier)
        #expect(try #require(a.after.ece) < (try #require(a.before.ece)))
        #expect(abs(a.after.calibrationInTheLarge) < abs(a.before.calibrationInTheLarge))
        #expect(a.notes.isEmpty)
    }

    /// A snapshot's k-fold scores: every fold is evaluated, each with the map fitted on the rows
    /// of all the other folds (the same map `CalibrationMap.fit` gives on those rows, to the bit),
    /// and the folds may come in any order.
    @Test("cross-fitted: every fold calibrated by a map from the others", arguments: [CalibrationOptions.Method.platt, .isotonic])
    func crossFitted(method: CalibrationOptions.Method) throws {
        let d = Self.miscalibrated()
        // Five "folds" interleaved, as a k-fold's rows are not grouped by fold.
        let fold = d.period.indices.map { $0 % 5 }
        let a = try CalibrationAssessment.assess(p: d.p, y: d.y, period: fold, method: method, mode: .crossFitted)
        #expect(a.evaluationPeriods == [0, 1, 2, 3, 4])
        #expect(a.before.rows == d.p.count && a.after.rows == d.p.count)
        for step in a.steps {
            let k = try #require(step.evaluationPeriods.first)
            #expect(step.evaluationPeriods == [k] && step.estimationPeriods == [0, 1, 2, 3, 4].filter { $0 != k })
            let others = d.p.indices.filter { fold[$0] != k }
            let expected = try CalibrationMap.fit(method, p: others.map { d.p[$0] }, y: others.map { d.y[$0] })
            // The same rows, summed grouped by fold rather than in input order: Platt's Newton
            // sums agree to rounding (exactly, rows in order: CalibrationAssessmentReferenceTests).
            if case let .platt(a1, b1) = step.map, case let .platt(a2, b2) = expected {
                #expect(abs(a1 - a2) < 1e-12 && abs(b1 - b2) < 1e-12)
            } else {
                #expect(step.map == expected)
            }
        }
        #expect(a.after.logLoss < a.before.logLoss)
        if method == .platt { #expect(abs(try #require(a.after.coxSlope) - 1) < 0.05) }
        // One fold has nothing to be calibrated by.
        #expect(throws: CalibrationError.self) {
            try CalibrationAssessment.assess(p: d.p, y: d.y, period: d.p.map { _ in 0 }, method: method, mode: .crossFitted)
        }
    }

    @Test("the Platt map estimated on periods 1-6 recovers the true recalibration")
    func plattRecoversTruth() throws {
        let d = Self.miscalibrated()
        let a = try CalibrationAssessment.assess(p: d.p, y: d.y, period: d.period, method: .platt)
        // Truth: logit = −2 + x = (r − 0.8)/1.5 for the reported logit r, i.e. a = −0.5333, b = 0.6667.
        // Observed, seed 2025: a = −0.5104, b = 0.6800. Tolerance 0.1 on both (24000 rows,
        // estimation SE ≈ 0.03 on a and 0.015 on b; held for all seeds 1-20).
        guard case let .platt(pa, pb) = a.steps[0].map else { Issue.record("not Platt"); return }
        #expect(abs(pa - (-0.8 / 1.5)) < 0.1 && abs(pb - 1 / 1.5) < 0.1, "a \(pa) b \(pb)")
    }

    @Test("Platt, rolling: each period recalibrated on the periods before it, evaluations pooled")
    func plattRolling() throws {
        let d = Self.miscalibrated()
        let a = try CalibrationAssessment.assess(p: d.p, y: d.y, period: d.period, method: .platt, mode: .rolling)
        #expect(a.steps.map(\.evaluationPeriods) == (2...8).map { [$0] })
        #expect(a.steps.last?.estimationPeriods == Array(1...7))
        let after = (try #require(a.after.coxIntercept), try #require(a.after.coxSlope))
        // Observed, seed 2025: after (-0.014, 1.003), SEs ≈ (0.034, 0.020). Criterion from the
        // brief: within 0.1 of (0, 1) (≈ 3 SE here; with seeds 1-20 it held for 18 of 20).
        #expect(abs(after.1 - 1) < 0.1 && abs(after.0) < 0.1)
        #expect(abs(try #require(a.before.coxSlope) - 1) > 0.25)
    }

    @Test("intercept-only fixes the level but not the slope; isotonic improves the log loss")
    func otherMethods() throws {
        let d = Self.miscalibrated()
        let i = try CalibrationAssessment.assess(p: d.p, y: d.y, period: d.period, method: .intercept)
        // Mean predicted vs observed on the holdout within 0.01 (the shift is re-estimated on
        // other periods, so only sampling noise remains: SE of a churn share on 8000 rows ≈ 0.004).
        #expect(abs(i.after.calibrationInTheLarge) < 0.01)
        #expect(abs(try #require(i.after.coxSlope) - 1) > 0.25)
        let iso = try CalibrationAssessment.assess(p: d.p, y: d.y, period: d.period, method: .isotonic)
        #expect(iso.after.brier < iso.before.brier)
        #expect(iso.after.logLoss < iso.before.logLoss)
    }

    @Test("horizon 2 leaves a gap between estimation and evaluation periods")
    func horizon() throws {
        let d = Self.miscalibrated()
        let a = try CalibrationAssessment.assess(p: d.p, y: d.y, period: d.period, mode: .split(holdout: 2), horizon: 2)
        #expect(a.steps[0].estimationPeriods == [1, 2, 3, 4, 5] && a.evaluationPeriods == [7, 8])
        let r = try CalibrationAssessment.assess(p: d.p, y: d.y, period: d.period, mode: .rolling, horizon: 3)
        #expect(r.steps.first?.estimationPeriods == [1] && r.steps.first?.evaluationPeriods == [4])
    }

    @Test("one scored period is not enough: typed error")
    func tooFew() {
        #expect(throws: CalibrationError.self) {
            try CalibrationAssessment.assess(p: [0.2, 0.4, 0.5], y: [0, 1, 0], period: [3, 3, 3])
        }
        #expect(throws: CalibrationError.metric(.lengthMismatch(name: "periods", expected: 3, actual: 2))) {
            try CalibrationAssessment.assess(p: [0.2, 0.4, 0.5], y: [0, 1, 0], period: [3, 3])
        }
    }
}
