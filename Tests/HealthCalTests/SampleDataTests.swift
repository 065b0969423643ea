import Foundation
import Testing
import TestSupport
@testable import HealthCal

@Suite("Sample data")
struct SampleDataTests {
    static let small: Result<SamplePanel, SampleDataError> = Result { () throws(SampleDataError) in
        try SampleData.generate(seed: 7, customers: 600, periods: 8)
    }

    /// The CSV split into rows of cells (the generator never quotes: no cell holds a comma).
    static func rows(_ csv: String) -> (header: [String], rows: [[String]]) {
        var lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "", "the file ends with a newline")
        lines.removeLast()
        let header = lines.removeFirst().components(separatedBy: ",")
        return (header, lines.map { $0.components(separatedBy: ",") })
    }

    @Test func sameSeedGivesIdenticalBytesAndAnotherSeedDiffers() throws {
        let a = try SampleData.generate(seed: 7, customers: 600, periods: 8)
        let b = try Self.small.get()
        #expect(a.csv == b.csv && a.spec == b.spec && a.truthJSON == b.truthJSON)
        let c = try SampleData.generate(seed: 8, customers: 600, periods: 8)
        #expect(c.csv != a.csv)
        #expect(c.truthJSON != a.truthJSON)
    }

    @Test func csvHasThePromisedShape() throws {
        let sample = try Self.small.get()
        let (header, rows) = Self.rows(sample.csv)
        #expect(header == SampleData.columns)
        #expect(rows.count == sample.summary.rows)
        #expect(rows.allSatisfy { $0.count == header.count })
        let col = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        func ints(_ name: String) -> [Int?] { rows.map { Int($0[col[name] ?? 0]) } }

        let labels = (0..<8).map { Period(unit: .quarter, ordinal: 2023 * 4 + $0).label }
        #expect(labels.first == "2023Q1" && labels.last == "2024Q4")
        #expect(Set(rows.map { $0[1] }) == Set(labels))
        #expect(rows.allSatisfy { $0[0].count == 7 && $0[0].hasPrefix("C") && Int($0[0].dropFirst()) != nil })
        // Sorted by period, then customer id (ids are zero-padded, so text order is numeric order).
        let keys = rows.map { (labels.firstIndex(of: $0[1]) ?? -1, $0[0]) }
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) })

        #expect(Set(rows.map { $0[2] }) == ["enterprise", "mid-market", "SMB"])
        #expect(Set(rows.map { $0[3] }) == ["basic", "pro", "enterprise"])
        #expect(ints("seats").allSatisfy { ($0 ?? 0) >= 1 })
        #expect(ints("feature_adoption").allSatisfy { (0...20).contains($0 ?? -1) })
        #expect(ints("exec_meetings").allSatisfy { (0...3).contains($0 ?? -1) })
        #expect(ints("invoice_sent").allSatisfy { $0 == 0 || $0 == 1 })
        #expect(ints("churned").allSatisfy { $0 == 0 || $0 == 1 })
        #expect(rows.map { $0[col["nps"] ?? 0] }.allSatisfy { $0.isEmpty || (-100...100).contains(Int($0) ?? 999) })
        #expect(rows.map { $0[col["active_user_share"] ?? 0] }.allSatisfy {
            $0.isEmpty || ($0.count == 5 && (0...1).contains(Double($0) ?? -1))
        })
        for name in ["logins_30d", "support_tickets", "payment_delay_days"] {
            #expect(rows.map { $0[col[name] ?? 0] }.allSatisfy { $0.isEmpty || (Int($0) ?? -1) >= 0 })
        }

        // Missing shares: nps 30%, the others 0.5-1.5%. With ~4,000 rows the binomial SD of a
        // share is at most 0.008, so the bounds below are 5+ SDs wide.
        let n = Double(rows.count)
        func missingShare(_ name: String) -> Double { Double(rows.filter { $0[col[name] ?? 0].isEmpty }.count) / n }
        #expect(abs(missingShare("nps") - 0.30) < 0.05)
        for name in ["logins_30d", "active_user_share", "support_tickets", "payment_delay_days"] {
            #expect(missingShare(name) > 0 && missingShare(name) < 0.04, "\(name)")
        }
        for name in ["customer_id", "period", "segment", "plan", "seats", "feature_adoption", "exec_meetings", "invoice_sent", "churned"] {
            #expect(missingShare(name) == 0, "\(name)")
        }
    }

    @Test func customersHaveConsecutiveQuartersAndNoRowsAfterChurn() throws {
        let sample = try Self.small.get()
        let (_, rows) = Self.rows(sample.csv)
        let labels = sample.summary.periods
        var history: [String: [(Int, Bool)]] = [:]
        for r in rows { history[r[0], default: []].append((labels.firstIndex(of: r[1]) ?? -1, r[13] == "1")) }
        #expect(history.count == 600)
        for (id, h) in history {
            #expect(zip(h, h.dropFirst()).allSatisfy { $1.0 == $0.0 + 1 }, "\(id): gap in its quarters")
            #expect(h.dropLast().allSatisfy { !$0.1 }, "\(id): a row after churning")
            if let last = h.last, !last.1 { #expect(last.0 == labels.count - 1, "\(id) disappears without churning") }
        }
        // Some customers enter after the first quarter.
        #expect(history.values.contains { $0.first?.0 ?? 0 > 0 })
        // Segments differ in churn (base rates come through their metrics).
        let churnBySegment = Dictionary(grouping: rows, by: { $0[2] }).mapValues {
            Double($0.filter { $0[13] == "1" }.count) / Double($0.count)
        }
        #expect((churnBySegment["SMB"] ?? 0) > (churnBySegment["enterprise"] ?? 1))
    }

    @Test func plantedCustomersBehaveAsPlanted() throws {
        let sample = try SampleData.generate(seed: 42, customers: 2000, periods: 10)
        let (_, rows) = Self.rows(sample.csv)
        let summary = sample.summary
        #expect(summary.plantedFalseHealthy.count >= 5 && summary.plantedPersistentRed.count >= 10)
        let byID = Dictionary(grouping: rows, by: { $0[0] })
        for (id, period) in summary.plantedFalseHealthy {
            let h = try #require(byID[id])
            #expect(h.last?[1] == period && h.last?[13] == "1" && h.count >= 3, "\(id)")
        }
        for id in summary.plantedPersistentRed {
            let h = try #require(byID[id])
            #expect(h.count >= 4 && h.allSatisfy { $0[13] == "0" }, "\(id)")
        }
        // Persistent-red customers look worse than the rest: lower active-user share on average.
        let red = Set(summary.plantedPersistentRed)
        func meanShare(_ keep: (String) -> Bool) -> Double {
            let v = rows.filter { keep($0[0]) }.compactMap { Double($0[6]) }
            return v.reduce(0, +) / Double(v.count)
        }
        #expect(meanShare { red.contains($0) } < meanShare { !red.contains($0) } - 0.1)
    }

    @Test func specParsesAndBuildsThePanel() throws {
        let sample = try Self.small.get()
        let spec = try Spec.parse(yaml: sample.spec, file: "spec.yaml")
        #expect(spec.features.map(\.name) == SampleModel.features.map(\.name))
        #expect(spec.features.allSatisfy { !$0.effectiveStandardize })
        let panel = try Panel.make(table: makeTable(sample.csv), spec: spec)
        #expect(panel.rowCount == sample.summary.rows)
        #expect(panel.periodLabels == sample.summary.periods)
        #expect(Int(panel.outcome.reduce(0, +)) == sample.summary.churnedRows)
        #expect(panel.gate != nil)
    }

    @Test func truthJSONNamesTheDesignColumnsAndThePlantedCustomers() throws {
        let sample = try Self.small.get()
        let json = try #require(try JSONSerialization.jsonObject(with: Data(sample.truthJSON.utf8)) as? [String: Any])
        let weights = try #require(json["weights"] as? [String: Double])
        #expect(Set(weights.keys) == Set(SampleModel.trueWeights.map(\.name)))
        #expect(weights["plan=pro"] == -0.2 && weights["nps (missing)"] == 0.3)
        #expect((json["planted_false_healthy"] as? [String]) == sample.summary.plantedFalseHealthy.map(\.id))
        #expect((json["planted_persistent_red"] as? [String]) == sample.summary.plantedPersistentRed)
        #expect((json["rows"] as? Int) == sample.summary.rows)
        // Names agree with what the encoder builds from the sample spec.
        let spec = try Spec.parse(yaml: sample.spec)
        let panel = try Panel.make(table: makeTable(sample.csv), spec: spec)
        let encoding = try FeatureEncoder.fit(panel, rows: Array(0..<panel.rowCount), spec: spec)
        #expect(encoding.names == SampleModel.trueWeights.map(\.name))
    }

    @Test func badArgumentsAreNamedErrors() {
        #expect(throws: SampleDataError.invalid("customers must be between 1 and 10000000, not 0")) {
            try SampleData.generate(seed: 1, customers: 0, periods: 10)
        }
        #expect(throws: SampleDataError.invalid("periods must be between 2 and 400, not 1")) {
            try SampleData.generate(seed: 1, customers: 10, periods: 1)
        }
        #expect((try? SampleData.generate(seed: 1, customers: 1, periods: 2)) != nil)
    }

    /// `exp` and `log` from basic operations agree with the platform's libm to 1e-15 relative
    /// (about 5 ulp; reference: Foundation's exp/log, themselves within 1 ulp).
    @Test func deterministicMathMatchesLibm() {
        var worst = 0.0
        for k in -2000...2000 {
            let x = Double(k) * 0.0173
            worst = max(worst, relativeError(DetMath.exp(x), Foundation.exp(x)))
            let y = DetMath.exp(x / 3)
            worst = max(worst, abs(DetMath.log(y) - Foundation.log(y)) / max(1, abs(Foundation.log(y))))
        }
        #expect(worst < 1e-15)
        #expect(DetMath.log(1) == 0 && DetMath.exp(0) == 1)
    }
}
