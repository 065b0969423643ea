import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// Spline knots are fitted on each backtest fold's training rows only.
@Suite struct SplineLeakageTests {
    /// 8 quarters x 400 customers; `usage` spreads wider every quarter (uniform on [0, 10(t+1)]),
    /// so knots placed on different quarters differ. `future` scales the last two quarters' usage.
    static func panel(future: Double = 1) throws -> Panel {
        var rng = SplitMix64(seed: 5)
        var csv = "customer_id,period,usage,churned\n"
        for t in 0..<8 {
            for i in 0..<400 {
                let u = Double(rng.next() >> 11) / 9007199254740992.0
                let usage = (u * 10 * Double(t + 1) * (t >= 6 ? future : 1)).rounded(toPlaces: 3)
                let v = Double(rng.next() >> 11) / 9007199254740992.0
                let y = v < 1 / (1 + exp(-(-1 + 2 * (u - 0.5) * (u - 0.5) * 4))) ? 1 : 0
                csv += "C\(t)_\(i),\(2023 + t / 4)Q\(t % 4 + 1),\(usage),\(y)\n"
            }
        }
        var spec = testSpec(features: [FeatureSpec(name: "usage", type: .numeric, transform: .spline, knots: 4)])
        spec.backtest.minTrainPeriods = 3
        return try Panel.make(table: makeTable(csv), spec: spec)
    }

    @Test func eachFoldsKnotsComeFromItsTrainingRowsOnly() throws {
        let panel = try Self.panel()
        let run = try Backtest.run(panel: panel)
        let changed = try Backtest.run(panel: Self.panel(future: 3))
        #expect(run.folds.count >= 4)
        var earlier: [Double]? = nil
        for (k, fold) in run.folds.enumerated() {
            let knots = try #require(run.models[k].encoding.features.first?.knots)
            // The same knots as Harrell's rule on the fold's training periods' values alone.
            let rows = (0..<panel.rowCount).filter { r in fold.trainPeriods.contains(panel.period(ofRow: r)?.label ?? "") }
            #expect(rows.count == fold.trainRows)
            guard case let .numeric(usage) = panel.features[0].values else { Issue.record("usage not numeric"); return }
            #expect(knots == (try SplineKnots.harrell(sorted: rows.map { usage[$0] }.sorted(), count: 4)))
            // Scaling the last two quarters' values moves no fold that does not train on them.
            let trainsOnFuture = fold.trainPeriods.contains { $0 >= "2024Q3" }
            let moved = try #require(changed.models[k].encoding.features.first?.knots)
            #expect((moved == knots) == !trainsOnFuture, "fold \(fold.test): \(knots) vs \(moved)")
            // The control that lets this fail: the folds' knots differ from each other (usage spreads).
            if let earlier { #expect(earlier != knots) }
            earlier = knots
        }
        // And from knots placed on every row.
        let all = try FeatureEncoder.fit(panel, rows: Array(0..<panel.rowCount), spec: panel.spec)
        #expect(all.features.first?.knots != run.models.first?.encoding.features.first?.knots)
    }
}

private extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let m = pow(10, Double(places))
        return (self * m).rounded() / m
    }
}
