import Foundation
@testable import HealthCal

/// The Telco sample (Fixtures/telco.csv) as a panel, for the spline tests.
/// All 7,043 rows, as Fixtures/make_spline_fixtures.py reads them.
enum TelcoFixture {
    static func csv() throws -> String {
        let text = try String(contentsOf: fixtureURL("telco.csv"), encoding: .utf8)
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    /// tenure and MonthlyCharges as `knots`-knot splines (no standardization), PaymentMethod one-hot.
    static func spec(knots: Int = 4) -> Spec {
        Spec(data: DataOptions(id: "customerID", period: nil, outcome: "Churn"),
             features: [FeatureSpec(name: "tenure", type: .numeric, transform: .spline, knots: knots),
                        FeatureSpec(name: "MonthlyCharges", type: .numeric, transform: .spline, knots: knots),
                        FeatureSpec(name: "PaymentMethod", type: .categorical)])
    }

    static func panel(_ spec: Spec = spec()) throws -> Panel {
        try Panel.make(table: makeTable(try csv(), source: "telco.csv"), spec: spec)
    }
}
