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
        #expect(SortOrder.sorted(x).map(\.bitPattern) == SortOrder.comparisonSorted(by: x, descending: false).map { x[$0].bitPattern })
    }

    @Test("midranks from the shared order equal ranks from an ascending sort")
    func midranks() {
        let x = Self.rows(5000).p
        let order = SortOrder.comparisonSorted(by: x, descending: false)
        var expected = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            for k in i...j { expected[order[k]] = Double(i + j) / 2 + 1 }
            i = j + 1
        }
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
                #expect(r.cox == nil && r.calibrationInTheLarge == nil)
            }
        }
    }
}
