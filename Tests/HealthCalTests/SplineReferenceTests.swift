import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// Restricted cubic splines against R and statsmodels on the Telco data.
/// Reference: Fixtures/make_spline_fixtures.py (committed output spline_reference.json): knots
/// from R `Hmisc::rcspline.eval(x, nk = 4)`, fit from statsmodels Logit on patsy `cr()` natural
/// cubic splines with the same knots (the same column space as the RCS basis).
@Suite struct SplineReferenceTests {
    struct Reference: Decodable {
        var knots: [String: [Double]]
        var knots_by_count: [String: [String: [Double]]]
        var llf: Double
        var rows: [Int]
        var probabilities: [Double]
        var partial_effects: [String: Curve]
        struct Curve: Decodable { var x: [Double]; var effect: [Double]; var half_width: [Double] }
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixtureURL("spline_reference.json")))
    }

    /// Knots equal R's within 1e-12 (the same type-7 quantile arithmetic: in practice equal).
    @Test func knotsEqualHarrellsDefaultsFromR() throws {
        let ref = try Self.reference()
        let panel = try TelcoFixture.panel()
        let enc = try FeatureEncoder.fit(panel, rows: Array(0..<panel.rowCount), spec: TelcoFixture.spec())
        for name in ["tenure", "MonthlyCharges"] {
            let knots = try #require(enc.features.first { $0.name == name }?.knots)
            let expected = try #require(ref.knots[name])
            #expect(knots.count == 4)
            #expect(maxAbsoluteError(knots, expected) <= 1e-12, "\(name): \(knots) vs R \(expected)")
        }
        #expect(enc.names == ["const", "tenure", "tenure (spline 1)", "tenure (spline 2)", "MonthlyCharges",
                              "MonthlyCharges (spline 1)", "MonthlyCharges (spline 2)",
                              "PaymentMethod=Bank transfer (automatic)", "PaymentMethod=Credit card (automatic)",
                              "PaymentMethod=Mailed check"])
    }

    /// Every knot count 3...7 on tenure (ties at the ends), MonthlyCharges and TotalCharges (11
    /// blank cells, missing) read by the CSV reader: equal to R's within 1e-12.
    @Test(arguments: [3, 4, 5, 6, 7])
    func everyKnotCountEqualsR(knots: Int) throws {
        let ref = try Self.reference()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-knots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("telco.csv").path
        try TelcoFixture.csv().write(toFile: csv, atomically: true, encoding: .utf8)
        let names = ["tenure", "MonthlyCharges", "TotalCharges"]
        let spec = Spec(data: DataOptions(id: "customerID", period: nil, outcome: "Churn"),
                        features: names.map { FeatureSpec(name: $0, type: .numeric, transform: .spline, knots: knots) })
        let panel = try PanelLoading.load(path: csv, spec: spec)
        let enc = try FeatureEncoder.fit(panel, rows: Array(0..<panel.rowCount), spec: spec)
        for name in names {
            let got = try #require(enc.features.first { $0.name == name }?.knots)
            let expected = try #require(ref.knots_by_count[name]?[String(knots)])
            #expect(got.count == expected.count && maxAbsoluteError(got, expected) <= 1e-12, "\(name) k=\(knots): \(got) vs R \(expected)")
        }
        #expect(enc.features.first { $0.name == "TotalCharges" }?.missingIndicator == true)
    }

    /// Fitted probabilities within 1e-8 absolute and the log-likelihood within 1e-8 relative of
    /// statsmodels (the script checks that its own RCS-basis fit agrees with the cr() fit to 1e-9).
    @Test func fitEqualsStatsmodelsOnTheSameColumnSpace() throws {
        let ref = try Self.reference()
        let panel = try TelcoFixture.panel()
        #expect(panel.rowCount == 7043)
        let fitted = try SpecFit.run(panel: panel)
        #expect(abs(fitted.fit.logLikelihood - ref.llf) <= 1e-8 * abs(ref.llf), "llf \(fitted.fit.logLikelihood) vs \(ref.llf)")
        let design = try fitted.encoding.design(panel, rows: ref.rows)
        let p = try design.x.multiply(fitted.fit.coefficients).map(CalibrationMap.sigmoid)
        #expect(maxAbsoluteError(p, ref.probabilities) <= 1e-8)
        // The scalar scorer gives the design's very bits.
        for (i, r) in ref.rows.enumerated().prefix(200) {
            let row = try fitted.encoding.encode(fitted.encoding.rawRow(panel, row: r))
            #expect(row.map(\.bitPattern) == (0..<design.columnCount).map { design.x[i, $0].bitPattern }, "row \(r)")
        }
    }

    /// The report's partial effects against numpy on statsmodels' fit of the same columns:
    /// b(x)ᵀβ within 1e-6 absolute and the 95% half-width 1.96·sqrt(b(x)ᵀVb(x)) within 1e-6
    /// relative (two Newton optima and two inverse Hessians, each converged to ~1e-10).
    @Test func partialEffectsAndBandsEqualStatsmodels() throws {
        let ref = try Self.reference()
        let panel = try TelcoFixture.panel()
        let fitted = try SpecFit.run(panel: panel)
        #expect(fitted.fit.covarianceType == .model)
        let curves = PartialEffect.curves(encoding: fitted.encoding, fit: fitted.fit,
                                          ranges: ["tenure": 0...72, "MonthlyCharges": 20...110], points: 73)
        #expect(curves.map(\.feature) == ["tenure", "MonthlyCharges"])
        let tenure = try #require(ref.partial_effects["tenure"])
        #expect(maxAbsoluteError(curves[0].x, tenure.x) == 0)
        #expect(maxAbsoluteError(curves[0].effect, tenure.effect) <= 1e-6)
        for (i, h) in tenure.half_width.enumerated() {
            let half = (curves[0].upper[i] - curves[0].lower[i]) / 2
            #expect(abs(half - h) <= 1e-6 * max(h, 1e-3), "tenure \(tenure.x[i]): \(half) vs \(h)")
        }
        let charges = try #require(ref.partial_effects["MonthlyCharges"])
        let grid = PartialEffect.curves(encoding: fitted.encoding, fit: fitted.fit, ranges: ["MonthlyCharges": 20...110], points: 10)
        let c = try #require(grid.first)
        #expect(maxAbsoluteError(c.x, charges.x) <= 1e-12)
        #expect(maxAbsoluteError(c.effect, charges.effect) <= 1e-6)
        #expect(maxAbsoluteError(zip(c.upper, c.lower).map { ($0 - $1) / 2 }, charges.half_width) <= 1e-6)
        // The chart: the curve and both band lines, titled with the feature.
        let svg = c.chart().svg()
        #expect(svg.contains("Partial effect of MonthlyCharges") && svg.contains("95% band, lower") && svg.contains("Fitted effect"))
    }
}
