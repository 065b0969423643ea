import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// `FeatureMagnitude`: a training value (after transform and bounds) or a design value past
/// ±1e154, whose square overflows double precision, is an input problem naming its line and
/// column, not a LAPACK failure; the transform and bounds that tame it (log1p, clip,
/// winsorize) let it through, and so does a value just inside the limit.
@Suite struct FeatureMagnitudeTests {
    /// 400 rows of 100 customers over 4 quarters; `x` is 1..10 except one cell, `huge`, on line 42.
    static func problems(_ huge: String, _ feature: FeatureSpec) -> [DataProblem]? {
        var rng = SplitMix64(seed: 5)
        var csv = "customer_id,period,x,churned\n"
        for t in 0..<4 {
            for i in 0..<100 {
                let line = 2 + t * 100 + i
                let x = line == 42 ? huge : String(Double(rng.next() % 10 + 1))
                csv += "C\(i),2024Q\(t + 1),\(x),\(t == 3 && i % 3 == 0 ? 1 : 0)\n"
            }
        }
        let spec = testSpec(features: [feature])
        do {
            let panel = try Panel.make(table: makeTable(csv), spec: spec)
            _ = try FeatureEncoder.fit(panel, rows: Array(0..<panel.rowCount), spec: spec)
            return nil
        } catch {
            return error.problems   // typed: Panel.make and FeatureEncoder.fit throw DataValidationError
        }
    }

    static func feature(_ edit: (inout FeatureSpec) -> Void = { _ in }) -> FeatureSpec {
        var f = FeatureSpec(name: "x", type: .numeric)
        edit(&f)
        return f
    }

    @Test(arguments: [(true, "1e200"), (false, "1e200"), (false, "-2e154"), (true, "1.7e308")])
    func aValueWhoseSquareOverflowsIsNamed(_ standardize: Bool, _ huge: String) throws {
        let found = try #require(Self.problems(huge, Self.feature { $0.standardize = standardize }))
        #expect(found.count == 1)
        let p = try #require(found.first)
        #expect(p.line == 42 && p.column == 3 && p.columnName == "x" && p.message.contains("too large for the fit"), "\(p)")
    }

    @Test func whatTamesItLetsItThrough() {
        #expect(Self.problems("1e200", Self.feature { $0.transform = .log1p }) == nil)
        #expect(Self.problems("1e200", Self.feature { $0.clip = [0, 100] }) == nil)
        #expect(Self.problems("1e200", Self.feature { $0.winsorize = [0.01, 0.99] }) == nil)
        #expect(Self.problems("1e153", Self.feature { $0.standardize = false }) == nil)
        #expect(Self.problems("1e150", Self.feature { $0.standardize = true }) == nil)
    }

    /// The rule itself, on a fitted feature: the cleaned value, the standardized value and a
    /// spline's terms are each held to the limit.
    @Test func theRuleChecksEveryDesignValue() {
        var f = FittedFeature(name: "x", type: .numeric, group: nil, columns: ["x"], transform: FeatureSpec.Transform.none, lower: nil, upper: nil,
                              impute: .zero, imputeValue: 0, missingIndicator: false, center: nil, scale: nil)
        #expect(FeatureMagnitude.overflow(f, at: 1e154) == nil)
        #expect(FeatureMagnitude.overflow(f, at: -1.0000001e154) == -1.0000001e154)
        f.center = 0
        f.scale = 1e-10
        #expect(FeatureMagnitude.overflow(f, at: 1e150) == 1e160)
        f.scale = .infinity
        #expect(FeatureMagnitude.overflow(f, at: 1) == 1)
        f.center = nil
        f.scale = nil
        f.knots = [0, 1, 2]
        #expect(FeatureMagnitude.overflow(f, at: 1e150) == nil)   // restricted: linear beyond the last knot,
        let term = SplineBasis.nonlinear(9e153, knots: [0, 1, 2])[0]   // (2·1·(3x − 3))/4 = 1.35e154 here
        #expect(term > FeatureMagnitude.limit && FeatureMagnitude.overflow(f, at: 9e153) == term)
    }
}
