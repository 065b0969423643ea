import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// `transform: bins` (MonotoneBins, docs/encodings.md): the grid optimum against brute force,
/// cut points on a known step curve, monotonicity on every backtest fold, and the encoder's
/// scalar and matrix paths against a direct reading of the [lower, upper) rule.
@Suite struct MonotoneBinsTests {
    /// Every partition of the groups into 2...maxBins bins, enumerated directly (independent of
    /// the dynamic programme): the best log-likelihood meeting the share and monotone rules.
    static func bruteForce(rows: [Double], events: [Double], maxBins: Int, minRows: Double, increasing: Bool) -> Double? {
        let g = rows.count
        var best: Double? = nil
        // Each subset of the g-1 group boundaries is a partition.
        for mask in 0..<(1 << (g - 1)) {
            var bins: [(n: Double, y: Double)] = [(0, 0)]
            for k in 0..<g {
                bins[bins.count - 1].n += rows[k]
                bins[bins.count - 1].y += events[k]
                if k < g - 1, mask & (1 << k) != 0 { bins.append((0, 0)) }
            }
            guard bins.count >= 2, bins.count <= maxBins, bins.allSatisfy({ $0.n >= minRows }) else { continue }
            let rates = bins.map { $0.y / $0.n }
            guard zip(rates, rates.dropFirst()).allSatisfy({ increasing ? $0 <= $1 : $0 >= $1 }) else { continue }
            let ll = bins.reduce(0.0) { s, b in
                s + (b.y > 0 ? b.y * log(b.y / b.n) : 0) + (b.n - b.y > 0 ? (b.n - b.y) * log((b.n - b.y) / b.n) : 0)
            }
            best = max(best ?? -.infinity, ll)
        }
        return best
    }

    @Test func theDynamicProgrammeFindsTheBruteForceOptimum() {
        var rng = SplitMix64(seed: 17)
        var compared = 0
        for trial in 0..<60 {
            let g = 3 + trial % 9
            let rows = (0..<g).map { _ in Double(20 + rng.below(80)) }
            let events = rows.map { n in Double(rng.below(Int(n) + 1)) }
            let maxBins = 2 + trial % 4, minRows = 0.08 * rows.reduce(0, +)
            for increasing in [true, false] {
                let dp = MonotoneBins.solve(rows: rows, events: events, maxBins: maxBins, minRows: minRows, increasing: increasing)
                let brute = Self.bruteForce(rows: rows, events: events, maxBins: maxBins, minRows: minRows, increasing: increasing)
                #expect((dp == nil) == (brute == nil), "trial \(trial)")
                if let dp, let brute {
                    // Tolerance: 1e-9 relative (the same sums in another order).
                    #expect(abs(dp.1 - brute) <= 1e-9 * abs(brute), "trial \(trial): \(dp.1) vs \(brute)")
                    compared += 1
                }
            }
        }
        #expect(compared > 60)   // most trials have a feasible partition: the comparison is not vacuous
    }

    /// Churn 0.30 below 5, 0.15 on [5, 20), 0.05 from 20 on; x uniform on [0, 40).
    static func stepRows(_ count: Int, seed: UInt64) -> (x: [Double], y: [Double]) {
        var rng = SplitMix64(seed: seed)
        var x: [Double] = [], y: [Double] = []
        for _ in 0..<count {
            let v = (rng.uniform() * 40 * 100).rounded() / 100
            let rate = v < 5 ? 0.30 : v < 20 ? 0.15 : 0.05
            x.append(v)
            y.append(rng.uniform() < rate ? 1 : 0)
        }
        return (x, y)
    }

    /// The candidate cuts just below and above `step`: "within one grid step" means the cut lies between them.
    static func neighbours(_ step: Double, _ grid: [Double]) -> ClosedRange<Double> {
        let below = grid.last { $0 < step } ?? -.infinity, above = grid.first { $0 > step } ?? .infinity
        return below...above
    }

    @Test func cutsLandWithinOneGridStepOfTheTrueSteps() throws {
        let (x, y) = Self.stepRows(20_000, seed: 3)
        let grid = MonotoneBins.candidates(sorted: x.sorted())
        #expect(grid.count == 49)
        // Three bins: exactly the two steps, decreasing, each within one grid step.
        let three = try MonotoneBins.fit(values: x, churned: y, maxBins: 3, minShare: 0.05, direction: .auto).get()
        #expect(three.direction == .decreasing)
        #expect(three.cuts.count == 2)
        for (cut, step) in zip(three.cuts, [5.0, 20.0]) {
            #expect(Self.neighbours(step, grid).contains(cut), "cut \(cut) for step \(step); grid around it \(Self.neighbours(step, grid))")
        }
        // The default five bins keep a cut within one grid step of each true step.
        let five = try MonotoneBins.fit(values: x, churned: y, maxBins: 5, minShare: 0.05, direction: .auto).get()
        #expect(five.direction == .decreasing)
        for step in [5.0, 20.0] {
            #expect(five.cuts.contains { Self.neighbours(step, grid).contains($0) }, "cuts \(five.cuts), step \(step)")
        }
        // Forcing the wrong direction cannot split a decreasing curve into monotone bins of 5%.
        let wrong = MonotoneBins.fit(values: x, churned: y, maxBins: 5, minShare: 0.05, direction: .increasing)
        if case let .success(r) = wrong {
            // Any split found must itself be increasing on these rows.
            let rates = Self.rates(x, y, cuts: r.cuts)
            #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 <= $1 })
        }
    }

    static func rates(_ x: [Double], _ y: [Double], cuts: [Double]) -> [Double] {
        var n = [Double](repeating: 0, count: cuts.count + 1), e = n
        for (v, o) in zip(x, y) {
            let b = cuts.filter { $0 <= v }.count   // [lower, upper): a value on a cut starts the next bin
            n[b] += 1
            e[b] += o
        }
        return zip(e, n).map { $0 / $1 }
    }

    @Test func everyBacktestFoldHasMonotoneBinsFittedOnItsOwnTrainingRows() throws {
        var csv = "customer_id,period,logins,churned\n"
        let (x, y) = Self.stepRows(8 * 2500, seed: 11)
        for i in x.indices {
            let t = i / 2500
            csv += "C\(i),\(2023 + t / 4)Q\(t % 4 + 1),\(x[i]),\(Int(y[i]))\n"
        }
        var spec = testSpec(features: [.bins("logins")])
        spec.backtest.minTrainPeriods = 3
        let panel = try Panel.make(table: makeTable(csv), spec: spec)
        let run = try Backtest.run(panel: panel)
        #expect(run.folds.count == 5)
        for (fold, model) in zip(run.folds, run.models) {
            let f = try #require(model.encoding.features.first)
            let cuts = try #require(f.cuts)
            let train = (0..<panel.rowCount).filter { fold.trainPeriods.contains(panel.period(ofRow: $0)?.label ?? "") }
            #expect(train.count == fold.trainRows)
            let tx = train.map { x[$0] }, ty = train.map { y[$0] }
            // Monotone (decreasing, as generated) on the fold's training rows.
            let rates = Self.rates(tx, ty, cuts: cuts)
            #expect(f.monotone == .decreasing)
            #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 }, "fold \(fold.test): rates \(rates)")
            // No leakage: the cuts are those of the training rows alone (exactly).
            let own = try MonotoneBins.fit(values: tx, churned: ty, maxBins: 5, minShare: 0.05, direction: .auto).get()
            #expect(own.cuts == cuts, "fold \(fold.test)")
            #expect(f.columns.count == cuts.count)
        }
    }

    /// The scalar path (`encode`) and the design agree with the rule read directly, for values
    /// below, between, on and beyond the cuts, and missing ones.
    @Test func encodeAndDesignFollowTheLowerInclusiveRule() throws {
        let (x, y) = Self.stepRows(4000, seed: 5)
        var csv = "customer_id,period,logins,churned\n"
        for i in x.indices { csv += "C\(i),2025Q1,\(i % 50 == 0 ? "" : "\(x[i])"),\(Int(y[i]))\n" }
        let spec = testSpec(features: [.bins("logins", maxBins: 4)])
        let panel = try Panel.make(table: makeTable(csv), spec: spec)
        let encoding = try FeatureEncoder.fit(panel, rows: Array(0..<panel.rowCount), spec: spec)
        let f = try #require(encoding.features.first)
        let cuts = try #require(f.cuts)
        #expect(f.missingIndicator == true)
        #expect(encoding.names.count == 1 + cuts.count + 1)
        var probes: [Double] = [-1e300, -3, 0, 1e300, .nan]
        for c in cuts { probes += [c, c.nextDown, c.nextUp] }
        var probeCSV = "customer_id,period,logins,churned\n"
        for (i, v) in probes.enumerated() { probeCSV += "P\(i),2025Q2,\(v.isNaN ? "" : "\(v)"),\(i % 2)\n" }
        let probePanel = try Panel.make(table: makeTable(probeCSV), spec: spec)
        let design = try encoding.design(probePanel, rows: Array(0..<probePanel.rowCount))
        for (i, v) in probes.enumerated() {
            var expected = [Double](repeating: 0, count: encoding.names.count)
            expected[0] = 1
            if v.isNaN {
                expected[1 + cuts.count] = 1
            } else {
                let bin = cuts.filter { $0 <= v }.count
                if bin > 0 { expected[bin] = 1 }
            }
            #expect(try encoding.encode([v.isNaN ? .missing : .number(v)]) == expected, "value \(v)")
            #expect((0..<expected.count).map { design.x[i, $0] } == expected, "design, value \(v)")
        }
        #expect(throws: EncodingProblem.self) { try encoding.encode([.number(.infinity)]) }
        // The training design's column means are the bins' shares.
        let shares = (1...cuts.count).map { b in Double(x.indices.filter { i in i % 50 != 0 && cuts.filter { $0 <= x[i] }.count == b }.count) / 4000 }
        #expect(maxAbsoluteError(Array(encoding.contributionMeans[1...cuts.count]), shares) <= 1e-15)
    }
}
