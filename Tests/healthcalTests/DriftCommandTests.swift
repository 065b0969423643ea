import Foundation
import Testing

/// `healthcal drift` end to end: a weight file from `recalibrate` on the committed sample, the
/// same panel compared with it, an old weight file, and a panel missing a metric.
@Suite struct DriftCommandTests {
    @Test func driftAgainstTheWeightFilesTrainingWindow() throws {
        let dir = try CLI.temporaryDirectory()
        let data = CLI.root.appendingPathComponent("notebooks-data/panel.csv").path
        let spec = CLI.root.appendingPathComponent("notebooks-data/spec.yaml").path
        let out = dir.appendingPathComponent("run")
        let rc = try CLI.run(["recalibrate", "--spec", spec, "--data", data, "--out", out.path])
        #expect(rc.status == 0, "\(rc.stderr)")
        let weights = out.appendingPathComponent("weights.json")

        // The training panel against its own window: every period stable.
        let same = try CLI.run(["drift", "--weights", weights.path, "--data", data, "--format", "json"])
        #expect(same.status == 0, "\(same.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(same.stdout.utf8)) as? [String: Any])
        let variables = try #require(json["variables"] as? [[String: Any]])
        #expect(variables.first?["name"] as? String == "score")
        #expect(variables.count == 1 + 10, "the score and the 10 metrics of the sample spec")
        for v in variables {
            for cell in (v["periods"] as? [[String: Any]]) ?? [] {
                #expect(((cell["psi"] as? Double) ?? 1) < 0.1, "\(v["name"] ?? "") \(cell["period"] ?? "")")
            }
        }
        #expect((json["major_shifts"] as? [String]) == [])
        let table = try CLI.run(["drift", "--weights", weights.path, "--data", data])
        #expect(table.status == 0 && table.stdout.contains("not a statistical test"))

        // A weight file written before drift references: a message saying what to do.
        var old = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: weights)) as? [String: Any])
        #expect(old["drift"] != nil)
        old["drift"] = nil
        let oldPath = dir.appendingPathComponent("old.json")
        try JSONSerialization.data(withJSONObject: old).write(to: oldPath)
        let stale = try CLI.run(["drift", "--weights", oldPath.path, "--data", data])
        #expect(stale.status == 2, "\(stale.stderr)")
        #expect(stale.stderr.contains("no drift reference") && stale.stderr.contains("re-run `healthcal recalibrate`"), "\(stale.stderr)")
        #expect(stale.stdout.isEmpty)
        // ...and it still scores.
        let score = try CLI.run(["score", "--weights", oldPath.path, "--data", data, "--out", dir.appendingPathComponent("s.csv").path])
        #expect(score.status == 0, "\(score.stderr)")

        // A panel without one of the metrics: a clear error naming it.
        let text = try String(contentsOfFile: data, encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let drop = try #require(lines.first?.firstIndex(of: "nps"))
        let trimmed = lines.map { row in row.enumerated().filter { $0.offset != drop }.map(\.element).joined(separator: ",") }
        let missing = dir.appendingPathComponent("no-nps.csv")
        try (trimmed.joined(separator: "\n") + "\n").write(to: missing, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["drift", "--weights", weights.path, "--data", missing.path])
        #expect(bad.status == 2, "\(bad.stderr)")
        #expect(bad.stderr.contains("\"nps\" is not in the file"), "\(bad.stderr)")
    }
}
