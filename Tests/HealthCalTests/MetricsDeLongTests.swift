import Testing
@testable import HealthCal
import TestSupport

@Suite("Metrics: DeLong AUC variance and test")
struct MetricsDeLongTests {
    // Reference: make_metrics_fixtures.py `delong_bruteforce`, DeLong et al. (1988) placement
    // values by the O(m·n) kernel ψ = 1, ½, 0 in numpy (no published aSAH data was available
    // offline, so this independent straightforward implementation is the reference).
    @Test("fast midrank algorithm equals the O(m·n) definition", arguments: MetricsReference.unweightedCaseNames)
    func againstBruteForce(name: String) throws {
        let c = try MetricsReference.named(name)
        let d = try #require(c.delong)
        let r = try DeLong.compare(p1: c.p, p2: c.p2, y: c.y)
        // Tolerance 1e-10 relative on every quantity (different summation orders only).
        #expect(relativeError(r.first.auc, d.auc1) < 1e-10)
        #expect(relativeError(r.second.auc, d.auc2) < 1e-10)
        #expect(relativeError(r.first.variance, d.var1) < 1e-10)
        #expect(relativeError(r.second.variance, d.var2) < 1e-10)
        #expect(relativeError(r.covariance, d.cov12) < 1e-10)
        #expect(relativeError(r.first.lower95, d.lower1) < 1e-10)
        #expect(relativeError(r.first.upper95, d.upper1) < 1e-10)
        #expect(relativeError(r.difference, d.difference) < 1e-10)
        #expect(relativeError(r.standardError, d.seDifference) < 1e-10)
        #expect(relativeError(r.z, d.z) < 1e-10)
        // p-value: erfc vs scipy norm.sf, 1e-9 relative (down to 3e-22 in the large case).
        #expect(relativeError(r.pValue, d.pValue) < 1e-9)
        // The DeLong AUC is the sklearn AUC (tolerance 1e-12 relative).
        #expect(relativeError(r.first.auc, c.rocAuc) < 1e-12)
        let single = try DeLong.auc(p: c.p, y: c.y)
        #expect(single == r.first)
    }

    @Test("midranks average tied ranks")
    func midranks() {
        // By hand: sorted 1, 2, 2, 2, 5 → ranks 1, 3, 3, 3, 5.
        #expect(DeLong.midranks([2, 5, 1, 2, 2]) == [3, 5, 1, 3, 3])
    }

    @Test("identical scores: difference 0, z 0, p 1")
    func identical() throws {
        let p = [0.1, 0.4, 0.35, 0.8, 0.6, 0.2], y: [Double] = [0, 0, 1, 1, 1, 0]
        let r = try DeLong.compare(p1: p, p2: p, y: y)
        // Exact: the two placement-value vectors are the same numbers.
        #expect(r.difference == 0 && r.z == 0 && r.pValue == 1)
    }
}
