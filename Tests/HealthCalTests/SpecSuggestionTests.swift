import Foundation
import Testing
@testable import HealthCal

@Suite("Spec suggestion")
struct SpecSuggestionTests {
    /// The suggestion for `table`, parsed; and the panel it builds.
    static func suggest(_ table: Table) throws -> (text: String, spec: Spec, panel: Panel) {
        let text = SpecSuggestion.make(table: table)
        let spec = try Spec.parse(yaml: text, file: "suggested.yaml")
        let panel = try Panel.make(table: table, spec: spec)
        return (text, spec, panel)
    }

    static func feature(_ spec: Spec, _ name: String) -> FeatureSpec? { spec.features.first { $0.name == name } }

    @Test func guessesTheSamplePanel() throws {
        let sample = try SampleData.generate(seed: 7, customers: 600, periods: 8)
        let (text, spec, panel) = try Self.suggest(makeTable(sample.csv))
        #expect(spec.data.id == "customer_id")
        #expect(spec.data.period == "period" && spec.data.periodFormat == .quarter)
        #expect(spec.data.outcome == "churned")
        #expect(spec.data.segment == "segment")
        #expect(spec.data.weight == nil)
        #expect(spec.features.map(\.name) == ["plan", "seats", "logins_30d", "active_user_share", "feature_adoption",
                                               "support_tickets", "nps", "payment_delay_days", "exec_meetings", "invoice_sent"])
        #expect(Self.feature(spec, "plan")?.type == .categorical)
        #expect(Self.feature(spec, "invoice_sent")?.type == .boolean)
        // Heavy right tails get log1p; bounded shares and small counts do not.
        for name in ["seats", "logins_30d", "payment_delay_days"] { #expect(Self.feature(spec, name)?.transform == .log1p, "\(name)") }
        for name in ["active_user_share", "feature_adoption", "exec_meetings", "nps"] { #expect(Self.feature(spec, name)?.transform == nil, "\(name)") }
        // Missing indicators exactly where cells are missing.
        #expect(Self.feature(spec, "nps")?.missingIndicator == .always)
        #expect(Self.feature(spec, "feature_adoption")?.missingIndicator == nil)
        #expect(text.contains("CHECK"))
        // The suggested spec fits: encodings on every row.
        _ = try FeatureEncoder.fit(panel, rows: Array(0..<panel.rowCount), spec: spec)
    }

    @Test func snapshotWithYesNoOutcomeAndAwkwardColumns() throws {
        var csv = "CustomerID,Tier,region_code,notes,constant_col,usage,Cancelled\n"
        for i in 0..<80 {
            let tier = ["Gold", "Silver", "Bronze"][i % 3]
            let usage = i % 10 == 0 ? "" : String(i % 7 == 0 ? 5000 + i : i % 13)
            csv += "acct-\(i),\(tier),R\(i % 4),note number \(i),7,\(usage),\(i % 5 == 0 ? "Yes" : "no")\n"
        }
        let table = makeTable(csv, source: "accounts.csv")
        let (text, spec, panel) = try Self.suggest(table)
        #expect(spec.data.id == "CustomerID")
        #expect(spec.data.period == nil && panel.isSnapshot)
        #expect(text.contains("# period: no column reads as quarters"))
        #expect(spec.data.outcome == "Cancelled")
        #expect(spec.data.segment == "Tier")
        #expect(spec.features.map(\.name) == ["region_code", "usage"])
        #expect(Self.feature(spec, "usage")?.transform == .log1p)
        #expect(Self.feature(spec, "usage")?.missingIndicator == .always)
        #expect(text.contains("#   notes: text with 80 distinct values"))
        #expect(text.contains("#   constant_col: every value is 7"))
        #expect(panel.outcome.reduce(0, +) == 16)
    }

    @Test func withoutOutcomeNamesTheLastBinaryColumnIsTheGuess() throws {
        let csv = """
            account,month,has_sso,score,flag
            a,2025-01,1,3.5,0
            b,2025-01,0,2.5,0
            a,2025-02,1,1.5,0
            b,2025-02,0,4.0,1
            c,2025-02,1,0.5,1
            """
        let (text, spec, _) = try Self.suggest(makeTable(csv))
        #expect(spec.data.id == "account")
        #expect(spec.data.period == "month" && spec.data.periodFormat == .month)
        #expect(spec.data.outcome == "flag")
        #expect(text.contains("this is the last 0/1 column"))
        #expect(spec.features.map(\.name) == ["has_sso", "score"])
        #expect(Self.feature(spec, "has_sso")?.type == .boolean)
        #expect(Self.feature(spec, "score")?.transform == nil)
    }

    /// Column names that YAML would misread (a bool, a number, a colon, quotes) are quoted and
    /// come back unchanged.
    @Test func awkwardNamesSurviveTheRoundTrip() throws {
        let names = ["yes", "2024", "plan: tier #1", "say \"hi\"", "back\\slash", "churn"]
        var csv = "id," + names.joined(separator: ",") + "\n"
        for i in 0..<40 { csv += "c\(i),\(i % 3),\(i),\(["x", "y"][i % 2]),\(i * i),\(i % 4),\(i % 2)\n" }
        let (_, spec, _) = try Self.suggest(makeTable(csv))
        #expect(spec.data.outcome == "churn")
        #expect(spec.data.segment == "plan: tier #1", "a two-level text column named like a tier")
        #expect(spec.features.map(\.name) == ["yes", "2024", "say \"hi\"", "back\\slash"])
    }

    /// A level or a missing indicator whose rows all share one outcome separates: the suggestion
    /// switches to Firth and names the groups; without such a group it keeps ridge: 0.
    @Test func separatingGroupsSuggestFirth() throws {
        var csv = "customer_id,plan,spend,churned\n"
        for k in 0..<40 {
            let plan = k < 3 ? "legacy" : (k % 2 == 0 ? "basic" : "pro")
            let spend = k >= 3 && k < 7 ? "" : "\(10 + k % 9)"
            // legacy rows (k < 3) all churn; the missing-spend rows (3...6) all stay.
            let churned = k < 3 ? 1 : (k >= 3 && k < 7 ? 0 : (k % 3 == 0 ? 1 : 0))
            csv += "c\(k),\(plan),\(spend),\(churned)\n"
        }
        let s = try Self.suggest(makeTable(csv))
        #expect(s.spec.model.firth && s.spec.model.ridge == 0)
        #expect(s.text.contains("#   plan = legacy: 3 rows, all 1 (churned)"), "\(s.text)")
        #expect(s.text.contains("#   spend missing: 4 rows, all 0 (did not churn)"), "\(s.text)")

        // The same table with one legacy stayer and one missing-spend churner: nothing separates.
        let mixed = csv.replacingOccurrences(of: "c0,legacy,10,1", with: "c0,legacy,10,0")
            .replacingOccurrences(of: "c3,pro,,0", with: "c3,pro,,1")
        let m = try Self.suggest(makeTable(mixed))
        #expect(!m.spec.model.firth, "\(m.text)")
        #expect(m.text.contains("  ridge: 0"))
    }
}
