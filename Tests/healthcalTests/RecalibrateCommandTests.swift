import Foundation
import Testing

@Suite struct RecalibrateCommandTests {
    @Test func writesEveryOutputAndTheSameBytesTwice() throws {
        let dir = try CLI.temporaryDirectory()
        let gen = try CLI.run(["sample-data", "--seed", "3", "--customers", "400", "--periods", "8", "--out", dir.path])
        #expect(gen.status == 0, "\(gen.stderr)")
        let args = ["recalibrate", "--spec", dir.appendingPathComponent("spec.yaml").path,
                    "--data", dir.appendingPathComponent("panel.csv").path, "--format", "json"]
        let out1 = dir.appendingPathComponent("run1"), out2 = dir.appendingPathComponent("run2")
        let r1 = try CLI.run(args + ["--out", out1.path])
        #expect(r1.status == 0, "\(r1.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r1.stdout.utf8)) as? [String: Any])
        #expect(json["label"] as? String == "2024Q4")
        #expect((json["scored_periods"] as? [String])?.count == 4)
        for file in ["report.html", "summary.md", "metrics.json", "weights.json", "exports/score.sql", "exports/model.pmml",
                     "exports/weights.csv", "exports/scorecard.csv", "flags/flags.csv", "flags/bands.csv", "flags/summary.json"] {
            #expect(FileManager.default.fileExists(atPath: out1.appendingPathComponent(file).path), "\(file)")
        }
        // One key style in every JSON written: snake_case (the sample's names and labels are too).
        for file in ["metrics.json", "weights.json", "flags/summary.json"] {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: out1.appendingPathComponent(file)))
            #expect(Self.camelCaseKeys(of: object).isEmpty, "\(file): \(Self.camelCaseKeys(of: object).sorted())")
        }
        let html = try String(contentsOf: out1.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>"))
        // The optimism of the final model by default (40 refits, drawn from the seed: the byte
        // comparison below covers it), in metrics.json and under "The model".
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out1.appendingPathComponent("metrics.json"))) as? [String: Any])
        let validation = try #require(metrics["validation"] as? [String: Any])
        #expect(validation["resamples"] as? Int == 40 && validation["seed"] as? Int == 42)
        let auc = try #require((validation["figures"] as? [String: Any])?["auc"] as? [String: Double])
        let apparent = try #require(auc["apparent"]), optimism = try #require(auc["optimism"]), corrected = try #require(auc["corrected"])
        #expect(abs(apparent - optimism - corrected) < 1e-12)
        #expect(html.contains("How much the fit flatters itself"))
        // Self-contained: no scripts, no fetched resources (the SVG namespace URI is only a name).
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("<link") && !html.contains("@import"))
        // Same inputs, same bytes (no clock, no randomness in any output).
        let r2 = try CLI.run(args + ["--out", out2.path])
        #expect(r2.status == 0)
        for file in ["report.html", "summary.md", "metrics.json", "weights.json", "exports/score.sql", "flags/summary.json"] {
            let a = try Data(contentsOf: out1.appendingPathComponent(file)), b = try Data(contentsOf: out2.appendingPathComponent(file))
            #expect(a == b, "\(file) differs between two runs")
        }
        // The weight file is never replaced without --force, and a refused run writes nothing.
        let before = try Data(contentsOf: out1.appendingPathComponent("weights.json"))
        try FileManager.default.removeItem(at: out1.appendingPathComponent("report.html"))
        let refused = try CLI.run(args + ["--out", out1.path])
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("weights.json exists; pass --force to replace it"))
        #expect(try Data(contentsOf: out1.appendingPathComponent("weights.json")) == before)
        #expect(!FileManager.default.fileExists(atPath: out1.appendingPathComponent("report.html").path))
        // The second run's weights as the champion: scored on the same rows, compared in the report.
        let vs = try CLI.run(args + ["--out", dir.appendingPathComponent("run3").path,
                                     "--champion", out2.appendingPathComponent("weights.json").path])
        #expect(vs.status == 0, "\(vs.stderr)")
        #expect(vs.stdout.contains("\"champion_auc\""))
        let championMetrics = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("run3/metrics.json")))
        #expect(Self.keys(of: championMetrics).contains("auc_difference"))
        #expect(Self.camelCaseKeys(of: championMetrics).isEmpty)
    }

    /// A run that fails changes nothing in the output folder (no new weight file that a re-run
    /// would need --force to replace, no old one replaced, no temporary files), and what a run
    /// owns is replaced whole: a file named `exports` where the exports' folder goes is replaced
    /// by the new folder, not mixed with it. (OutputAtomicityTests kills runs while they write.)
    @Test func aRunThatFailsLeavesTheFolderAsItWasAndOwnedNamesAreReplacedWhole() throws {
        let dir = try CLI.temporaryDirectory()
        let gen = try CLI.run(["sample-data", "--seed", "4", "--customers", "300", "--periods", "8", "--out", dir.path])
        #expect(gen.status == 0, "\(gen.stderr)")
        let args = ["recalibrate", "--spec", dir.appendingPathComponent("spec.yaml").path,
                    "--data", dir.appendingPathComponent("panel.csv").path]
        let out = dir.appendingPathComponent("out")
        let fm = FileManager.default
        try fm.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("not a folder".utf8).write(to: out.appendingPathComponent("exports"))
        let old = Data("{\"earlier\": true}".utf8)
        try old.write(to: out.appendingPathComponent("weights.json"))
        func contents() throws -> [String] { try fm.subpathsOfDirectory(atPath: out.path).sorted() }
        // A run that fails (an unknown column in the spec) after taking the folder: nothing changes.
        let badSpec = dir.appendingPathComponent("bad.yaml")
        let spec = try String(contentsOf: dir.appendingPathComponent("spec.yaml"), encoding: .utf8)
        try spec.replacingOccurrences(of: "outcome: churned", with: "outcome: no_such_column").write(to: badSpec, atomically: true, encoding: .utf8)
        let failed = try CLI.run(["recalibrate", "--spec", badSpec.path, "--data", dir.appendingPathComponent("panel.csv").path,
                                  "--out", out.path, "--force"])
        #expect(failed.status == 2, "\(failed.stderr)")
        #expect(try Data(contentsOf: out.appendingPathComponent("weights.json")) == old)
        #expect(try contents() == ["exports", "weights.json"])
        #expect(try fm.contentsOfDirectory(atPath: dir.path).filter { $0.contains("staging") }.isEmpty)
        // Without --force the earlier weights stop the run before any work.
        let refused = try CLI.run(args + ["--out", out.path])
        #expect(refused.status == 4)
        #expect(try contents() == ["exports", "weights.json"])
        // With --force the run replaces the owned names whole: `exports` is now the exports' folder.
        let forced = try CLI.run(args + ["--out", out.path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try contents().contains("exports/score.sql"))
        #expect(try Data(contentsOf: out.appendingPathComponent("weights.json")) != old)
        #expect(try contents().filter { $0.hasPrefix(".") || $0.contains("/.") }.isEmpty)
    }

    /// The keys with a lowercase letter followed by an uppercase one.
    static func camelCaseKeys(of value: Any) -> [String] {
        keys(of: value).filter { $0.range(of: "[a-z][A-Z]", options: .regularExpression) != nil }
    }

    /// Every object key in a parsed JSON value, at any depth.
    static func keys(of value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            return object.reduce(into: Set(object.keys)) { $0.formUnion(keys(of: $1.value)) }
        }
        if let array = value as? [Any] { return array.reduce(into: Set<String>()) { $0.formUnion(keys(of: $1)) } }
        return []
    }
}
