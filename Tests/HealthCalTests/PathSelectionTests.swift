import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// `model.select: path` on a generated panel where three metrics drive churn and seven are noise.
@Suite struct PathSelectionTests {
    static let signal = ["usage": 1.0, "tickets": -0.8, "nps": 0.6]
    static let noise = (1...7).map { "noise\($0)" }

    /// 10 quarters x 600 customer-rows; logit = −2 + 1.0·usage − 0.8·tickets + 0.6·nps, every
    /// metric N(0, 1) (Box-Muller on a fixed LCG stream). `flipLast` flips the outcomes of the last
    /// quarter (for the leakage test).
    static func csv(flipLast: Bool = false) -> String {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Double(state >> 11) + 0.5) / 9007199254740992
        }
        func normal() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
        var out = "id,quarter,churned,usage,tickets,nps," + noise.joined(separator: ",") + "\n"
        let quarters = (0..<10).map { "\(2022 + $0 / 4)Q\($0 % 4 + 1)" }
        for (q, label) in quarters.enumerated() {
            for i in 0..<600 {
                let u = normal(), t = normal(), n = normal()
                let eta = -2 + 1.0 * u - 0.8 * t + 0.6 * n
                var y = uniform() < 1 / (1 + exp(-eta)) ? 1 : 0
                if flipLast && q == quarters.count - 1 { y = 1 - y }
                let noiseValues = noise.map { _ in String(normal()) }
                out += "c\(q)_\(i),\(label),\(y),\(u),\(t),\(n)," + noiseValues.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    static func spec(minTrain: Int = 4, testPeriods: Int = 0) -> String {
        """
        version: 1
        data: {id: id, period: quarter, outcome: churned}
        features:
        \((["usage", "tickets", "nps"] + noise).map { "  - {name: \($0), type: numeric}" }.joined(separator: "\n"))
        model: {select: path, covariance: model}
        backtest: {min_train_periods: \(minTrain), test_periods: \(testPeriods)}
        """
    }

    static func panel(flipLast: Bool = false, minTrain: Int = 4, testPeriods: Int = 0) throws -> Panel {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("enet-path-\(getpid())-\(flipLast).csv").path
        try csv(flipLast: flipLast).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try PanelLoading.load(path: path, spec: try Spec.parse(yaml: spec(minTrain: minTrain, testPeriods: testPeriods)))
    }

    @Test func lambda1SEDropsTheNoiseAndKeepsTheSignal() throws {
        let fit = try SpecFit.run(panel: try Self.panel())
        let s = try #require(fit.selection)
        #expect(s.path.alpha == 1)
        #expect(s.path.lambdas.count == PenaltyPath.defaultCount)
        #expect(s.foldLabels == ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2"])   // 4 training quarters, horizon 1
        #expect(s.lambda1SE >= s.lambdaMin)
        // At λ_max every weight is 0; the path only adds weights here (glmnet's shape on such data).
        #expect(s.path.nonZeroCounts.first == 0)
        // The lasso at λ_1se is conservative, not an oracle: on this draw one noise metric keeps
        // a small weight (the bar: at most one of seven, and under 0.05 per SD where the weakest
        // signal is 0.6).
        let kept = Self.noise.filter { !s.droppedColumns.contains($0) }
        #expect(kept.count <= 1, "kept noise \(kept)")
        for name in kept { #expect(abs(fit.fit.coefficient(name) ?? 1) < 0.05, "\(name) \(fit.fit.coefficient(name) ?? .nan)") }
        #expect(s.droppedColumns.allSatisfy(Self.noise.contains))
        for (name, truth) in Self.signal {
            let w = try #require(fit.fit.coefficient(name))
            #expect(w != 0 && (w > 0) == (truth > 0), "\(name) \(w)")
        }
        // The final fit is the elastic net at λ_1se: its weights are the path's there.
        #expect(fit.fit.l1 == s.lambda1SE)
        // (the path's fits stop at KKT 1e-8, the final fit at 1e-10: 1e-6 on the weights).
        #expect(maxAbsoluteError(fit.fit.coefficients, s.path.coefficients[s.chosenIndex]) < 1e-6)
        // λ_1se is the largest λ whose mean deviance is within one SE of the minimum.
        let best = try #require(s.path.lambdas.firstIndex(of: s.lambdaMin))
        for i in 0..<s.chosenIndex { #expect(s.meanDeviance[i] > s.meanDeviance[best] + s.devianceSE[best]) }
        #expect(s.meanDeviance[s.chosenIndex] <= s.meanDeviance[best] + s.devianceSE[best])
    }

    /// Each backtest fold chooses λ on its own training periods: flipping every outcome of the
    /// last quarter (never a training period) leaves every fold's weights and λ unchanged, while
    /// a selection that looked at all rows would move. The backtest scores the last 4 quarters, so
    /// each fold has the 6 training quarters its own walk-forward selection needs.
    @Test func eachFoldChoosesLambdaOnItsTrainingPeriodsOnly() throws {
        let a = try Backtest.run(panel: try Self.panel(testPeriods: 4))
        let b = try Backtest.run(panel: try Self.panel(flipLast: true, testPeriods: 4))
        #expect(a.models.count == 4)
        for (ma, mb) in zip(a.models, b.models) {
            #expect(ma.fit.l1 != nil && ma.fit.l1 == mb.fit.l1)
            #expect(ma.fit.coefficients == mb.fit.coefficients)
        }
        // The flip is seen by a fit that trains on the last quarter.
        let fa = try SpecFit.run(panel: try Self.panel()), fb = try SpecFit.run(panel: try Self.panel(flipLast: true))
        #expect(fa.fit.coefficients != fb.fit.coefficients)
        // The first fold (test 2023Q3) trained on 2022Q1-2023Q2: its selection's folds saw no later quarter.
        let panel = try Self.panel(testPeriods: 4)
        let early = Set(["2022Q1", "2022Q2", "2022Q3", "2022Q4", "2023Q1", "2023Q2"])
        let train = (0..<panel.rowCount).filter { panel.period(ofRow: $0).map { early.contains($0.label) } == true }
        let inner = try #require(try SpecFit.run(panel: panel, rows: train).selection)
        #expect(inner.foldLabels == ["2023Q1", "2023Q2"])
        #expect(inner.foldTrainPeriods.allSatisfy { $0.allSatisfy(early.contains) })
        #expect(a.models.first?.fit.l1 == inner.lambda1SE)
    }

    @Test func tooFewPeriodsIsAClearError() throws {
        // 10 quarters with min_train_periods 9: one test period, no standard error.
        let error = #expect(throws: PathSelectionError.self) { try SpecFit.run(panel: try Self.panel(minTrain: 9)) }
        let text = error?.description ?? ""
        #expect(text.contains("model.select: path") && text.contains("10 period") && text.contains("at least 11"))
    }
}
