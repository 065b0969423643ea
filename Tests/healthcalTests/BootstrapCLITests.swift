import Foundation
import Testing

/// `--bootstrap` / `--seed` end to end on the sample panel: reproducible bytes, the test hook,
/// bounds, and what recalibrate writes.
@Suite struct BootstrapCLITests {
    let spec = "notebooks-data/spec.yaml", data = "notebooks-data/panel.csv"

    func withEnvironment(_ assignment: String, _ arguments: [String]) throws -> CLIRun {
        try CLI.run(URL(fileURLWithPath: "/usr/bin/env"), [assignment, CLI.executable.path] + arguments)
    }

    @Test func seededRerunsAreByteIdentical() throws {
        let args = ["backtest", "--spec", spec, "--data", data, "--bootstrap", "40", "--seed", "9", "--format", "json"]
        let a = try CLI.run(args), b = try CLI.run(args)
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any])
        let boot = try #require(json["bootstrap"] as? [String: Any])
        #expect(boot["resamples"] as? Int == 40 && boot["seed"] as? Int == 9)
        #expect((boot["resampled"] as? String)?.hasPrefix("customers, with replacement") == true)
        let auc = try #require((boot["figures"] as? [String: Any])?["auc"] as? [String: Double])
        #expect(try #require(auc["lower"]) < auc["estimate"]! && auc["estimate"]! < auc["upper"]!)
        // Without --bootstrap, backtest's JSON has no bootstrap at all.
        let plain = try CLI.run(["backtest", "--spec", spec, "--data", data, "--format", "json"])
        #expect(!plain.stdout.contains("\"bootstrap\""))
    }

    @Test func theTestHookReadsTheResampledIds() throws {
        let dir = try CLI.temporaryDirectory()
        let ids = dir.appendingPathComponent("ids.txt")
        try "C000002,C000002,C000010\nC000010,C000011,C000012\n".write(to: ids, atomically: true, encoding: .utf8)
        let r = try withEnvironment("HEALTHCAL_TEST_BOOTSTRAP_IDS=\(ids.path)",
                                    ["backtest", "--spec", spec, "--data", data, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let boot = try #require((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["bootstrap"] as? [String: Any])
        #expect(boot["resamples"] as? Int == 2)
        #expect(boot["resample_file"] as? String == ids.path)

        try "C000002,NOPE\n".write(to: ids, atomically: true, encoding: .utf8)
        let bad = try withEnvironment("HEALTHCAL_TEST_BOOTSTRAP_IDS=\(ids.path)", ["backtest", "--spec", spec, "--data", data])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\(ids.path):1:2: \"NOPE\""))
        #expect(bad.stdout.isEmpty)
    }

    @Test func countsOutOfBoundsAreUsageErrors() throws {
        let below = try CLI.run(["backtest", "--spec", spec, "--data", data, "--bootstrap=-3"])
        #expect(below.status == 64)
        #expect(below.stderr.contains("at least 1"))
        let above = try CLI.run(["backtest", "--spec", spec, "--data", data, "--bootstrap", "200000"])
        #expect(above.status == 64)
        #expect(above.stderr.contains("at most 100000 resamples"))
        #expect(above.stdout.isEmpty)
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("run")
        let off = try CLI.run(["recalibrate", "--spec", spec, "--data", data, "--out", out.path, "--bootstrap", "0"])
        #expect(off.status == 0, "\(off.stderr)")   // 0 turns it off
        let summary = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(!summary.contains("How sure"))
    }

    /// `--validate V`: the optimism refits' bounds, checked before any work.
    @Test func validateCountsOutOfBoundsAreUsageErrors() throws {
        for (value, message) in [("-1", "--validate -1: the number of refits must be at least 1 (or 0 for none)"),
                                  ("5000", "--validate 5000: between 1 and 1000 refits are accepted")] {
            let dir = try CLI.temporaryDirectory()
            let r = try CLI.run(["recalibrate", "--spec", spec, "--data", data, "--out", dir.appendingPathComponent("run").path,
                                 "--validate", value])
            #expect(r.status == 64, "\(r.stderr)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("run").path))
        }
    }

    @Test func recalibrateStatesTheIntervalsByDefault() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir.appendingPathComponent("run")
        let r = try CLI.run(["recalibrate", "--spec", spec, "--data", data, "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as? [String: Any])
        let boot = try #require((metrics["backtest"] as? [String: Any])?["bootstrap"] as? [String: Any])
        #expect(boot["resamples"] as? Int == 200)
        #expect((boot["figures"] as? [String: Any])?["false_healthy_share"] != nil)
        let summary = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(summary.contains("## How sure are these numbers?"))
        #expect(summary.contains("200 bootstrap resamples"))
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("cluster-bootstrap intervals"))
        #expect(html.contains("cluster-robust"))
    }
}
