import Foundation
import Testing
import TestSupport

/// `backtest`, `flags`, `recalibrate` and `fit --weights-out` with `--in-database`, end to end
/// against a real server (HEALTHCAL_TEST_PG_URL) and the 2-shard cluster
/// (HEALTHCAL_TEST_PG_CLUSTER_URL): the sample panel loaded with `healthcal load` gives what the
/// CSV gives, within 1e-9. Skipped without those variables.
@Suite(.enabled(if: TestDB.url != nil, "set HEALTHCAL_TEST_PG_URL (.ci/run starts a server) to run the pushed-down command tests"))
struct InDatabaseCommandTests {
    /// Backtest JSON and flags.json of the CSV and of the pushed-down run on `url`.
    static func expectBacktestAndFlagsMatch(url: String, shardBy: [String] = []) throws {
        let table = TestDB.uniqueName("fold")
        try TestDB.loadSample(url, table: table, extra: shardBy)
        defer { TestDB.drop(url, table: table) }
        let csv = try CLI.run(["backtest", "--spec", TestDB.spec, "--data", TestDB.panel, "--format", "json"])
        let pushed = try CLI.run(["backtest", "--spec", TestDB.spec, "--data", url, "--table", table, "--in-database", "--format", "json"])
        #expect(csv.status == 0 && pushed.status == 0, "\(pushed.stderr)")
        // Every out-of-sample figure within 1e-9 (a fold's iteration count depends on its start).
        let diff = jsonDifferences(try parsedJSON(pushed.stdout), try parsedJSON(csv.stdout), tolerance: 1e-9, skipping: ["iterations"])
        #expect(diff.isEmpty, "\(diff.prefix(10))")
        #expect(pushed.stderr.contains("backtest in database"))

        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("csv"), b = dir.appendingPathComponent("db")
        let f1 = try CLI.run(["flags", "--spec", TestDB.spec, "--data", TestDB.panel, "--out", a.path])
        let f2 = try CLI.run(["flags", "--spec", TestDB.spec, "--data", url, "--table", table, "--in-database", "--out", b.path])
        #expect(f1.status == 0 && f2.status == 0, "\(f2.stderr)")
        // The same flags in the same order, with their contributions, scores and summaries.
        let j1 = try String(contentsOf: a.appendingPathComponent("flags.json"), encoding: .utf8)
        let j2 = try String(contentsOf: b.appendingPathComponent("flags.json"), encoding: .utf8)
        let flagDiff = jsonDifferences(try parsedJSON(j2), try parsedJSON(j1), tolerance: 1e-9)
        #expect(flagDiff.isEmpty, "\(flagDiff.prefix(10))")
        let c1 = try String(contentsOf: a.appendingPathComponent("flags.csv"), encoding: .utf8)
        let c2 = try String(contentsOf: b.appendingPathComponent("flags.csv"), encoding: .utf8)
        func keys(_ csv: String) -> [String] { csv.split(separator: "\n").map { $0.split(separator: ",").prefix(3).joined(separator: ",") } }
        #expect(keys(c1).count > 10 && keys(c2) == keys(c1))
    }

    @Test func backtestAndFlagsMatchTheCSVOnOneServer() throws {
        try Self.expectBacktestAndFlagsMatch(url: TestDB.url ?? "")
    }

    @Test(.enabled(if: TestDB.clusterURL != nil, "set HEALTHCAL_TEST_PG_CLUSTER_URL (a 2-shard scripts/pg-cluster)"))
    func backtestAndFlagsMatchTheCSVOnTwoShards() throws {
        try Self.expectBacktestAndFlagsMatch(url: TestDB.clusterURL ?? "", shardBy: ["--shard-by", "customer_id"])
    }

    /// The weights of a weight file: model coefficients (raw and final), calibration, bands.
    static func weights(_ text: String) throws -> Any {
        guard let file = try parsedJSON(text) as? [String: Any] else { return [:] }
        return ["model": file["model"] ?? NSNull(), "calibration": file["calibration"] ?? NSNull(),
                "bands": file["bands"] ?? NSNull(), "encoding": file["encoding"] ?? NSNull()]
    }

    /// The `drift` key of a weight file or metrics.json.
    static func drift(_ text: String) throws -> Any {
        ((try parsedJSON(text) as? [String: Any])?["drift"]) ?? NSNull()
    }

    /// Two weight files' drift references within 1e-12: the metrics' cut points, levels and
    /// shares (exact order statistics, the same counts; measured equal), and the score's, the
    /// probabilities of two fits that agree far inside 1e-9 (its cut points measured within
    /// 3.4e-14 on the sample panel, its shares equal).
    static func expectSameDrift(_ pushed: String, _ csv: String) throws {
        let a = try drift(pushed) as? [String: Any], b = try drift(csv) as? [String: Any]
        #expect((a?["metrics"] as? [String: Any])?.count == 10 && b != nil)
        let diff = jsonDifferences(a ?? [:], b ?? [:], tolerance: 1e-12)
        #expect(diff.isEmpty, "\(diff.prefix(10))")
    }

    @Test func recalibrateInDatabaseWritesTheCSVWeightsAndFlags() throws {
        try Self.expectRecalibrateMatches(url: TestDB.url ?? "")
    }

    @Test(.enabled(if: TestDB.clusterURL != nil, "set HEALTHCAL_TEST_PG_CLUSTER_URL (a 2-shard scripts/pg-cluster)"))
    func recalibrateInDatabaseOnTwoShardsWritesTheCSVWeightsAndFlags() throws {
        try Self.expectRecalibrateMatches(url: TestDB.clusterURL ?? "", shardBy: ["--shard-by", "customer_id"])
    }

    static func expectRecalibrateMatches(url: String, shardBy: [String] = []) throws {
        let table = TestDB.uniqueName("recal")
        try TestDB.loadSample(url, table: table, extra: shardBy)
        defer { TestDB.drop(url, table: table) }
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("csv"), b = dir.appendingPathComponent("db")
        let r1 = try CLI.run(["recalibrate", "--spec", TestDB.spec, "--data", TestDB.panel, "--out", a.path, "--bootstrap", "0"])
        let r2 = try CLI.run(["recalibrate", "--spec", TestDB.spec, "--data", url, "--table", table, "--in-database",
                              "--out", b.path, "--bootstrap", "0"])
        #expect(r1.status == 0 && r2.status == 0, "\(r2.stderr)")
        let w1 = try String(contentsOf: a.appendingPathComponent("weights.json"), encoding: .utf8)
        let w2 = try String(contentsOf: b.appendingPathComponent("weights.json"), encoding: .utf8)
        // The weights (raw and calibration-folded), the contribution SDs, the calibration map and
        // the frozen bands within 1e-9.
        let diff = jsonDifferences(try weights(w2), try weights(w1), tolerance: 1e-9)
        #expect(diff.isEmpty, "\(diff.prefix(10))")
        // The drift figures, computed where the rows are: the weight file's reference and every
        // PSI, bin share and contribution of metrics.json.
        try expectSameDrift(w2, w1)
        let m1 = try String(contentsOf: a.appendingPathComponent("metrics.json"), encoding: .utf8)
        let m2 = try String(contentsOf: b.appendingPathComponent("metrics.json"), encoding: .utf8)
        let report = try drift(m2)
        #expect(((report as? [String: Any])?["variables"] as? [Any])?.count == 11)
        let psiDiff = jsonDifferences(report, try drift(m1), tolerance: 1e-9)
        #expect(psiDiff.isEmpty, "\(psiDiff.prefix(10))")
        #expect(!r2.stdout.contains("drift: not computed") && !r2.stderr.contains("drift: not computed"))
        // The same flag set.
        let c1 = try String(contentsOf: a.appendingPathComponent("flags/flags.csv"), encoding: .utf8)
        let c2 = try String(contentsOf: b.appendingPathComponent("flags/flags.csv"), encoding: .utf8)
        func keys(_ csv: String) -> [String] { csv.split(separator: "\n").map { $0.split(separator: ",").prefix(3).joined(separator: ",") } }
        #expect(keys(c1).count > 10 && keys(c2) == keys(c1))
        for name in ["report.html", "summary.md", "metrics.json", "exports/score.sql", "exports/model.pmml"] {
            #expect(FileManager.default.fileExists(atPath: b.appendingPathComponent(name).path), "\(name)")
        }
        #expect(!TestDB.allText(under: b).contains("healthcal:healthcal"))
    }

    @Test func fitInDatabaseWritesTheInSampleWeightFile() throws {
        try Self.expectInSampleWeightFileMatches(url: TestDB.url ?? "")
    }

    @Test(.enabled(if: TestDB.clusterURL != nil, "set HEALTHCAL_TEST_PG_CLUSTER_URL (a 2-shard scripts/pg-cluster)"))
    func fitInDatabaseOnTwoShardsWritesTheInSampleWeightFile() throws {
        try Self.expectInSampleWeightFileMatches(url: TestDB.clusterURL ?? "", shardBy: ["--shard-by", "customer_id"])
    }

    /// `fit --weights-out` of the CSV and `fit --in-database --weights-out` of the same rows in
    /// `url`: the weights, bands and encoding within 1e-9, the drift reference as `expectSameDrift`.
    static func expectInSampleWeightFileMatches(url: String, shardBy: [String] = []) throws {
        let table = TestDB.uniqueName("wfit")
        try TestDB.loadSample(url, table: table, extra: shardBy)
        defer { TestDB.drop(url, table: table) }
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("csv.json"), b = dir.appendingPathComponent("db.json")
        let r1 = try CLI.run(["fit", "--spec", TestDB.spec, "--data", TestDB.panel, "--weights-out", a.path])
        let r2 = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--table", table, "--in-database", "--weights-out", b.path])
        #expect(r1.status == 0 && r2.status == 0, "\(r2.stderr)")
        let w1 = try String(contentsOf: a, encoding: .utf8), w2 = try String(contentsOf: b, encoding: .utf8)
        let diff = jsonDifferences(try Self.weights(w2), try Self.weights(w1), tolerance: 1e-9)
        #expect(diff.isEmpty, "\(diff.prefix(10))")
        try Self.expectSameDrift(w2, w1)
        #expect(w2.contains("\"kind\" : \"postgresql\"") && !w2.contains("healthcal:healthcal"))
    }

    /// The backends of a pushed-down recalibrate are terminated (pg_terminate_backend from
    /// another connection) once its Newton passes run: a clear message, exit 5, and the output
    /// folder never appears. The run has a database of its own, so only its backends are ended.
    /// `model.per_segment`: the segments' own models in the in-sample weight file and in
    /// recalibrate's, within 1e-9 of the CSV's (measured 2e-11), and the same flags.
    @Test func perSegmentFitAndRecalibrateMatchTheCSV() throws {
        let url = TestDB.url ?? ""
        let table = TestDB.uniqueName("seg")
        try TestDB.loadSample(url, table: table)
        defer { TestDB.drop(url, table: table) }
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = dir.appendingPathComponent("spec.yaml")
        let text = try String(contentsOfFile: CLI.root.appendingPathComponent(TestDB.spec).path, encoding: .utf8)
        try text.replacingOccurrences(of: "\nmodel:\n", with: "\nmodel:\n  per_segment: true\n  min_segment_rows: 1000\n")
            .write(to: spec, atomically: true, encoding: .utf8)
        let a = dir.appendingPathComponent("csv.json"), b = dir.appendingPathComponent("db.json")
        let f1 = try CLI.run(["fit", "--spec", spec.path, "--data", TestDB.panel, "--weights-out", a.path])
        let f2 = try CLI.run(["fit", "--spec", spec.path, "--data", url, "--table", table, "--in-database", "--weights-out", b.path])
        #expect(f1.status == 0 && f2.status == 0, "\(f2.stderr)")
        let w1 = try String(contentsOf: a, encoding: .utf8), w2 = try String(contentsOf: b, encoding: .utf8)
        #expect(w2.contains("\"segments\""))
        let segments = { (t: String) throws -> Any in ((try parsedJSON(t) as? [String: Any])?["segments"]) ?? NSNull() }
        let diff = jsonDifferences(try segments(w2), try segments(w1), tolerance: 1e-9)
        #expect(diff.isEmpty, "\(diff.prefix(10))")

        let r1 = dir.appendingPathComponent("r1"), r2 = dir.appendingPathComponent("r2")
        let c1 = try CLI.run(["recalibrate", "--spec", spec.path, "--data", TestDB.panel, "--out", r1.path, "--bootstrap", "0"])
        let c2 = try CLI.run(["recalibrate", "--spec", spec.path, "--data", url, "--table", table, "--in-database", "--out", r2.path, "--bootstrap", "0"])
        #expect(c1.status == 0 && c2.status == 0, "\(c2.stderr)")
        let rw1 = try String(contentsOf: r1.appendingPathComponent("weights.json"), encoding: .utf8)
        let rw2 = try String(contentsOf: r2.appendingPathComponent("weights.json"), encoding: .utf8)
        let rdiff = jsonDifferences(try segments(rw2), try segments(rw1), tolerance: 1e-9)
        #expect(rdiff.isEmpty, "\(rdiff.prefix(10))")
        let flags1 = try String(contentsOf: r1.appendingPathComponent("flags/flags.csv"), encoding: .utf8)
        let flags2 = try String(contentsOf: r2.appendingPathComponent("flags/flags.csv"), encoding: .utf8)
        #expect(flags1.split(separator: "\n").count > 10 && flags2 == flags1)
    }

    @Test func aServerGoneMidBacktestLeavesNoOutput() throws {
        let url = TestDB.url ?? ""
        let database = TestDB.uniqueName("hc_gone")
        try TestDB.psql(url, "CREATE DATABASE \(database)")
        defer { _ = try? TestDB.psql(url, "DROP DATABASE IF EXISTS \(database) WITH (FORCE)") }
        guard let slash = url.lastIndex(of: "/") else { return }
        let own = url[..<slash] + "/" + database
        try TestDB.loadSample(own, table: "panel")
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["recalibrate", "--spec", TestDB.spec, "--data", own, "--table", "panel", "--in-database", "--out", out.path]
        process.currentDirectoryURL = CLI.root
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        // Wait until a pass query runs in that database, then end every backend there.
        var terminated = false
        for _ in 0..<1000 where !terminated && process.isRunning {
            Thread.sleep(forTimeInterval: 0.01)
            let n = try TestDB.psql(url, """
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                 WHERE datname = '\(database)' AND pid <> pg_backend_pid()
                   AND EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = '\(database)' AND query LIKE 'SELECT%"hc_eta"%')
                """)
            terminated = n != "0"
        }
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(terminated)
        #expect(process.terminationStatus == 5, "\(stderr)")
        #expect(stderr.contains("lost the connection"), "\(stderr)")
        #expect(!stderr.contains("healthcal:healthcal"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
