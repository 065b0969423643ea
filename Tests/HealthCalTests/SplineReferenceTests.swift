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
        var llf: Double
        var rows: [Int]
        var probabilities: [Double]
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

    /// Fitted probabilities within 1e-8 absolute and the log-likelihood within 1e-8 relative of
    /// statsmodels (the script checks that its own RCS-basis fit agrees with the cr() fit to 1e-9).
    @Test func fitEqualsStatsmodelsOnTheSameColumnSpace() throws {
        let ref = try Self.reference()
        let panel = try TelcoFixture.panel()
        #expect(panel.rowCount == 7042)
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
}
