import Foundation
import Testing
import TestSupport

/// `recalibrate` and `backtest` with `--in-database` and a champion (`--champion W.json`, W
/// recalibrated from CSV on an earlier window, or `--scorecard`): the champion is scored in the
/// database, and metrics.json's champion comparison and bootstrap intervals are the CSV path's
/// within 1e-9, on one server (HEALTHCAL_TEST_PG_URL) and on the 2-shard cluster
/// (HEALTHCAL_TEST_PG_CLUSTER_URL). A champion column missing from the table, a hostile column
/// name and an unseen level are input errors (exit 2) that leave no output. Skipped without
/// those variables.
@Suite(.enabled(if: TestDB.url != nil, "set HEALTHCAL_TEST_PG_URL (.ci/run starts a server) to run the pushed-down champion tests"))
struct InDatabaseChampionCLITests {
    static let earlyPeriods: Set<String> = ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2"]

    /// `recalibrate` on the sample's early periods (a CSV in `dir`) with the spec edited by
    /// `specEdit`: last year's weight file, the champion.
    static func earlyWeights(_ dir: URL, specEdit: (String) -> String = { $0 }) throws -> URL {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let text = try String(contentsOf: CLI.root.appendingPathComponent(TestDB.panel), encoding: .utf8)
        let early = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().filter { k, line in
            k == 0 || line.isEmpty || earlyPeriods.contains(String(line.split(separator: ",", omittingEmptySubsequences: false)[1]))
        }.map(\.element).joined(separator: "\n")
        let csv = dir.appendingPathComponent("early.csv"), spec = dir.appendingPathComponent("early.yaml")
        try early.write(to: csv, atomically: true, encoding: .utf8)
        try specEdit(String(contentsOf: CLI.root.appendingPathComponent(TestDB.spec), encoding: .utf8))
            .write(to: spec, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("early")
        let r = try CLI.run(["recalibrate", "--spec", spec.path, "--data", csv.path, "--out", out.path, "--bootstrap", "0", "--validate", "0"])
        #expect(r.status == 0, "\(r.stderr)")
        return out.appendingPathComponent("weights.json")
    }

    static func backtestSection(_ folder: URL) throws -> [String: Any] {
        let metrics = try parsedJSON(String(contentsOf: folder.appendingPathComponent("metrics.json"), encoding: .utf8))
        return ((metrics as? [String: Any])?["backtest"] as? [String: Any]) ?? [:]
    }

    /// `recalibrate --champion` (or `--scorecard`) from CSV and pushed down: the same champion
    /// comparison and bootstrap intervals (champion's included) within 1e-9.
    static func expectSameChampion(url: String, shardBy: [String] = [], champion: [String], dir: URL) throws {
        let table = TestDB.uniqueName("champ")
        try TestDB.loadSample(url, table: table, extra: shardBy)
        defer { TestDB.drop(url, table: table) }
        let a = dir.appendingPathComponent("csv-\(table)"), b = dir.appendingPathComponent("db-\(table)")
        let common = ["--bootstrap", "30", "--seed", "7"] + champion
        let r1 = try CLI.run(["recalibrate", "--spec", TestDB.spec, "--data", TestDB.panel, "--out", a.path, "--validate", "0"] + common)
        let r2 = try CLI.run(["recalibrate", "--spec", TestDB.spec, "--data", url, "--table", table, "--in-database", "--out", b.path] + common)
        #expect(r1.status == 0 && r2.status == 0, "\(r2.stderr)")
        let (csv, db) = (try backtestSection(a), try backtestSection(b))
        #expect(csv["champion"] is [String: Any])
        for key in ["champion", "bootstrap"] {
            let diff = jsonDifferences(db[key] ?? NSNull(), csv[key] ?? NSNull(), tolerance: 1e-9)
            #expect(diff.isEmpty, "\(key): \(diff.prefix(10))")
        }
        // The report shows the comparison; no password anywhere.
        let report = try String(contentsOf: b.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains((csv["champion"] as? [String: Any]).flatMap { ($0["champion"] as? [String: Any])?["name"] as? String } ?? "?"))
        #expect(!TestDB.allText(under: b).contains("healthcal:healthcal"))
    }

    @Test func recalibrateWithAChampionMatchesTheCSVOnOneServer() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let weights = try Self.earlyWeights(dir.appendingPathComponent("w"))
        try Self.expectSameChampion(url: TestDB.url ?? "", champion: ["--champion", weights.path], dir: dir)
        try Self.expectSameChampion(url: TestDB.url ?? "", champion: ["--scorecard", "notebooks-data/cs-team-scorecard.yaml"], dir: dir)
    }

    @Test(.enabled(if: TestDB.clusterURL != nil, "set HEALTHCAL_TEST_PG_CLUSTER_URL (a 2-shard scripts/pg-cluster)"))
    func recalibrateWithAChampionMatchesTheCSVOnTwoShards() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let weights = try Self.earlyWeights(dir.appendingPathComponent("w"))
        let shard = ["--shard-by", "customer_id"]
        try Self.expectSameChampion(url: TestDB.clusterURL ?? "", shardBy: shard, champion: ["--champion", weights.path], dir: dir)
        try Self.expectSameChampion(url: TestDB.clusterURL ?? "", shardBy: shard,
                                    champion: ["--scorecard", "notebooks-data/cs-team-scorecard.yaml"], dir: dir)
    }

    @Test func backtestWithAScorecardMatchesTheCSV() throws {
        let url = TestDB.url ?? ""
        let table = TestDB.uniqueName("champbt")
        try TestDB.loadSample(url, table: table)
        defer { TestDB.drop(url, table: table) }
        let card = ["--scorecard", "notebooks-data/cs-team-scorecard.yaml", "--format", "json"]
        let csv = try CLI.run(["backtest", "--spec", TestDB.spec, "--data", TestDB.panel] + card)
        let pushed = try CLI.run(["backtest", "--spec", TestDB.spec, "--data", url, "--table", table, "--in-database"] + card)
        #expect(csv.status == 0 && pushed.status == 0, "\(pushed.stderr)")
        #expect(csv.stdout.contains("\"delong_test\""))
        let diff = jsonDifferences(try parsedJSON(pushed.stdout), try parsedJSON(csv.stdout), tolerance: 1e-9, skipping: ["iterations"])
        #expect(diff.isEmpty, "\(diff.prefix(10))")
    }

    /// A champion whose feature `nps` is renamed `name` (in its spec, encoding and columns).
    static func renamed(_ weights: URL, nps name: String, into dir: URL) throws -> URL {
        let json = try String(contentsOf: weights, encoding: .utf8)
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let out = dir.appendingPathComponent("renamed-\(UUID().uuidString.prefix(6)).json")
        try json.replacingOccurrences(of: "\"nps", with: "\"" + escaped).write(to: out, atomically: true, encoding: .utf8)
        return out
    }

    @Test func championColumnsMissingFromTheTableAreInputErrors() throws {
        let url = TestDB.url ?? ""
        let table = TestDB.uniqueName("champerr")
        try TestDB.loadSample(url, table: table)
        defer { TestDB.drop(url, table: table) }
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let weights = try Self.earlyWeights(dir.appendingPathComponent("w"))
        let rows = try TestDB.psql(url, "SELECT count(*) FROM \(table)")
        for name in ["nps_v2", "x\"; DROP TABLE \(table); --"] {
            let champion = try Self.renamed(weights, nps: name, into: dir)
            let out = dir.appendingPathComponent("out")
            let r = try CLI.run(["recalibrate", "--spec", TestDB.spec, "--data", url, "--table", table, "--in-database",
                                 "--champion", champion.path, "--out", out.path])
            #expect(r.status == 2, "\(r.stderr)")
            #expect(r.stderr.contains("table \"\(table)\" has no column") && r.stderr.contains("champion's weight file"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
            // The hostile name ran nothing: the table is there with every row.
            #expect(try TestDB.psql(url, "SELECT count(*) FROM \(table)") == rows)
        }
        // The column exists but holds text: the champion's numeric feature needs a number.
        try TestDB.psql(url, "ALTER TABLE \(table) ADD COLUMN nps_v2 text; UPDATE \(table) SET nps_v2 = nps::text")
        let typed = try CLI.run(["backtest", "--spec", TestDB.spec, "--data", url, "--table", table, "--in-database",
                                 "--champion", try Self.renamed(weights, nps: "nps_v2", into: dir).path])
        #expect(typed.status == 2, "\(typed.stderr)")
        #expect(typed.stderr.contains("column \"nps_v2\" has SQL type text; the champion's numeric feature \"nps_v2\" must be numeric"), "\(typed.stderr)")
        // A scorecard metric that is not a numeric feature of the spec, as from CSV.
        let card = dir.appendingPathComponent("card.yaml")
        try "scorecard: v1\nweights: {nps_v2: 0.1}\n".write(to: card, atomically: true, encoding: .utf8)
        let r = try CLI.run(["backtest", "--spec", TestDB.spec, "--data", url, "--table", table, "--in-database", "--scorecard", card.path])
        #expect(r.status == 2 && r.stderr.contains("nps_v2") && r.stderr.contains("did you mean 'nps'"), "\(r.stderr)")
    }

    @Test func aLevelTheChampionHasNotSeenNamesTheRow() throws {
        let url = TestDB.url ?? ""
        let table = TestDB.uniqueName("champlvl")
        try TestDB.loadSample(url, table: table)
        defer { TestDB.drop(url, table: table) }
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Last year's plan encoding refuses levels it has not seen; this year a customer is on "platinum".
        let weights = try Self.earlyWeights(dir.appendingPathComponent("w")) {
            $0.replacingOccurrences(of: "    reference: basic\n", with: "    reference: basic\n    unseen: error\n")
        }
        #expect(try String(contentsOf: weights, encoding: .utf8).contains("\"unseen\" : \"error\""))
        let id = try TestDB.psql(url, "SELECT customer_id FROM \(table) WHERE period = '2025Q1' ORDER BY customer_id LIMIT 1")
        try TestDB.psql(url, "UPDATE \(table) SET plan = 'platinum' WHERE customer_id = '\(id)' AND period = '2025Q1'")
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["recalibrate", "--spec", TestDB.spec, "--data", url, "--table", table, "--in-database",
                             "--champion", weights.path, "--out", out.path])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("table \"\(table)\", row with id \"\(id)\", period \"2025Q1\" (column \"plan\"): \"platinum\""), "\(r.stderr)")
        #expect(r.stderr.contains("unseen: error"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
