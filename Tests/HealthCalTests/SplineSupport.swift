import Foundation
@testable import HealthCal

/// The Telco sample (Fixtures/telco.csv) as a panel, for the spline tests.
///
/// Customer 9526-BIHHD is left out, as Fixtures/make_spline_fixtures.py leaves it out: the first
/// committed copy of telco.csv had that record malformed (22 fields), main's restored copy has it
/// whole; without it both copies give the same 7,042 rows and the same reference.
enum TelcoFixture {
    static func csv() throws -> String {
        let text = try String(contentsOf: fixtureURL("telco.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let fields = lines.first.map { $0.split(separator: ",", omittingEmptySubsequences: false).count } ?? 0
        return lines.filter { line in
            line.split(separator: ",", omittingEmptySubsequences: false).count == fields && !line.hasPrefix("9526-BIHHD,")
        }.joined(separator: "\n") + "\n"
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
