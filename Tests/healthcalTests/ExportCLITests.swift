import Foundation
import Testing

/// End-to-end tests of `healthcal fit --weights-out`, `score`, `export` and `diff` on the
/// committed encoding fixture: exit codes, stderr messages and output bytes. They run the
/// binary SwiftPM built next to the test bundle (.build/<config>/healthcal).
@Suite("Export CLI")
struct ExportCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/HealthCalTests/Fixtures")

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    /// The binary built next to this test bundle (whatever the scratch path: .build, .build-asan).
    func run(_ args: [String]) throws -> Run {
        let r = try CLI.run(args)
        return Run(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("hc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    func fitWeights(_ out: URL, force: Bool = false) throws -> Run {
        try run(["fit", "--spec", Self.fixtures.appendingPathComponent("encoding_spec.yaml").path,
                 "--data", Self.fixtures.appendingPathComponent("encoding_panel.csv").path,
                 "--weights-out", out.path] + (force ? ["--force"] : []))
    }

    @Test func weightFilesAreStableAndNeverOverwritten() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(at: d) }
        let a = d.appendingPathComponent("a.json"), b = d.appendingPathComponent("b.json")
        #expect(try fitWeights(a).status == 0)
        #expect(try fitWeights(b).status == 0)
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
        let again = try fitWeights(a)
        #expect(again.status == 4)
        #expect(again.stderr.contains("exists; pass --force"))
        #expect(try fitWeights(a, force: true).status == 0)
    }

    @Test func scoreExportAndDiff() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(at: d) }
        let w = d.appendingPathComponent("w.json")
        #expect(try fitWeights(w).status == 0)
        let data = Self.fixtures.appendingPathComponent("encoding_panel.csv").path
        let scored = try run(["score", "--weights", w.path, "--data", data, "--top", "2"])
        #expect(scored.status == 0)
        let lines = scored.stdout.split(separator: "\n")
        #expect(lines.first == "id,period,segment,churn_probability,health_score,band,top1_feature,top1_value,top1_log_odds,top2_feature,top2_value,top2_log_odds")
        #expect(lines.count == 196)   // header + 195 rows
        // The probability to 1e-12 relative, not to the last bit: OpenBLAS picks its kernels for
        // the CPU, and their summation order moves the 16th digit from one machine to another.
        let c000 = lines.first { $0.hasPrefix("C000,2025Q2,") }.map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(c000?.count == 12)
        if let c000, c000.count == 12, let p = Double(c000[3]), let score = Double(c000[4]) {
            #expect(abs(p - 0.1396973343517151) <= 1e-12 * 0.1396973343517151)
            #expect(abs(score - 86.03026656482848) <= 1e-10)
            #expect(Array(c000[5...7]) == ["take notice", "tickets", "26"])
        }
        let json = try run(["score", "--weights", w.path, "--data", data, "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.count == 195)
        for target in ["sql", "pmml", "csv", "scorecard"] {
            let out = d.appendingPathComponent("out.\(target)")
            let r = try run(["export", "--weights", w.path, "--to", target, "--out", out.path])
            #expect(r.status == 0, "\(target): \(r.stderr)")
            #expect(FileManager.default.fileExists(atPath: out.path))
        }
        let diff = try run(["diff", w.path, w.path])
        #expect(diff.status == 0)
        #expect(diff.stdout.contains("Weights (final, log-odds; largest change first)"))
    }

    @Test func badWeightFilesGetClearErrors() throws {
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(at: d) }
        let bad = d.appendingPathComponent("bad.json")
        try Data(#"{"format": "something-else", "version": 1}"#.utf8).write(to: bad)
        let r = try run(["export", "--weights", bad.path, "--to", "sql", "--out", d.appendingPathComponent("x.sql").path])
        #expect(r.status == 2)
        #expect(r.stderr == "error: \(bad.path) is not a healthcal weight file: \"format\" is \"something-else\"; expected \"healthcal-weights\"\n")
    }

    @Test func helpTeachesWithExamples() throws {
        for (command, example) in [("score", "healthcal score --weights weights.json --data this-quarter.csv"),
                                   ("export", "healthcal export --weights weights.json --to sql"),
                                   ("diff", "healthcal diff weights-2025Q2.json weights-2025Q3.json")] {
            let r = try run([command, "--help"])
            #expect(r.status == 0)
            #expect(r.stdout.contains(example), "\(command)")
        }
    }
}
