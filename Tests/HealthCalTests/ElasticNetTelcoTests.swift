import Foundation
import Testing
import TestSupport
import LinearAlgebra
@testable import HealthCal

/// Elastic-net fits on the Telco sample against R glmnet (`standardize=FALSE`, `thresh=1e-20`: see the script,
/// `maxit=1e7`), values from Fixtures/make_enet_fixtures.R (committed output enet_reference.json,
/// glmnet 4.1.6). glmnet's (λ, α) are converted to ours: l1 = nλα, l2 = nλ(1−α).
@Suite struct ElasticNetTelcoTests {
    static let spec = """
        version: 1
        data: {id: customerID, outcome: Churn}
        features:
          - {name: tenure, type: numeric}
          - {name: MonthlyCharges, type: numeric}
          - {name: TotalCharges, type: numeric, impute: median, missing_indicator: false}
          - {name: SeniorCitizen, type: boolean}
          - {name: gender, type: categorical}
          - {name: Partner, type: categorical}
          - {name: Dependents, type: categorical}
          - {name: MultipleLines, type: categorical}
          - {name: InternetService, type: categorical}
          - {name: Contract, type: categorical}
          - {name: PaperlessBilling, type: categorical}
          - {name: PaymentMethod, type: categorical}
        model: {penalty: {l1: 1, l2: 0}}
        """

    static func reference() throws -> [String: Any] {
        let url = try #require(Bundle.module.url(forResource: "enet_reference", withExtension: "json", subdirectory: "Fixtures"))
        return try loadJSON(url)
    }

    /// The Telco design as healthcal encodes it: the 21-field rows of telco.csv (all 7,043), as
    /// in the R script.
    static func design() throws -> (design: Design, y: [Double]) {
        let url = try #require(Bundle.module.url(forResource: "telco", withExtension: "csv", subdirectory: "Fixtures"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        let kept = lines.filter { $0.split(separator: ",", omittingEmptySubsequences: false).count == 21 }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("enet-telco-\(getpid()).csv").path
        try (kept.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let panel = try PanelLoading.load(path: path, spec: try Spec.parse(yaml: spec))
        let rows = Array(0..<panel.rowCount)
        let (_, encoded) = try FeatureEncoder.fitWithEncodedDesign(panel, rows: rows, spec: panel.spec)
        return (encoded.design, panel.outcome)
    }

    @Test func designIsTheOneGlmnetFitted() throws {
        let ref = try Self.reference()
        let (d, y) = try Self.design()
        #expect(d.rowCount == ref["rows"] as? Int)
        #expect(d.names == ["const"] + (try #require(ref["columns"] as? [String])))
        #expect(y.reduce(0, +) == 1869)   // telco.md: 1,869 of 7,043 churned
        let n = Double(d.rowCount)
        let means = (1..<d.columnCount).map { d.x.column($0).reduce(0, +) / n }
        let sds = (1..<d.columnCount).map { j in (d.x.column(j).reduce(0) { $0 + ($1 - means[j - 1]) * ($1 - means[j - 1]) } / n).squareRoot() }
        // Two independent computations of the same encoding: 1e-12 absolute.
        #expect(maxAbsoluteError(means, try #require(ref["design_means"] as? [Double])) < 1e-12)
        #expect(maxAbsoluteError(sds, try #require(ref["design_sds"] as? [Double])) < 1e-12)
        let head = try #require(ref["design_head"] as? [[Double]])
        for (i, row) in head.enumerated() {
            #expect(maxAbsoluteError((1..<d.columnCount).map { d.x[i, $0] }, row) < 1e-12, "row \(i)")
        }
    }

    @Test func coefficientsEqualGlmnet() throws {
        let ref = try Self.reference()
        let (d, y) = try Self.design()
        let cases = try #require(ref["cases"] as? [[String: Any]])
        #expect(cases.count == 3)
        var zeroedHalf = false
        for c in cases {
            let l1 = try #require(c["l1"] as? Double), l2 = try #require(c["l2"] as? Double)
            let fit = try LogisticRegression.fit(d, y: y, options: LogisticOptions(ridge: l2, l1: l1))
            let expected = [try #require(c["intercept"] as? Double)] + (try #require(c["coef"] as? [Double]))
            // glmnet (KKT met to ~1e-11) against our KKT 1e-10: 1e-6 absolute on every weight (the bar).
            #expect(maxAbsoluteError(fit.coefficients, expected) < 1e-6, "l1 \(l1) l2 \(l2)")
            #expect(fit.converged)
            #expect(fit.l1 == l1)
            #expect(fit.warnings.contains { $0.contains("not valid after selection") })
            // The same weights are exactly zero (glmnet's zeros are exact too).
            let zeros = fit.coefficients.dropFirst().map { $0 == 0 }
            #expect(zeros == expected.dropFirst().map { $0 == 0 }, "l1 \(l1) l2 \(l2)")
            if zeros.filter({ $0 }).count * 2 >= zeros.count { zeroedHalf = true }
        }
        #expect(zeroedHalf)
    }

    /// The same three fits against scipy's L-BFGS-B on the exact objective (Fixtures/make_enet_scipy.py,
    /// committed output enet_scipy.json; it agrees with glmnet within 1e-8).
    @Test func coefficientsEqualScipyOnTheExactObjective() throws {
        let url = try #require(Bundle.module.url(forResource: "enet_scipy", withExtension: "json", subdirectory: "Fixtures"))
        let cases = try #require(try loadJSON(url)["cases"] as? [[String: Any]])
        let (d, y) = try Self.design()
        #expect(cases.count == 3)
        for c in cases {
            let l1 = try #require(c["l1"] as? Double), l2 = try #require(c["l2"] as? Double)
            let fit = try LogisticRegression.fit(d, y: y, options: LogisticOptions(ridge: l2, l1: l1))
            // 1e-6 absolute on every weight (scipy stops at its gradient tolerance, ~1e-8 here).
            #expect(maxAbsoluteError(fit.coefficients, try #require(c["coefficients"] as? [Double])) < 1e-6, "l1 \(l1) l2 \(l2)")
        }
    }

    /// Along glmnet's own λ sequence (α = 1), the number of non-zero weights is glmnet's at
    /// every λ, so it is monotone wherever glmnet's is.
    @Test func pathNonZeroCountsFollowGlmnet() throws {
        let ref = try Self.reference()
        let (d, y) = try Self.design()
        let path = try #require(ref["path"] as? [String: Any])
        let l1s = try #require(path["l1"] as? [Double]), counts = try #require(path["nonzero"] as? [Double])
        let penalized = (0..<d.columnCount).map { $0 != 0 }
        var beta = [Double](repeating: 0, count: d.columnCount)
        beta[0] = log(y.reduce(0, +) / (Double(y.count) - y.reduce(0, +)))
        var ours: [Int] = []
        for l1 in l1s {
            let r = try ElasticNet.minimize(x: d.x, y: y, weights: [Double](repeating: 1, count: y.count), l1: l1, l2: 0,
                                            penalized: penalized, start: beta)
            #expect(r.converged)
            beta = r.beta
            ours.append(beta.dropFirst().filter { $0 != 0 }.count)
        }
        #expect(ours == counts.map { Int($0) })
    }
}
