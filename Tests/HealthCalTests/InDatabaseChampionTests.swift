import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// The champion scored in the database (`InDatabaseChampion`) against the in-memory champion of
/// the same rows read from CSV: the sample panel loaded with `PostgresTableLoad` into one server
/// (HEALTHCAL_TEST_PG_URL) and a 2-shard scripts/pg-cluster (HEALTHCAL_TEST_PG_CLUSTER_URL).
/// The champions: weight files recalibrated in memory on an earlier window (2023Q1-2024Q2) with
/// per-segment models and Platt folded in, or with an isotonic table (not folded: the SQL's
/// CASE table), and the sample's hand-made scorecard. Skipped without those variables.
@Suite("In-database champion")
struct InDatabaseChampionTests {
    static let data = InDatabaseFitTests.notebooksData
    static let earlyPeriods: Set<String> = ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2"]

    /// A weight file recalibrated in memory on the early periods, with `specEdit` applied to the
    /// sample spec's text.
    static func earlyChampion(_ dir: URL, specEdit: (String) -> String) throws -> WeightFile {
        let text = try String(contentsOf: data.appendingPathComponent("panel.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let early = lines.enumerated().filter { k, line in
            k == 0 || line.isEmpty || earlyPeriods.contains(String(line.split(separator: ",", omittingEmptySubsequences: false)[1]))
        }.map(\.element).joined(separator: "\n")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let csv = dir.appendingPathComponent("early.csv"), spec = dir.appendingPathComponent("early.yaml")
        try early.write(to: csv, atomically: true, encoding: .utf8)
        try specEdit(String(contentsOf: data.appendingPathComponent("spec.yaml"), encoding: .utf8))
            .write(to: spec, atomically: true, encoding: .utf8)
        var options = Recalibration.Options(specPath: spec.path, dataPath: csv.path, outDirectory: dir.appendingPathComponent("early").path,
                                            bootstrap: BootstrapOptions(count: 0))
        options.validation = BootstrapOptions(count: 0)
        _ = try Recalibration.run(options)
        return try WeightFile.load(path: dir.appendingPathComponent("early/weights.json").path)
    }

    static func perSegmentPlatt(_ spec: String) -> String {
        spec.replacingOccurrences(of: "\nmodel:\n", with: "\nmodel:\n  per_segment: true\n  min_segment_rows: 1500\n")
    }
    static func isotonic(_ spec: String) -> String {
        spec.replacingOccurrences(of: "method: platt", with: "method: isotonic")
    }

    /// The in-memory and pushed-down champion comparisons of each champion on `url`.
    static func expectSameComparisons(url text: String, shardBy: String? = nil, champions: [ChampionModel]) throws {
        let spec = try Spec.load(path: data.appendingPathComponent("spec.yaml").path)
        let csv = data.appendingPathComponent("panel.csv").path
        let url = try PostgresURL(text)
        let loaded = try LoadedTestTable(csv: csv, spec: spec, url: url, prefix: "hc_champ", shardBy: shardBy)
        defer { loaded.drop() }
        let table = loaded.name
        let panel = try PanelLoading.load(path: csv, spec: spec)
        let memory = try Backtest.run(panel: panel)
        let pushed = try InDatabaseBacktest.run(url: url, relation: .table(table), spec: spec)
        let keys = pushed.keys.panel
        func key(_ p: Panel, _ r: Int) -> String { p.customerID(ofRow: r) + "|" + (p.period(ofRow: r)?.label ?? "") }
        for champion in champions {
            let memoryScores = try champion.scores(panel: panel, rows: memory.rows)
            let pushedScores = try InDatabaseChampion.scores(champion, url: url, relation: .table(table), spec: spec, run: pushed.run, keys: keys)
            #expect(pushedScores.name == memoryScores.name && pushedScores.isProbability == memoryScores.isProbability)
            // Row by row, matched by (id, period): within 1e-9 relative (measured: 0 to 3e-16).
            var byKey: [String: Double] = [:]
            for (k, r) in memory.rows.enumerated() { byKey[key(panel, r)] = memoryScores.values[k] }
            let reference = pushed.run.rows.map { byKey[key(keys, $0)] ?? .nan }
            #expect(pushedScores.values.count == memory.rows.count)
            let error = maxRelativeError(pushedScores.values, reference)
            #expect(error < 1e-9, "\(pushedScores.name): \(error)")
            // The comparison (AUCs, DeLong, Brier, log loss, ...) within 1e-9.
            let a = try champion.compare(with: pushed.run, panel: keys, scores: pushedScores)
            let b = try champion.compare(with: memory, panel: panel)
            let diff = jsonDifferences(try parsedJSON(JSONOutput.string(a)), try parsedJSON(JSONOutput.string(b)), tolerance: 1e-9)
            #expect(diff.isEmpty, "\(diff.prefix(10))")
        }
    }

    static func scorecard() throws -> ChampionModel {
        .scorecard(try Scorecard.parse(yaml: String(contentsOf: data.appendingPathComponent("cs-team-scorecard.yaml"), encoding: .utf8)))
    }

    @Test(.enabled(if: testPostgresURL != nil, "needs HEALTHCAL_TEST_PG_URL (a PostgreSQL server; .ci/run starts one)"))
    func weightFilesAndScorecardMatchTheCSVOnOneServer() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-champ-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let segmented = try Self.earlyChampion(dir.appendingPathComponent("a"), specEdit: Self.perSegmentPlatt)
        #expect(!(segmented.segments ?? [:]).isEmpty && segmented.calibrationFolded)
        let isotonic = try Self.earlyChampion(dir.appendingPathComponent("b"), specEdit: Self.isotonic)
        #expect(!isotonic.calibrationFolded)
        let csv = PanelSource.csv(path: Self.data.appendingPathComponent("panel.csv").path)
        try Self.expectSameComparisons(url: testPostgresURL ?? "", champions: [
            .weights(segmented, source: csv), .weights(isotonic, source: csv), try Self.scorecard(),
            // Without an intercept the scorecard ranks only; as "health" its points change sign.
            .scorecard(Scorecard(name: "health points", direction: .health,
                                 weights: ["logins_30d": 0.05, "nps": 0.1, "active_user_share": 2.5], missing: ["nps": 0])),
        ])
    }

    @Test(.enabled(if: InDatabaseFitTests.clusterURL != nil, "needs HEALTHCAL_TEST_PG_CLUSTER_URL (a scripts/pg-cluster coordinator with 2 shards)"))
    func weightFileAndScorecardMatchTheCSVOnTwoShards() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-champ-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let segmented = try Self.earlyChampion(dir, specEdit: Self.perSegmentPlatt)
        let csv = PanelSource.csv(path: Self.data.appendingPathComponent("panel.csv").path)
        try Self.expectSameComparisons(url: InDatabaseFitTests.clusterURL ?? "", shardBy: "customer_id",
                                       champions: [.weights(segmented, source: csv), try Self.scorecard()])
    }

    /// The scorecard's SQL points against `Scorecard.score` on values chosen to tie on paper and
    /// not in binary (0.1 · 7 vs 0.7 · 1), a value past 9 decimals (that row summed in binary in
    /// both), an exact sum of 2^53 units or more (rounded twice, as `PaperDecimal.value` does) and
    /// a NULL (the missing: value).
    @Test(.enabled(if: testPostgresURL != nil, "needs HEALTHCAL_TEST_PG_URL"))
    func scorecardPointsAreTheInMemorySums() throws {
        let url = try PostgresURL(testPostgresURL ?? "")
        let conn = try PostgresConnection(url)
        try conn.execute("SET extra_float_digits = 1")
        let card = Scorecard(name: "paper", weights: ["a": 0.1, "b": 0.7, "c": -0.123456789], missing: ["a": 2.5])
        let rows: [[Double]] = [[7, 0, 0], [0, 1, 0], [.nan, 1e-3, 3], [0.1234567891, 3, 1e6], [123456.789, -0.5, 0.001], [0.1, 0.2, 0.3]]
        let values = rows.enumerated().map { k, r in
            "(\(k), " + r.map { $0.isNaN ? "NULL::double precision" : "\(exactNumber($0))::double precision" }.joined(separator: ", ") + ")"
        }.joined(separator: ", ")
        let from = "FROM (VALUES \(values)) AS t(\"id\", \"a\", \"b\", \"c\") WHERE TRUE"
        let q = card.pointsQuery(keys: ["CAST(\"id\" AS TEXT) AS \"hc_id\""], keyNames: ["\"hc_id\""], from: from) { "$\($0 + 1)" }
        let got = try conn.query(q.sql + " ORDER BY 1", q.parameters)
        let points = got.map { ($0[1] ?? nil).flatMap { Double($0) } ?? .nan }
        let expected = try card.score(rawColumns: ["a": rows.map { $0[0] }, "b": rows.map { $0[1] }, "c": rows.map { $0[2] }])
        // Bit for bit (the exact sums and the binary ones alike); rows 0 and 1 tie, as on paper.
        #expect(points == expected)
        #expect(points[0] == points[1])
    }
}
