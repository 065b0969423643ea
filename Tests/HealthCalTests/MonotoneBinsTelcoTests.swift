import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// `transform: bins` on the IBM Telco sample against Fixtures/bins_reference.json, written by
/// Fixtures/make_bins_reference.py (numpy's "higher" quantiles for the grid, an independent
/// memoized search for the optimal monotone partition, statsmodels' Logit for the fit).
@Suite struct MonotoneBinsTelcoTests {
    /// The 7,043 rows of telco.csv, as the script reads them, with the columns the tests use;
    /// blank TotalCharges are missing.
    static func table() throws -> Table {
        let text = try String(contentsOf: fixtureURL("telco.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } }
        let header = lines.removeFirst()
        let keep = ["customerID", "tenure", "MonthlyCharges", "TotalCharges", "Churn"].map { name in header.firstIndex(of: name) ?? -1 }
        let rows = lines.filter { $0.count == header.count }
        #expect(rows.count == 7043)
        let csv = "customerID,tenure,MonthlyCharges,TotalCharges,Churn\n" + rows.map { r in keep.map { r[$0] }.joined(separator: ",") }.joined(separator: "\n")
        return makeTable(csv, source: "telco.csv")
    }

    static func reference() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: fixtureURL("bins_reference.json"))) as? [String: Any] ?? [:]
    }

    @Test func cutsEqualTheReferenceForEveryOption() throws {
        let table = try Self.table()
        let ref = try Self.reference()
        let features = try #require(ref["features"] as? [String: [String: [String: Any]]])
        guard let churnIndex = table.index(of: "Churn"), case let .text(churn) = table.columns[churnIndex] else {
            Issue.record("Churn is not a text column")
            return
        }
        let y = (0..<table.rowCount).map { churn.value(at: $0) == "Yes" ? 1.0 : 0.0 }
        var compared = 0
        for (name, options) in features {
            let j = try #require(table.index(of: name))
            guard case let .numeric(column) = table.columns[j] else { Issue.record("\(name) is not numeric"); continue }
            let present = column.indices.filter { !column[$0].isNaN }
            let x = present.map { column[$0] }, py = present.map { y[$0] }
            for (key, expected) in options {
                let parts = key.split(separator: "/")
                let maxBins = try #require(Int(parts[0])), direction = try #require(MonotoneBins.Direction(rawValue: String(parts[1])))
                // The grid: numpy's quantile(method="higher"), exactly.
                #expect(MonotoneBins.candidates(sorted: x.sorted()) == expected["candidates"] as? [Double], "\(name)")
                let got = MonotoneBins.fit(values: x, churned: py, maxBins: maxBins, minShare: 0.05, direction: direction)
                if let cuts = expected["cuts"] as? [Double] {
                    let result = try got.get()
                    #expect(result.cuts == cuts, "\(name) \(key)")
                    #expect(result.direction.rawValue == expected["direction"] as? String, "\(name) \(key)")
                    // The same sums in another order: 1e-12 relative.
                    let ll = try #require(expected["log_likelihood"] as? Double)
                    #expect(abs(result.logLikelihood - ll) <= 1e-12 * abs(ll), "\(name) \(key)")
                    compared += 1
                } else {
                    #expect(got == .failure(.noMonotoneSplit), "\(name) \(key): the reference found no partition")
                }
            }
        }
        #expect(compared >= 18)
    }

    /// The full fit with tenure and MonthlyCharges binned (defaults) equals statsmodels' Logit on
    /// the same indicator columns: coefficients within 1e-8, log-likelihood within 1e-10 relative.
    @Test func theBinnedFitEqualsStatsmodels() throws {
        let ref = try Self.reference()
        let logit = try #require(ref["logit"] as? [String: Any])
        let spec = Spec(data: DataOptions(id: "customerID", period: nil, outcome: "Churn"),
                        features: [.bins("tenure"), .bins("MonthlyCharges")])
        let panel = try Panel.make(table: Self.table(), spec: spec)
        let fit = try SpecFit.run(panel: panel)
        let params = try #require(logit["params"] as? [Double])
        #expect(fit.fit.names.count == params.count)
        #expect(fit.fit.names.first == "const")
        #expect(Array(fit.fit.names.dropFirst()).map { $0.split(separator: " ").first.map(String.init) ?? "" }
                == Array((try #require(logit["names"] as? [String])).dropFirst()).map { $0.split(separator: " ").first.map(String.init) ?? "" })
        #expect(maxAbsoluteError(fit.fit.coefficients, params) <= 1e-8, "\(fit.fit.coefficients) vs \(params)")
        let llf = try #require(logit["llf"] as? Double)
        #expect(abs(fit.fit.logLikelihood - llf) <= 1e-10 * abs(llf))
        let bse = try #require(logit["bse"] as? [Double])
        #expect(maxScaledError(fit.fit.standardErrors, bse) <= 1e-6)
        let p20 = try #require(logit["p_first_20"] as? [Double])
        let design = try fit.encoding.design(panel, rows: Array(0..<20))
        let eta = try design.x.multiply(fit.fit.coefficients)
        #expect(maxAbsoluteError(eta.map(CalibrationMap.sigmoid), p20) <= 1e-10)
    }
}
