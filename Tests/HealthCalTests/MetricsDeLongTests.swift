import Testing
@testable import HealthCal
import TestSupport

@Suite("Metrics: DeLong AUC variance and test")
struct MetricsDeLongTests {
    // Reference: make_metrics_fixtures.py `delong_bruteforce`, DeLong et al. (1988) placement
    // values by the O(m·n) kernel ψ = 1, ½, 0 in numpy (an independent straightforward
    // implementation; the published pROC figures are in MetricsDeLongPublishedTests).
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

    @Test("published worked example: Hanley & McNeil (1982) CT ratings, A = 0.893")
    func hanleyMcNeil() throws {
        // Hanley & McNeil (1982), Radiology 143:29-36, Table 1: 5-point ratings of 109 CT images,
        // 58 normal (33, 6, 6, 11, 2) and 51 abnormal (3, 2, 2, 11, 33); published area 0.893,
        // so the tolerance is the published rounding, 5e-4 absolute. Ratings r map to p = r/10.
        let normal = [33, 6, 6, 11, 2], abnormal = [3, 2, 2, 11, 33]
        var p: [Double] = [], y: [Double] = []
        for r in 0..<5 {
            p += Array(repeating: Double(r + 1) / 10, count: normal[r] + abnormal[r])
            y += Array(repeating: 0, count: normal[r]) + Array(repeating: 1, count: abnormal[r])
        }
        let d = try DeLong.auc(p: p, y: y)
        #expect(abs(d.auc - 0.893) < 5e-4)
        // And the same AUC as the sklearn-style trapezoid (tolerance 1e-12 relative).
        #expect(relativeError(try RankingMetrics.rocAUC(p: p, y: y), d.auc) < 1e-12)
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
