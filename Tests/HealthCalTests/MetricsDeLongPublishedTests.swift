import Foundation
import Testing
@testable import HealthCal
import TestSupport

/// DeLong against published figures: R package pROC on its own `aSAH` data (Turck et al. 2010,
/// Intensive Care Medicine 36(1):107-115; 113 patients, 41 with a poor outcome). The data are
/// in Fixtures/asah.csv (see Fixtures/asah.md for where they came from and how they were checked).
///
/// Expected values are pROC's own regression-test figures (xrobin/pROC,
/// tests/testthat/test-roc.test.R and tests/testthat/r_ci.auc.R), printed there to 15 digits;
/// the s100b interval is pROC's documented example `roc(outcome ~ s100b, aSAH)`:
/// "Area under the curve: 0.7314, 95% CI: 0.6301-0.8326 (DeLong)".
@Suite("Metrics: DeLong against pROC on the aSAH data")
struct MetricsDeLongPublishedTests {
    struct ASAH {
        var poor: [Double]
        var wfns: [Double]
        var s100b: [Double]
        var ndka: [Double]
    }

    /// DeLong is rank-based, so the markers are mapped into [0, 1] (the metric contract) by
    /// strictly increasing maps that keep ties: wfns grade g → g/10, a concentration x → x/(1+x).
    static func load() throws -> ASAH {
        let url = try #require(Bundle.module.url(forResource: "asah", withExtension: "csv", subdirectory: "Fixtures"))
        let (names, columns) = try loadNumericCSV(url)
        func column(_ name: String) throws -> [Double] { columns[try #require(names.firstIndex(of: name))] }
        return ASAH(poor: try column("poor"), wfns: try column("wfns").map { $0 / 10 },
                    s100b: try column("s100b").map { $0 / (1 + $0) }, ndka: try column("ndka").map { $0 / (1 + $0) })
    }

    @Test("the fixture is pROC's aSAH: 113 patients, 41 poor outcomes")
    func shape() throws {
        let d = try Self.load()
        #expect(d.poor.count == 113 && d.poor.reduce(0, +) == 41)
    }

    @Test("roc.test(wfns, s100b), roc.test(wfns, ndka), roc.test(ndka, s100b): Z, p and the interval of the difference")
    func rocTest() throws {
        let d = try Self.load()
        // (first, second, Z, p, lower, upper) from pROC's test-roc.test.R (t1, t2, t3).
        let cases: [([Double], [Double], Double, Double, Double, Double)] = [
            (d.wfns, d.s100b, 2.20898359144091, 0.0271757822291882, 0.0104061769564846, 0.174214419249478),
            (d.wfns, d.ndka, 2.79777591868904, 0.00514557970691098, 0.0634011709339876, 0.3600405634833566),
            (d.ndka, d.s100b, -1.39077002573558, 0.164295175223054, -0.2876917446341914, 0.0488706064228094),
        ]
        for (a, b, z, p, lower, upper) in cases {
            let r = try DeLong.compare(p1: a, p2: b, y: d.poor)
            // Tolerance 1e-12 relative: pROC prints 15 significant digits; the rest is summation order.
            #expect(relativeError(r.z, z) < 1e-12)
            #expect(relativeError(r.pValue, p) < 1e-12)
            #expect(relativeError(r.lower95, lower) < 1e-12)
            #expect(relativeError(r.upper95, upper) < 1e-12)
        }
    }

    @Test("ci.auc(roc(outcome, wfns)) and the documented s100b example")
    func intervals() throws {
        let d = try Self.load()
        let wfns = try DeLong.auc(p: d.wfns, y: d.poor)
        // pROC r_ci.auc.R: 0.748534887819453, 0.823678861788618, 0.898822835757783 (1e-12 relative).
        #expect(relativeError(wfns.lower95, 0.748534887819453) < 1e-12)
        #expect(relativeError(wfns.auc, 0.823678861788618) < 1e-12)
        #expect(relativeError(wfns.upper95, 0.898822835757783) < 1e-12)
        let s100b = try DeLong.auc(p: d.s100b, y: d.poor)
        // Documented to 4 decimals (AUC 0.7314, CI 0.6301-0.8326): tolerance half a unit, 5e-5.
        #expect(abs(s100b.auc - 0.7314) < 5e-5)
        #expect(abs(s100b.lower95 - 0.6301) < 5e-5)
        #expect(abs(s100b.upper95 - 0.8326) < 5e-5)
        // pROC's placement test (helper-deLongPlacementsCpp-expected.R) gives theta 0.731368563685637.
        #expect(relativeError(s100b.auc, 0.731368563685637) < 1e-12)
    }
}
