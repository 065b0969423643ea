import Testing
@testable import HealthCal
import TestSupport

/// The shared-work paths (radix sort, one order per report, midranks from that order) against
/// the general paths they replace. All comparisons are exact: the fast paths do the same
/// arithmetic in the same order, only the sorting and the bookkeeping differ.
@Suite("Metrics: fast paths equal the general paths")
struct MetricsFastPathTests {
    /// n rows, SplitMix64 seed 7: p rounded to 3 decimals (many ties) with some exact 0 and 1,
    /// y ~ Bernoulli(p), weights in {0, 0.5, 1, 2}.
    static func rows(_ n: Int) -> (p: [Double], y: [Double], w: [Double]) {
        var rng = SplitMix64(seed: 7)
        var p: [Double] = [], y: [Double] = [], w: [Double] = []
        for i in 0..<n {
            var v = (rng.uniform() * rng.uniform() * 1000).rounded() / 1000
            if i % 97 == 0 { v = 0 } else if i % 89 == 0 { v = 1 }
            p.append(v)
            y.append(rng.uniform() < max(0.05, v) ? 1 : 0)
            w.append([0, 0.5, 1, 2][Int(rng.uniform() * 4)])
        }
        return (p, y, w)
    }

    @Test("radix sort gives the stable comparison sort's order", arguments: [0, 1, 2, 3, 100, 5000])
    func radixEqualsComparison(n: Int) {
        var rng = SplitMix64(seed: UInt64(n))
        // Ties, both zeros, negatives, subnormals and large magnitudes.
        let specials: [Double] = [0, -0.0, 1, -1, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1e300, -1e300, .infinity, -.infinity]
        let x = (0..<n).map { i in i % 7 == 0 ? specials[i % specials.count] : (rng.uniform() * 20).rounded() / 10 - 1 }
        var subset = Array(x.indices.filter { $0 % 3 != 0 })
        subset.shuffle(using: &rng)
        for descending in [false, true] {
            #expect(RadixSort.rows(by: x, descending: descending) == SortOrder.comparisonSorted(by: x, descending: descending))
            #expect(RadixSort.rows(by: x, descending: descending, rows: subset)
                == SortOrder.comparisonSorted(by: x, descending: descending, rows: subset))
        }
    }

    @Test("selection finds the values a sort puts at each position", arguments: [1, 2, 33, 1000, 5000])
    func quickSelect(n: Int) {
        var rng = SplitMix64(seed: UInt64(n) + 1)
        // Heavy ties (20 distinct values), then all distinct.
        for x in [(0..<n).map { _ in (rng.uniform() * 20).rounded() }, (0..<n).map { _ in rng.uniform() }] {
            let sorted = x.sorted()
            #expect(QuickSelect.values(x, at: Array(x.indices)) == sorted)
            let some = [n - 1, 0, n / 2, n / 3, n / 2]
            #expect(QuickSelect.values(x, at: some) == some.map { sorted[$0] })
            #expect(Binning.edges(p: x, bins: 10, strategy: .quantile) == Binning.edges(sortedP: sorted, bins: 10, strategy: .quantile))
        }
    }

    @Test("bracketed selection finds the values a sort puts at each position", arguments: [65_536, 200_003])
    func bracketSelect(n: Int) throws {
        var rng = SplitMix64(seed: UInt64(n))
        // Heavy ties, distinct, skewed (p-like), and sorted descending (a strided sample still works).
        let skewed = (0..<n).map { _ in rng.uniform() * rng.uniform() * rng.uniform() }
        for x in [(0..<n).map { _ in (rng.uniform() * 20).rounded() }, (0..<n).map { _ in rng.uniform() }, skewed,
                  skewed.sorted(by: >)] {
            let sorted = x.sorted()
            let some = [n - 1, 0, n / 2, n / 3, n / 2, n / 2 + 1, (n - 1) / 10, n / 10 + 1]
            #expect(try #require(BracketSelect.values(x, at: some)) == some.map { sorted[$0] })
            #expect(QuickSelect.partitioned(x, at: some) == some.map { sorted[$0] })
            #expect(Binning.edges(p: x, bins: 10, strategy: .quantile) == Binning.edges(sortedP: sorted, bins: 10, strategy: .quantile))
        }
    }

    @Test("counting the edges below p gives the binary search's bin")
    func binAssignment() {
        let p = Self.rows(5000).p
        for k in [1, 3, 10, 17, 40] {
            let edges = Binning.edges(p: p, bins: k, strategy: .quantile)
            let inner = Array(edges.dropFirst().dropLast())
            // numpy.searchsorted(inner, p, side="left"): the first inner edge >= p.
            #expect(Binning.assign(p: p, edges: edges) == p.map { v in inner.firstIndex { $0 >= v } ?? inner.count })
        }
    }

    @Test("midranks equal (rows below + rows at or below + 1) / 2, counted in the sorted values")
    func midranks() {
        let x = Self.rows(5000).p
        let sorted = x.sorted()
        /// The number of sorted values for which `below` holds (they come first).
        func count(_ below: (Double) -> Bool) -> Int {
            var lo = 0, hi = sorted.count
            while lo < hi { let mid = (lo + hi) / 2; if below(sorted[mid]) { lo = mid + 1 } else { hi = mid } }
            return lo
        }
        // A value with `less` rows below it and `tied` equal to it spans ranks less+1 ... less+tied.
        let expected = x.map { v in Double(count { $0 < v } + count { $0 <= v } + 1) / 2 }
        #expect(DeLong.midranks(x) == expected)
    }

    @Test("AUC from the threshold counts equals the trapezoid over the full ROC curve")
    func aucFromCounts() throws {
        let d = Self.rows(5000)
        for w in [nil, d.w] {
            let curve = try RankingMetrics.rocCurve(p: d.p, y: d.y, w: w, dropIntermediate: false)
            var area = 0.0
            for i in 1..<curve.falsePositiveRate.count {
                let dx = curve.falsePositiveRate[i] - curve.falsePositiveRate[i - 1]
                area += dx * (curve.truePositiveRate[i] + curve.truePositiveRate[i - 1]) / 2
            }
            #expect(try RankingMetrics.rocAUC(p: d.p, y: d.y, w: w) == area)
        }
    }

    @Test("every report field equals its single metric", arguments: [false, true])
    func reportEqualsSingleMetrics(weighted: Bool) throws {
        var d = Self.rows(5000)
        // Keep p inside (0, 1) for half the check, so that the logit-scale metrics exist too.
        for interior in [false, true] {
            if interior { d.p = d.p.map { min(max($0, 0.001), 0.999) } }
            let w = weighted ? d.w : nil
            let bands = d.p.map { $0 >= 0.3 ? "red" : "green" }
            let r = try MetricsReport.compute(p: d.p, y: d.y, w: w, bands: bands, bandOrder: ["red", "green"])
            #expect(r.rocAUC == (try RankingMetrics.rocAUC(p: d.p, y: d.y, w: w)))
            #expect(r.averagePrecision == (try RankingMetrics.averagePrecision(p: d.p, y: d.y, w: w)))
            #expect(r.topDecileLift == (try LiftMetrics.topLift(p: d.p, y: d.y, w: w)))
            if !weighted { #expect(r.rocAUCDeLong == (try DeLong.auc(p: d.p, y: d.y))) }
            #expect(r.logLoss == (try ProbabilisticScores.logLoss(p: d.p, y: d.y, w: w)))
            #expect(r.brier == (try ProbabilisticScores.brier(p: d.p, y: d.y, w: w)))
            #expect(r.brierDecomposition == (try ProbabilisticScores.brierDecomposition(p: d.p, y: d.y, w: w)))
            #expect(r.reliabilityUniform == (try CalibrationCurve.reliability(p: d.p, y: d.y, w: w, strategy: .uniform)))
            #expect(r.reliabilityQuantile == (try CalibrationCurve.reliability(p: d.p, y: d.y, w: w, strategy: .quantile)))
            #expect(r.hosmerLemeshow == (try HosmerLemeshowTest.test(p: d.p, y: d.y, w: w)))
            #expect(r.bands == (try LiftMetrics.churnByBand(p: d.p, y: d.y, w: w, bands: bands, order: ["red", "green"])))
            if interior {
                #expect(r.cox == (try CalibrationFit.cox(p: d.p, y: d.y, w: w)))
                #expect(r.calibrationInTheLarge == (try CalibrationFit.calibrationInTheLarge(p: d.p, y: d.y, w: w)))
            } else {
                #expect(r.cox == nil && r.calibrationInTheLarge?.logisticIntercept == nil)
                #expect(r.calibrationInTheLarge?.difference == r.churnRate - r.meanPredicted)
            }
        }
    }
}
