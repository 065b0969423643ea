import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// The backtest must never train on outcomes not yet known at scoring time.
@Suite struct BacktestLeakageTests {
    /// 8 quarters x 1500 customers each (fresh ids per quarter, so no row follows a churn).
    /// `signal` carries a real effect in every quarter; `leak` copies the outcome in the quarters
    /// whose outcomes are unknown when the last quarter is scored (the last `horizon` quarters),
    /// and is noise before.
    static func panel(horizon: Int, seed: UInt64, calibration: CalibrationOptions.Method = .none) throws -> Panel {
        var rng = SplitMix64(seed: seed)
        var csv = "customer_id,period,signal,leak,churned\n"
        for t in 0..<8 {
            for i in 0..<1500 {
                let signal = Double(rng.next() >> 11) / 9007199254740992.0 * 4 - 2
                let y = Double(rng.next() >> 11) / 9007199254740992.0 < 1 / (1 + exp(-(-1 + 0.8 * signal))) ? 1 : 0
                let leak = t >= 8 - horizon ? Double(y) + 0.1 * Double(rng.next() >> 11) / 9007199254740992.0 : Double(rng.next() >> 11) / 9007199254740992.0
                csv += "C\(t)_\(i),\(2023 + t / 4)Q\(t % 4 + 1),\(signal),\(leak),\(y)\n"
            }
        }
        var spec = testSpec(features: [FeatureSpec(name: "signal", type: .numeric), FeatureSpec(name: "leak", type: .numeric)])
        spec.backtest.horizon = horizon
        spec.backtest.minTrainPeriods = 4
        spec.calibration.method = calibration
        return try Panel.make(table: makeTable(csv), spec: spec)
    }

    @Test(arguments: [1, 2])
    func aFeatureCopyingUnknownOutcomesDoesNotHelpOutOfSample(horizon: Int) throws {
        let panel = try Self.panel(horizon: horizon, seed: 11)
        let run = try Backtest.run(panel: panel)
        let last = try #require(run.folds.last)
        #expect(last.test == "2024Q4")
        // Trained only on quarters <= 2024Q4 - horizon, where `leak` is noise: its weight is near
        // zero and the fold's AUC is what `signal` alone gives (about 0.70 for this model).
        let model = try #require(run.models.last)
        let leakWeight = try #require(model.fit.coefficient("leak"))
        #expect(abs(leakWeight) < 0.5, "leak weight \(leakWeight)")
        let auc = try #require(last.metrics?.rocAUC)
        #expect(auc < 0.78, "AUC \(auc)")
        // The control that makes this test able to fail: had the unknown quarters reached
        // training, the same fold would score far better (AUC > 0.9).
        let leakyRows = (0..<panel.rowCount).filter { panel.period(ofRow: $0)!.label <= "2024Q4" }
        let leaky = try SpecFit.run(panel: panel, rows: leakyRows)
        let testRows = (0..<panel.rowCount).filter { panel.period(ofRow: $0)?.label == "2024Q4" }
        let lp = try leaky.encoding.design(panel, rows: testRows).x.multiply(leaky.fit.coefficients)
        let leakyAUC = try RankingMetrics.rocAUC(p: lp.map(CalibrationMap.sigmoid), y: testRows.map { panel.outcome[$0] })
        #expect(leakyAUC > 0.9, "leaky control AUC \(leakyAUC)")  // observed 0.936 (h = 1), higher for h = 2
    }

    @Test func everyFoldTrainsOnlyOnKnownOutcomes() throws {
        let panel = try Self.panel(horizon: 2, seed: 3)
        let run = try Backtest.run(panel: panel)
        // min_train_periods 4 and horizon 2 over 8 quarters: quarters 6..8 are scored.
        #expect(run.folds.map(\.test) == ["2024Q2", "2024Q3", "2024Q4"])
        for fold in run.folds {
            #expect(fold.trainPeriods.allSatisfy { $0 < fold.test })
            #expect(fold.trainRows == 1500 * fold.trainPeriods.count)
            #expect(fold.testRows == 1500)
        }
        #expect(run.folds[2].trainPeriods == ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2"])
        #expect(run.rows.count == 4500)
    }

    /// A snapshot (no period column) is backtested by stratified k-fold; its folds have no
    /// order, so each is calibrated by the map estimated on the other folds' scores: every
    /// scored row is calibrated, and no fold is left raw.
    @Test func snapshotFoldsAreEachCalibratedByTheOthers() throws {
        var rng = SplitMix64(seed: 5)
        var csv = "customer_id,signal,churned\n"
        for i in 0..<3000 {
            let signal = rng.normal()
            let y = rng.uniform() < CalibrationMap.sigmoid(-1.5 + signal) ? 1 : 0
            csv += "C\(i),\(signal),\(y)\n"
        }
        var spec = testSpec(period: nil, features: [FeatureSpec(name: "signal", type: .numeric)])
        spec.calibration.method = .platt
        let panel = try Panel.make(table: makeTable(csv), spec: spec)
        #expect(panel.isSnapshot)
        let run = try Backtest.run(panel: panel)
        let assessment = try #require(run.calibration)
        #expect(assessment.mode == .crossFitted)
        #expect(assessment.steps.count == run.folds.count && assessment.after.rows == run.rows.count)
        #expect(!run.notes.contains { $0.contains("uncalibrated") }, "\(run.notes)")
        // Every row, the first fold's included, went through its fold's map.
        for (k, step) in assessment.steps.enumerated() {
            #expect(step.evaluationPeriods == [k] && !step.estimationPeriods.contains(k))
            for i in run.rows.indices where run.foldOfRow[i] == k {
                #expect(run.calibratedProbability[i] == step.map.apply(logit: run.linearPredictor[i]))
            }
        }
        #expect(run.calibratedProbability != run.probability)
    }

    /// With horizon 2 the first two scored quarters have no calibration map estimated before
    /// them: the note names them.
    @Test func uncalibratedPeriodsAreNamed() throws {
        let run = try Backtest.run(panel: Self.panel(horizon: 2, seed: 3, calibration: .platt))
        #expect(run.notes.contains("calibration: 2024Q2 and 2024Q3, the first 2 scored periods, had no earlier scores to estimate a map on; their scores are uncalibrated"), "\(run.notes)")
    }
}
