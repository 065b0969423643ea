import Foundation
import Testing

/// The cases of issue 19 ("Why") in the scope of bounded work, weight-file loading and unclear
/// errors, run against the built binary: the message, the exit code, or the bound.
@Suite("Hardening CLI")
struct HardeningCLITests {
    static let fixtures = CLI.root.appendingPathComponent("Tests/HealthCalTests/Fixtures")
    static let spec = fixtures.appendingPathComponent("encoding_spec.yaml").path
    static let panel = fixtures.appendingPathComponent("encoding_panel.csv").path

    /// A folder holding a fitted weight file `w.json` (4 features).
    func folderWithWeights() throws -> URL {
        let dir = try CLI.temporaryDirectory()
        let fit = try CLI.run(["fit", "--spec", Self.spec, "--data", Self.panel, "--weights-out", dir.appendingPathComponent("w.json").path])
        #expect(fit.status == 0, "\(fit.stderr)")
        return dir
    }

    @Test func negativeTopIsAUsageErrorInBothSpellings() throws {
        let dir = try folderWithWeights()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = dir.appendingPathComponent("w.json").path
        for spelling in [["--top", "-1"], ["--top=-1"]] {
            let r = try CLI.run(["score", "--weights", w, "--data", Self.panel] + spelling)
            #expect(r.status == 64, "\(spelling): \(r.stderr)")
            #expect(r.stderr.contains("--top must be 0 or more, not -1"), "\(spelling): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }

    /// `--top 1000000` lists the 4 features, like `--top 4`, with a note, and takes no longer
    /// (bound: 10 s for 200 rows in a debug build; it did not finish before).
    @Test func hugeTopIsCappedAtTheFeatures() throws {
        let dir = try folderWithWeights()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = dir.appendingPathComponent("w.json").path
        let four = try CLI.run(["score", "--weights", w, "--data", Self.panel, "--top", "4"])
        let start = Date()
        let huge = try CLI.run(["score", "--weights", w, "--data", Self.panel, "--top", "1000000"])
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(huge.status == 0, "\(huge.stderr)")
        #expect(huge.stdout == four.stdout)
        #expect(huge.stderr == "note: --top 1000000 is more than the 4 features of the weight file; listing 4\n")
        #expect(four.stderr.isEmpty)
        let json = try CLI.run(["score", "--weights", w, "--data", Self.panel, "--top", "1000000", "--format", "json"])
        let four4 = try CLI.run(["score", "--weights", w, "--data", Self.panel, "--top", "4", "--format", "json"])
        #expect(json.status == 0 && json.stdout == four4.stdout)
    }

    /// Every path option given a folder says so, never "NSCocoaErrorDomain error 256".
    @Test func aFolderInPlaceOfAFileIsNamed() throws {
        let dir = try folderWithWeights()
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = dir.appendingPathComponent("w.json").path, folder = dir.path
        let cases: [[String]] = [
            ["score", "--weights", folder, "--data", Self.panel],
            ["score", "--weights", w, "--data", folder],
            ["fit", "--spec", folder, "--data", Self.panel],
            ["fit", "--spec", Self.spec, "--data", folder],
            ["export", "--weights", folder, "--to", "sql", "--out", dir.appendingPathComponent("q.sql").path],
            ["diff", folder, w],
            ["diff", w, folder],
            ["backtest", "--spec", Self.spec, "--data", Self.panel, "--champion", folder],
            ["backtest", "--spec", Self.spec, "--data", Self.panel, "--scorecard", folder],
            ["evaluate", "--data", folder, "--score", "s", "--outcome", "churned"],
        ]
        for args in cases {
            let r = try CLI.run(args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("\(folder) is a folder, not a file") || r.stderr.contains("\(folder): is a folder, not a file"),
                    "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("NSCocoaErrorDomain"))
        }
    }

    /// Corrupt and inconsistent weight files get a position or path and a reason in score,
    /// export and diff alike.
    @Test func corruptWeightFilesAreExplainedInEveryCommand() throws {
        let dir = try folderWithWeights()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("w.json")
        let text = try String(contentsOf: good, encoding: .utf8)
        func write(_ name: String, _ content: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try content.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        object["version"] = "1"
        let version = try write("version.json", String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        object["version"] = 1
        var encoding = try #require(object["encoding"] as? [String: Any])
        var features = try #require(encoding["features"] as? [[String: Any]])
        features[1]["impute"] = "constant"
        features[1]["impute_value"] = nil
        encoding["features"] = features
        object["encoding"] = encoding
        let impute = try write("impute.json", String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        let cases: [(String, String)] = [
            (try write("nan.json", text.replacingOccurrences(of: "\"churn_rate\" : ", with: "\"churn_rate\" : NaN, \"x\" : ")),
             "(at metadata.churn_rate): NaN is not a JSON number"),
            (try write("big.json", text.replacingOccurrences(of: "\"rows\" : ", with: "\"rows\" : 1e999, \"x\" : ")),
             ".rows): 1e999 is beyond the range of a double"),
            (try write("truncated.json", String(text.prefix(text.count / 3))), "truncated"),
            (try write("empty.json", ""), "is not a JSON weight file: the file is empty"),
            (try write("text.json", "weights: 1\n"), "line 1, column 1: unexpected 'w'"),
            (version, "\"version\": expected a number, found a string"),
            (impute, "\"encoding.features[1].impute_value\": is missing; \"impute: constant\" needs the value"),
        ]
        for (path, expected) in cases {
            let commands: [[String]] = [
                ["score", "--weights", path, "--data", Self.panel],
                ["export", "--weights", path, "--to", "pmml", "--out", dir.appendingPathComponent("m.pmml").path],
                ["diff", good.path, path],
            ]
            for args in commands {
                let r = try CLI.run(args)
                #expect(r.status == 2, "\(args): \(r.stderr)")
                #expect(r.stderr.contains(expected), "\(args): \(r.stderr)")
                #expect(!r.stderr.contains("not in the correct format"))
                #expect(r.stdout.isEmpty)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.pmml").path))
    }

    /// A 10 MB header name: the message quotes 60 characters and the length, and the run ends
    /// quickly (it wrote 150 MB of stderr in 22 s, and the "did you mean" search took a minute).
    @Test func aTenMegabyteHeaderNameIsShortened() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let name = String(repeating: "T", count: 10_000_000)
        var lines = try String(contentsOfFile: Self.panel, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[0] = lines[0].replacingOccurrences(of: "tickets", with: name)
        let data = dir.appendingPathComponent("panel.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
        let start = Date()
        let r = try CLI.run(["fit", "--spec", Self.spec, "--data", data.path])
        // A bound against the minute-long search, loose enough for a sanitizer build (64 s under
        // the thread sanitizer on 2 loaded cores); the stderr bound below is the tight one.
        #expect(Date().timeIntervalSince(start) < 180)
        #expect(r.status == 2)
        #expect(r.stderr.contains(String(repeating: "T", count: 60) + "… (10000000 characters)"), "\(r.stderr.prefix(500))")
        #expect(r.stderr.contains("features[1] names column \"tickets\", which is not in the file"))
        #expect(r.stderr.utf8.count < 2_000, "\(r.stderr.utf8.count) bytes")
        let w = dir.appendingPathComponent("w.json").path
        #expect(try CLI.run(["fit", "--spec", Self.spec, "--data", Self.panel, "--weights-out", w]).status == 0)
        let scored = try CLI.run(["score", "--weights", w, "--data", data.path])
        #expect(scored.status == 2)
        #expect(scored.stderr.utf8.count < 2_000, "\(scored.stderr.utf8.count) bytes")
    }

    @Test func optionValuesAreBounded() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("s").path
        let many = try CLI.run(["sample-data", "--customers", "1000000000000", "--out", out])
        #expect(many.status == 2)
        #expect(many.stderr.contains("customers must be between 1 and 10000000, not 1000000000000"))
        let negative = try CLI.run(["sample-data", "--customers", "-5", "--out", out])
        #expect(negative.status == 2)
        #expect(negative.stderr.contains("customers must be between 1 and 10000000, not -5"))
        #expect(!FileManager.default.fileExists(atPath: out + "/panel.csv"))
        let specText = try String(contentsOfFile: Self.spec, encoding: .utf8)
        for (key, line, expected) in [
            ("max_iterations", "model:\n  max_iterations: 1000000000\n", "model.max_iterations must be between 1 and 1000"),
            ("top_features", "flags:\n  top_features: 1000000\n", "flags.top_features must be at most 100 (three columns of every flag row each), not 1000000"),
            ("folds", "backtest:\n  folds: 1000000\n", "backtest.folds must be between 2 and 100, not 1000000"),
        ] {
            let spec = dir.appendingPathComponent("\(key).yaml")
            try (specText + "\n" + line).write(to: spec, atomically: true, encoding: .utf8)
            let r = try CLI.run(["fit", "--spec", spec.path, "--data", Self.panel])
            #expect(r.status == 2, "\(key): \(r.stderr)")
            #expect(r.stderr.contains(expected), "\(key): \(r.stderr)")
        }
    }
}

extension HardeningCLITests {
    @Test func labelAndDateAreShortLines() throws {
        let long = String(repeating: "q", count: 100_000)
        let r = try CLI.run(["recalibrate", "--spec", Self.spec, "--data", Self.panel, "--label", long])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--label must be one line of at most 200 characters, not \"" + String(repeating: "q", count: 60) + "… (100000 characters)\""))
        #expect(r.stderr.utf8.count < 1_000)
        let date = try CLI.run(["recalibrate", "--spec", Self.spec, "--data", Self.panel, "--date", "2025\n<script>"])
        #expect(date.status == 64)
        #expect(date.stderr.contains("--date must be one line"))
    }
}
