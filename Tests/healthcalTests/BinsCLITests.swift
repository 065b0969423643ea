import Foundation
import Testing

/// `transform: bins` end to end through the binary: fit, score, the threshold scorecard and the
/// SQL export on the sample panel; the bad inputs' exit codes and messages.
@Suite("Bins CLI")
struct BinsCLITests {
    static let sample = CLI.root.appendingPathComponent("notebooks-data")

    @Test func fitScoreAndExportAThresholdScorecard() throws {
        let d = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: d) }
        let spec = d.appendingPathComponent("spec.yaml"), weights = d.appendingPathComponent("w.json")
        var yaml = try String(contentsOf: Self.sample.appendingPathComponent("spec.yaml"), encoding: .utf8)
        for name in ["logins_30d", "active_user_share", "feature_adoption", "support_tickets", "nps", "payment_delay_days", "exec_meetings", "seats"] {
            yaml = yaml.replacingOccurrences(of: "  - name: \(name)\n    type: numeric\n", with: "  - name: \(name)\n    type: numeric\n    transform: bins\n    max_bins: 4\n")
        }
        yaml = yaml.replacingOccurrences(of: "    transform: bins\n    max_bins: 4\n    group: engagement\n    transform: log1p\n", with: "    transform: bins\n    max_bins: 4\n    group: engagement\n")
        yaml = yaml.replacingOccurrences(of: "\n    transform: log1p", with: "")
        yaml = yaml.replacingOccurrences(of: "\n    standardize: false", with: "")
        try yaml.write(to: spec, atomically: true, encoding: .utf8)
        let data = Self.sample.appendingPathComponent("panel.csv").path
        let fit = try CLI.run(["fit", "--spec", spec.path, "--data", data, "--weights-out", weights.path])
        #expect(fit.status == 0, "\(fit.stderr)")
        let text = try String(contentsOf: weights, encoding: .utf8)
        #expect(text.contains("\"transform\" : \"bins\""))
        #expect(text.contains("\"cuts\" : ["))
        let card = d.appendingPathComponent("card.csv")
        let export = try CLI.run(["export", "--weights", weights.path, "--to", "scorecard", "--out", card.path])
        #expect(export.status == 0, "\(export.stderr)")
        let lines = try String(contentsOf: card, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "metric,group,item,lower,upper,points")
        #expect(lines.dropFirst().first?.hasPrefix("(base points),,") == true)
        #expect(lines.contains { $0.hasPrefix("logins_30d,engagement,range (reference),,") })
        #expect(lines.contains { $0.hasPrefix("plan,deployment,level basic (reference)") })
        let sql = d.appendingPathComponent("score.sql")
        #expect(try CLI.run(["export", "--weights", weights.path, "--to", "sql", "--out", sql.path]).status == 0)
        #expect(try String(contentsOf: sql, encoding: .utf8).contains(">= "))
        let scored = try CLI.run(["score", "--weights", weights.path, "--data", data, "--top", "1"])
        #expect(scored.status == 0, "\(scored.stderr)")
        #expect(scored.stdout.split(separator: "\n").count == 13997)
    }

    @Test func aMisspelledDirectionIsAnInputErrorNamingTheLine() throws {
        let d = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: d) }
        let spec = d.appendingPathComponent("spec.yaml")
        let yaml = try String(contentsOf: Self.sample.appendingPathComponent("spec.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "  - name: exec_meetings\n    type: numeric\n    group: relationship\n    standardize: false\n",
                                  with: "  - name: exec_meetings\n    type: numeric\n    group: relationship\n    transform: bins\n    monotone: decreasng\n")
        try yaml.write(to: spec, atomically: true, encoding: .utf8)
        let r = try CLI.run(["fit", "--spec", spec.path, "--data", Self.sample.appendingPathComponent("panel.csv").path,
                             "--weights-out", d.appendingPathComponent("w.json").path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unknown value 'decreasng' for features[6].monotone; expected one of auto, increasing, decreasing"), "\(r.stderr)")
        #expect(r.stderr.contains("spec.yaml:"), "\(r.stderr)")   // file:line
        #expect(r.stderr.contains("did you mean 'decreasing'"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: d.appendingPathComponent("w.json").path))
    }

    @Test func aLinearMetricInAThresholdScorecardIsRefused() throws {
        let d = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: d) }
        let spec = d.appendingPathComponent("spec.yaml"), weights = d.appendingPathComponent("w.json")
        let yaml = try String(contentsOf: Self.sample.appendingPathComponent("spec.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "  - name: exec_meetings\n    type: numeric\n    group: relationship\n    standardize: false\n",
                                  with: "  - name: exec_meetings\n    type: numeric\n    group: relationship\n    transform: bins\n    max_bins: 3\n")
        try yaml.write(to: spec, atomically: true, encoding: .utf8)
        let fit = try CLI.run(["fit", "--spec", spec.path, "--data", Self.sample.appendingPathComponent("panel.csv").path, "--weights-out", weights.path])
        #expect(fit.status == 0, "\(fit.stderr)")
        let card = d.appendingPathComponent("card.csv")
        let r = try CLI.run(["export", "--weights", weights.path, "--to", "scorecard", "--out", card.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("metric \"logins_30d\" is not binned (transform: log1p), so it has no thresholds; give it transform: bins"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: card.path))
    }
}
