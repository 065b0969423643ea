import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// The bootstrap's Cox fit (a Taylor start from per-customer sums, then exact passes over the
/// drawn customers' rows) against `CalibrationFit.cox` run from (0, 1) on the resample's rows
/// with the draw counts as weights, to its own 1e-13 stopping rule.
@Suite struct CoxResamplingTests {
    struct Rows { var p: [Double], y: [Double], w: [Double], cluster: [Int32], clusters: Int }

    /// `clusters` customers with 1-8 rows each; p from a score that is too extreme (true slope
    /// 0.8) and shifted, so the fit is far from (0, 1).
    static func rows(clusters: Int, seed: UInt64) -> Rows {
        var rng = SampleRandom(seed: seed, stream: 9)
        var r = Rows(p: [], y: [], w: [], cluster: [], clusters: clusters)
        for c in 0..<clusters {
            let level = 2 * rng.uniform() - 1
            for _ in 0..<(1 + Int(rng.next() % 8)) {
                let eta = -2 + 1.5 * level + (rng.uniform() - 0.5)
                let p = 1 / (1 + exp(-eta))
                let truth = 1 / (1 + exp(-(0.3 + 0.8 * eta)))
                r.p.append(p)
                r.y.append(rng.uniform() < truth ? 1 : 0)
                r.w.append(Double(1 + rng.next() % 3))
                r.cluster.append(Int32(c))
            }
        }
        return r
    }

    static func reference(_ r: Rows, _ m: [Int32]) throws -> CoxCalibration {
        let w = r.cluster.indices.map { Double(m[Int(r.cluster[$0])]) * r.w[$0] }
        let kept = w.indices.filter { w[$0] > 0 }
        return try CalibrationFit.cox(p: kept.map { r.p[$0] }, y: kept.map { r.y[$0] }, w: kept.map { w[$0] })
    }

    static func fit(_ r: Rows) throws -> CoxResampling {
        CoxResampling(x: try CalibrationFit.logits(r.p), y: r.y, base: r.w, cluster: r.cluster, clusters: r.clusters)
    }

    @Test func manyCustomersTakeOnePassAndMatchTheReference() throws {
        let r = Self.rows(clusters: 4000, seed: 1)
        let cox = try Self.fit(r)
        let resamples = try CustomerResamples(count: 25, customers: r.clusters, seed: 3)
        var onePass = 0
        for b in 0..<resamples.count {
            let m = resamples.multiplicity(b)
            let got = try #require(cox.fitCountingPasses(m))
            let want = try Self.reference(r, m)
            #expect(abs(got.intercept - want.intercept) <= 1e-12 * max(1, abs(want.intercept)))
            #expect(abs(got.slope - want.slope) <= 1e-12 * max(1, abs(want.slope)))
            if got.passes == 1 { onePass += 1 }
        }
        // The Taylor start is what makes the bootstrap cheap: with thousands of customers it
        // lands close enough that the first exact pass already confirms the fit.
        #expect(onePass >= 20, "\(onePass) of 25 resamples took one pass")
        // Every customer once: the full fit, as CalibrationFit gives it.
        let full = try #require(cox.fitCountingPasses([Int32](repeating: 1, count: r.clusters)))
        let want = try CalibrationFit.cox(p: r.p, y: r.y, w: r.w)
        #expect(abs(full.slope - want.slope) <= 1e-12 && abs(full.intercept - want.intercept) <= 1e-12)
    }

    @Test func fewCustomersNeedMorePassesAndStillMatch() throws {
        let r = Self.rows(clusters: 30, seed: 2)
        let cox = try Self.fit(r)
        let resamples = try CustomerResamples(count: 40, customers: r.clusters, seed: 4)
        var checked = 0, extra = 0
        for b in 0..<resamples.count {
            let m = resamples.multiplicity(b)
            guard let want = try? Self.reference(r, m) else {
                #expect(cox.fitCountingPasses(m) == nil)
                continue
            }
            let got = try #require(cox.fitCountingPasses(m))
            #expect(abs(got.intercept - want.intercept) <= 1e-12 * max(1, abs(want.intercept)))
            #expect(abs(got.slope - want.slope) <= 1e-12 * max(1, abs(want.slope)))
            checked += 1
            if got.passes > 1 { extra += 1 }
        }
        #expect(checked >= 30)
        #expect(extra > 0, "small resamples move the fit far enough to need a second pass")
    }

    @Test func separatedResampleHasNoFit() throws {
        // Customer 0's rows all churn at high p, customer 1's none at low p: on those two alone
        // the outcome is a step in logit p, and the slope runs to infinity.
        let r = Rows(p: [0.8, 0.9, 0.2, 0.1, 0.5, 0.6], y: [1, 1, 0, 0, 0, 1], w: [1, 1, 1, 1, 1, 1],
                     cluster: [0, 0, 1, 1, 2, 2], clusters: 3)
        let cox = try Self.fit(r)
        #expect(cox.fitCountingPasses([1, 1, 1]) != nil)
        #expect(cox.fitCountingPasses([2, 1, 0]) == nil)
    }
}
