import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// `transform: spline` in the spec: its options, its bad inputs and their messages.
@Suite struct SplineSpecTests {
    func spec(_ feature: String) -> String {
        """
        data:
          id: customer_id
          outcome: churned
        features:
          - name: logins
            type: numeric
        \(feature)
        """
    }

    func issues(_ yaml: String) -> SpecError? {
        do {
            _ = try Spec.parse(yaml: yaml, file: "specs/churn.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func splineParsesWithDefaultKnotsAndNoStandardization() throws {
        let s = try Spec.parse(yaml: spec("    transform: spline"))
        #expect(s.features[0].effectiveTransform == .spline && s.features[0].effectiveKnots == 4)
        #expect(!s.features[0].effectiveStandardize)
        let seven = try Spec.parse(yaml: spec("    transform: spline\n    knots: 7\n    standardize: true"))
        #expect(seven.features[0].effectiveKnots == 7 && seven.features[0].effectiveStandardize)
    }

    @Test(arguments: [2, 8, 0])
    func knotsOutsideThreeToSevenAreAnError(knots: Int) throws {
        let e = try #require(issues(spec("    transform: spline\n    knots: \(knots)")))
        #expect(e.issues.map(\.key) == ["features[0].knots"])
        #expect(e.issues[0].message == "features[0].knots ('logins') must be between 3 and 7, not \(knots)")
    }

    @Test func knotsWithoutSplineAreAnError() throws {
        let e = try #require(issues(spec("    knots: 5")))
        #expect(e.issues.map(\.message) == ["features[0].knots ('logins') is used only with transform: spline"])
    }

    @Test func splineOnACategoricalOrBooleanIsAnError() throws {
        for type in ["categorical", "boolean"] {
            let yaml = spec("  - name: plan\n    type: \(type)\n    transform: spline\n    knots: 4")
            let e = try #require(issues(yaml))
            #expect(Set(e.issues.map(\.key)) == ["features[1].transform", "features[1].knots"], "\(type)")
            #expect(e.issues.contains { $0.message == "key 'transform' in features[1] ('plan') applies to numeric features, not \(type)" })
            #expect(e.issues.contains { $0.message == "key 'knots' in features[1] ('plan') applies to numeric features, not \(type)" })
        }
    }

    /// Fewer distinct training values than knots: a problem naming the feature and the count.
    @Test func fewerDistinctValuesThanKnotsNamesTheFeatureAndTheCount() throws {
        var csv = "customer_id,period,seats,churned\n"
        for i in 0..<60 { csv += "C\(i),2025Q1,\([1, 2, 3][i % 3]),\(i % 4 == 0 ? 1 : 0)\n" }
        let spec = testSpec(features: [FeatureSpec(name: "seats", type: .numeric, transform: .spline, knots: 5)])
        let panel = try Panel.make(table: makeTable(csv, source: "panel.csv"), spec: spec)
        let error = #expect(throws: DataValidationError.self) {
            try FeatureEncoder.fit(panel, rows: Array(0..<panel.rowCount), spec: spec)
        }
        let problem = try #require(error?.problems.first)
        #expect(problem.description == "panel.csv (column \"seats\"): 5 knots asked for, but the training rows hold only 3 distinct values; use knots: 3 or fewer, or another transform")
        // Three distinct values and 3 knots: Harrell's rule takes the interior values, one knot: an error too.
        var three = spec
        three.features[0].knots = 3
        let again = #expect(throws: DataValidationError.self) {
            try FeatureEncoder.fit(panel, rows: Array(0..<panel.rowCount), spec: three)
        }
        #expect(again?.problems.first?.message == "only 1 distinct knot could be placed on 3 distinct training values; a spline needs 3")
    }

    /// Harrell's rules beyond the plain quantiles, against R (Hmisc 5.x rcspline.eval, run by hand:
    /// `attr(rcspline.eval(x, nk = k), "knots")`, values below).
    @Test func harrellsSpecialRulesMatchR() throws {
        // n < 100: outer knots at the 5th smallest and 5th largest values. x = 1:50, nk = 4:
        // R gives 5.00 18.15 32.85 46.00.
        let small = try SplineKnots.harrell(sorted: (1...50).map(Double.init), count: 4)
        #expect(maxAbsoluteError(small, [5, 18.15, 32.85, 46]) <= 1e-12)
        // Few distinct values (nxu - 2 <= nk): the interior distinct values. x = rep(1:6, 20), nk = 4:
        // R gives 2 3 4 5.
        let few = try SplineKnots.harrell(sorted: (1...6).flatMap { v in Array(repeating: Double(v), count: 20) }, count: 4)
        #expect(few == [2, 3, 4, 5])
        // A tied minimum holding >= 5% of the rows (no interior value does): the next distinct value
        // is the first knot and the rest are placed beyond it. x = c(rep(0, 300), seq(0.5, 100,
        // length = 1700)), nk = 5: R gives 0.5 5.5306356680400235 35.363066509711587
        // 65.195497351383168 95.027928193054734.
        let tied = Array(repeating: 0.0, count: 300) + SplineKnots.rSeq(0.5, 100, count: 1700)
        let knots = try SplineKnots.harrell(sorted: tied, count: 5)
        #expect(maxAbsoluteError(knots, [0.5, 5.5306356680400235, 35.363066509711587, 65.195497351383168, 95.027928193054734]) <= 1e-12)
    }
}
