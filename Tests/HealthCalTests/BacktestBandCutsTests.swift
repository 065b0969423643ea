import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// Backtest periods are banded with cut points known before them (`bands.backtest_cuts`), not
/// with the production cut points frozen from the latest period.
@Suite struct BacktestBandCutsTests {
    /// 8 quarters of 2000 new customers each (SplitMix64 seed 11), one metric x ~ N(0, 1) and
    /// churn with p = σ(−1.5 − β x): β = 3 in the first four quarters, 0 after. The training
    /// windows of later folds hold more signal-free quarters, so later folds fit flatter models
    /// and their Platt maps flatten the scores further: the latest period's calibrated scores
    /// sit in a narrow range around the base rate.
    static func flatteningPanel() throws -> Panel {
        var rng = SplitMix64(seed: 11)
        var csv = "customer_id,period,logins,churned\n"
        for t in 0..<8 {
            let beta = t < 4 ? 3.0 : 0.0
            for i in 0..<2000 {
                let x = rng.normal()
                let churned = rng.uniform() < 1 / (1 + exp(1.5 + beta * x))
                csv += "c\(t)_\(i),\(2023 + t / 4)Q\(t % 4 + 1),\(x),\(churned ? 1 : 0)\n"
            }
        }
        var spec = testSpec()
        spec.backtest.minTrainPeriods = 4
        return try Panel.make(table: makeTable(csv), spec: spec)
    }

    static func shares(_ bands: [Int32]) -> [Double] {
        (0..<3).map { k in Double(bands.filter { $0 == k }.count) / Double(bands.count) }
    }

    @Test func firstScoredQuarterSplitsAtTheTargetShares() throws {
        let panel = try Self.flatteningPanel()
        let run = try Backtest.run(panel: panel)
        #expect(run.folds.map(\.test) == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"])
        let scored = try ScoredPanel.make(panel: panel, run: run)
        let first = Int32(panel.periodLabels.firstIndex(of: "2024Q1") ?? -1)
        let rowsOfFirst = (0..<scored.count).filter { scored.period[$0] == first }

        // The old rule, reproduced to show that this panel exposes it: the production cut points
        // (frozen from 2024Q4) put hardly anyone of 2024Q1 in the middle band.
        let frozen = Self.shares(rowsOfFirst.map { Int32(scored.schemes[0].index(probability: scored.probability[$0])) })
        #expect(frozen[1] < 0.2, "frozen cuts on 2024Q1: \(frozen)")

        // The first scored quarter uses its own ranks: 25/50/25 up to ties and the linear
        // quantile's interpolation (tolerance 0.005 = 10 of 2000 rows).
        let actual = Self.shares(rowsOfFirst.map { scored.band[$0] })
        #expect(zip(actual, [0.25, 0.5, 0.25]).allSatisfy { abs($0 - $1) < 0.005 }, "2024Q1 shares: \(actual)")
        #expect(scored.periodCuts["2024Q1"]?.from == "2024Q1")

        // Every later quarter is cut at the previous quarter's quantiles, recomputed here from
        // that quarter's scores; the production scheme is still the latest quarter's.
        let labels = ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
        func scores(_ label: String) -> [Double] {
            let t = Int32(panel.periodLabels.firstIndex(of: label) ?? -1)
            return (0..<scored.count).filter { scored.period[$0] == t }.map { scored.probability[$0] }
        }
        for (previous, label) in zip(labels, labels.dropFirst()) {
            let expected = try BandScheme(quantile: panel.spec.bands.quantile, referenceProbabilities: scores(previous))
            #expect(scored.periodCuts[label] == PeriodCuts(from: previous, scheme: expected))
            let t = Int32(panel.periodLabels.firstIndex(of: label) ?? -1)
            for i in 0..<scored.count where scored.period[i] == t {
                #expect(Int(scored.band[i]) == expected.index(probability: scored.probability[i]))
            }
        }
        let production = try BandScheme(quantile: panel.spec.bands.quantile, referenceProbabilities: scores("2024Q4"))
        #expect(scored.schemes[0] == production)
        #expect(scored.referencePeriod == "2024Q4")

        // `own`: every quarter at its own ranks.
        var options = panel.spec.bands
        options.backtestCuts = .own
        let own = try ScoredPanel.make(panel: panel, run: run, options: options)
        for label in labels {
            let t = Int32(panel.periodLabels.firstIndex(of: label) ?? -1)
            let s = Self.shares((0..<own.count).filter { own.period[$0] == t }.map { own.band[$0] })
            #expect(zip(s, [0.25, 0.5, 0.25]).allSatisfy { abs($0 - $1) < 0.005 }, "\(label) shares: \(s)")
        }
    }
}
