import Foundation
@testable import HealthCal

/// The Telco sample (Fixtures/telco.csv) as a panel, for the spline tests.
///
/// The committed file has one malformed record (file line 6082, 22 fields where the header has
/// 21); it is skipped here exactly as Fixtures/make_spline_fixtures.py skips it (pandas
/// `on_bad_lines="skip"`), so both fit the same 7,042 rows.
enum TelcoFixture {
    static func csv() throws -> String {
        let text = try String(contentsOf: fixtureURL("telco.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let fields = lines.first.map { $0.split(separator: ",", omittingEmptySubsequences: false).count } ?? 0
        return lines.filter { $0.split(separator: ",", omittingEmptySubsequences: false).count == fields }.joined(separator: "\n") + "\n"
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
