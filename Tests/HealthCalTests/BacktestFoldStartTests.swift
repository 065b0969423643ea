import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// A walk-forward fold starts from the previous fold's optimum moved by one Newton step for the
/// rows it adds (`FoldStart`). The start changes how many iterations a fold needs, never where
/// it ends: every fold's weights equal a cold fit on the same rows.
@Suite struct BacktestFoldStartTests {
    /// 8 quarters x 1500 customers with a drifting effect, so each fold's optimum moves.
    static func panel() throws -> Panel {
        var rng = SplitMix64(seed: 23)
        func u() -> Double { Double(rng.next() >> 11) / 9007199254740992.0 }
        var csv = "customer_id,period,a,b,churned\n"
        for t in 0..<8 {
            for i in 0..<1500 {
                let a = u() * 4 - 2 + 0.1 * Double(t), b = u() * 10
                let eta = -1.5 + (0.6 + 0.05 * Double(t)) * a - 0.2 * b
                let y = u() < 1 / (1 + exp(-eta)) ? 1 : 0
                csv += "C\(t)_\(i),\(2023 + t / 4)Q\(t % 4 + 1),\(a),\(i % 50 == 0 ? "" : "\(b)"),\(y)\n"
            }
        }
        var spec = testSpec(features: [FeatureSpec(name: "a", type: .numeric), FeatureSpec(name: "b", type: .numeric)])
        spec.backtest.minTrainPeriods = 3
        spec.calibration.method = .none
        return try Panel.make(table: makeTable(csv), spec: spec)
    }

    @Test func everyFoldEndsWhereAColdFitEnds() throws {
        let panel = try Self.panel()
        let run = try Backtest.run(panel: panel)
        let plan = try Backtest.plannedFolds(panel: panel)
        #expect(run.models.count == plan.count && plan.count >= 4)
        for (k, fold) in plan.enumerated() {
            let cold = try SpecFit.run(panel: panel, rows: fold.train)
            let fold = run.models[k].fit.coefficients, reference = cold.fit.coefficients
            // Both runs stop on the same rule, not at the same rounding: folds after the first step
            // on an approximate Hessian, whose last step gains digits linearly. The difference
            // is tiny next to each weight's standard error (observed ≤ 5e-9 of it; a different
            // optimum would be a sizeable fraction of it) and to the weight itself (observed ≤ 2e-9).
            let se = cold.fit.standardErrors
            let inSEs = zip(zip(fold, reference), se).map { abs($0.0 - $0.1) / $1 }.max() ?? .infinity
            #expect(inSEs < 1e-7, "fold \(k): \(inSEs) standard errors")
            #expect(maxRelativeError(fold, reference) < 1e-8, "fold \(k)")
        }
    }

    @Test func thePredictedStartIsCloserThanThePreviousOptimum() throws {
        let panel = try Self.panel()
        let plan = try Backtest.plannedFolds(panel: panel)
        let first = try SpecFit.run(panel: panel, rows: plan[0].train)
        let second = plan[1].train
        #expect(second.starts(with: plan[0].train))
        let (encoding, design) = try FeatureEncoder.fitWithDesign(panel, rows: second, spec: panel.spec)
        let y = second.map { panel.outcome[$0] }
        let predicted = try #require(FoldStart.predicted(from: PreviousFold(model: first, sharedRows: plan[0].train.count),
                                                         encoding: encoding, design: design, y: y, weights: nil)).start
        let optimum = try SpecFit.run(panel: panel, rows: second).fit.coefficients
        let carried = try #require(encoding.carried(first.fit.coefficients, from: first.encoding)).0
        func distance(_ a: [Double]) -> Double { zip(a, optimum).map { abs($0 - $1) }.max() ?? .infinity }
        // One step for the added rows removes most of the distance the previous optimum has to go
        // (here about three quarters of it; a wrong sign or a missed term would add to it).
        #expect(distance(predicted) < 0.5 * distance(carried), "predicted \(distance(predicted)), carried \(distance(carried))")
        // Restating the weights keeps each present value's linear predictor.
        let oldEta = try first.encoding.design(panel, rows: second).x.multiply(first.fit.coefficients)
        let newEta = try design.x.multiply(carried)
        var imputed = Set<Int>()
        for (i, r) in second.enumerated() where panel.features.contains(where: { f in
            if case let .numeric(v) = f.values { return v[r].isNaN } else { return false } }) { imputed.insert(i) }
        for i in oldEta.indices where !imputed.contains(i) { #expect(abs(oldEta[i] - newEta[i]) < 1e-9, "row \(i)") }
    }
}
