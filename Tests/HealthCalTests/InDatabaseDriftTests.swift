import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// The drift figures computed where the data lives (`InDatabaseDrift`) against the in-memory
/// ones (`Recalibration.driftFigures`) for the same rows read from CSV and the same model: the
/// sample panel (notebooks-data), and the same panel with missing categorical and boolean cells
/// and a plan level that appears only in the last periods, loaded with `PostgresTableLoad` into
/// one server (HEALTHCAL_TEST_PG_URL) and a 2-shard scripts/pg-cluster
/// (HEALTHCAL_TEST_PG_CLUSTER_URL, hash-partitioned by customer). Skipped without them.
@Suite("In-database drift")
struct InDatabaseDriftTests {
    struct Figures {
        var reference: DriftReference
        var report: DriftReport?
    }

    /// The sample panel with holes: every 17th row's plan blank, every 29th row's invoice_sent
    /// blank, and plan "trial" on every 11th row of the last two periods (a level the first
    /// fold's training window never saw: the report's "other" bin).
    static func panelWithHoles(in dir: URL) throws -> String {
        let csv = InDatabaseFitTests.notebooksData.appendingPathComponent("panel.csv")
        var lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        guard let plan = header.firstIndex(of: "plan"), let invoice = header.firstIndex(of: "invoice_sent"),
              let period = header.firstIndex(of: "period") else { throw DriftTestError.fixture }
        let periods = Set(lines.dropFirst().compactMap { $0.split(separator: ",", omittingEmptySubsequences: false).dropFirst(period).first.map(String.init) })
        let lastTwo = Set(periods.sorted().suffix(2))
        for r in 1..<lines.count where !lines[r].isEmpty {
            var cells = lines[r].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if r % 17 == 0 { cells[plan] = "" }
            if r % 29 == 0 { cells[invoice] = "" }
            if r % 11 == 0 && lastTwo.contains(cells[period]) { cells[plan] = "trial" }
            lines[r] = cells.joined(separator: ",")
        }
        let out = dir.appendingPathComponent("panel-holes.csv")
        try lines.joined(separator: "\n").write(to: out, atomically: true, encoding: .utf8)
        return out.path
    }

    enum DriftTestError: Error { case fixture }

    /// The in-memory and the pushed-down figures of `csv` loaded into `url`, with the same model
    /// (fitted in memory on every row) and the same calibration (the backtest's), so the only
    /// difference left is where the bins, counts and linear predictors were computed.
    static func both(url text: String, csv: String, shardBy: String? = nil) throws -> (memory: Figures, pushed: Figures, panel: Panel) {
        let spec = try Spec.load(path: InDatabaseFitTests.notebooksData.appendingPathComponent("spec.yaml").path)
        let url = try PostgresURL(text)
        let loaded = try LoadedTestTable(csv: csv, spec: spec, url: url, prefix: "hc_drift", shardBy: shardBy)
        defer { loaded.drop() }
        let table = loaded.name
        let panel = try PanelLoading.load(path: csv, spec: spec)
        let run = try Backtest.run(panel: panel)
        let model = try SegmentedFit.run(panel: panel)
        let (memoryReference, memoryReport) = try Recalibration.driftFigures(panel: panel, segmented: model, run: run)

        let relation = PostgresRelation.table(table)
        let conn = try PostgresConnection.aggregateSession(url)
        let shards = try ShardedPasses.detect(conn, url: url, rows: DatabaseRows(relation: relation, spec: spec))
        #expect((shards?.parts.count ?? 0) == (shardBy == nil ? 0 : 2))
        let keys = try PanelLoading.load(.postgres(url, relation), spec: InDatabaseBacktest.keySpec(spec), orderedByKeys: shards != nil).panel
        let drift = try InDatabaseDrift(conn, shards: shards, relation: relation, spec: spec)
        let score = try drift.linearPredictors(model, periods: keys.periodLabels).mapValues { run.finalCalibration.apply(logits: $0) }
        let (reference, report) = try drift.figures(keys: keys, tested: run.folds.map(\.test), score: score)
        try shards?.commit()
        try conn.execute("COMMIT")
        return (Figures(reference: memoryReference, report: memoryReport), Figures(reference: reference, report: report), panel)
    }

    static func expectSame(_ memory: Figures, _ pushed: Figures, report hasReport: Bool = true) throws {
        let (a, b) = (pushed.reference, memory.reference)
        #expect(a.periods == b.periods && a.rows == b.rows)
        #expect(Set(a.metrics.keys) == Set(b.metrics.keys) && a.metrics.count == 10)
        for (name, m) in b.metrics {
            let p = try #require(a.metrics[name])
            // Cut points to the bit (exact order statistics, the same interpolation code).
            #expect(p.edges?.map(\.bitPattern) == m.edges?.map(\.bitPattern), "\(name): \(p.edges ?? []) vs \(m.edges ?? [])")
            #expect(p.levels == m.levels && p.rows == m.rows, "\(name)")
            // The same integer counts over the same count: equal; stated bound 1e-12.
            #expect(maxAbsoluteError(p.shares, m.shares) <= 1e-12, "\(name): \(p.shares) vs \(m.shares)")
        }
        // The score: the same model's linear predictor summed in another order (a few ulps).
        #expect(maxScaledError(a.score.edges ?? [], b.score.edges ?? []) < 1e-12)
        #expect(maxAbsoluteError(a.score.shares, b.score.shares) <= 1e-12)
        guard hasReport else { return }

        let report = try #require(pushed.report), expected = try #require(memory.report)
        #expect(report.referencePeriods == expected.referencePeriods && report.referenceRows == expected.referenceRows)
        #expect(report.variables.map(\.name) == expected.variables.map(\.name))
        for (v, w) in zip(report.variables, expected.variables) {
            #expect(v.periods.map(\.period) == w.periods.map(\.period) && v.periods.map(\.rows) == w.periods.map(\.rows))
            #expect(maxAbsoluteError(v.periods.map(\.psi), w.periods.map(\.psi)) <= 1e-9, "\(v.name)")
        }
        // Every bin's shares and contributions, the labels and the readings.
        let diff = jsonDifferences(try parsedJSON(JSONOutput.string(report)), try parsedJSON(JSONOutput.string(expected)), tolerance: 1e-9)
        #expect(diff.isEmpty, "\(diff.prefix(10))")
    }

    @Test(.enabled(if: testPostgresURL != nil, "needs HEALTHCAL_TEST_PG_URL (a PostgreSQL server; .ci/run starts one)"))
    func samplePanelDriftMatchesTheCSVOnOneServer() throws {
        let csv = InDatabaseFitTests.notebooksData.appendingPathComponent("panel.csv").path
        let (memory, pushed, panel) = try Self.both(url: testPostgresURL ?? "", csv: csv)
        try Self.expectSame(memory, pushed)
        // Not a vacuous comparison: 10 metrics with 9 (or fewer, tied) cut points, a report per scored period.
        #expect(pushed.reference.metrics["logins_30d"]?.edges?.count == 9)
        #expect(pushed.report?.variables.first?.periods.count == panel.periods.count - 4)
    }

    @Test(.enabled(if: testPostgresURL != nil, "needs HEALTHCAL_TEST_PG_URL"))
    func missingCellsAndANewLevelMatchTheCSV() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (memory, pushed, _) = try Self.both(url: testPostgresURL ?? "", csv: try Self.panelWithHoles(in: dir))
        try Self.expectSame(memory, pushed)
        // The holes are there: a missing share for plan and invoice_sent, "trial" among the
        // levels of every row but not of the window, where it lands in "other".
        let plan = try #require(pushed.reference.metrics["plan"])
        #expect(plan.levels == ["basic", "enterprise", "pro", "trial"] && (plan.shares.last ?? 0) > 0.05)
        #expect((pushed.reference.metrics["invoice_sent"]?.shares.last ?? 0) > 0.03)
        let cells = try #require(pushed.report?.variables.first { $0.name == "plan" }?.periods)
        #expect(cells.last?.bins.first { $0.bin == "other" }.map { $0.actual > 0.05 } == true)
    }

    @Test(.enabled(if: InDatabaseFitTests.clusterURL != nil, "needs HEALTHCAL_TEST_PG_CLUSTER_URL (a scripts/pg-cluster coordinator with 2 shards)"))
    func driftMatchesTheCSVOnTwoShards() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = InDatabaseFitTests.notebooksData.appendingPathComponent("panel.csv").path
        let (memory, pushed, _) = try Self.both(url: InDatabaseFitTests.clusterURL ?? "", csv: csv, shardBy: "customer_id")
        try Self.expectSame(memory, pushed)
        let holes = try Self.both(url: InDatabaseFitTests.clusterURL ?? "", csv: try Self.panelWithHoles(in: dir), shardBy: "customer_id")
        try Self.expectSame(holes.memory, holes.pushed)
    }

    /// The order statistics of one query (`percentile_disc` at (k + ½)/n) against the sorted
    /// present values of the CSV: bit-identical at every position the cut points read, and at
    /// the ends.
    @Test(.enabled(if: testPostgresURL != nil, "needs HEALTHCAL_TEST_PG_URL"))
    func orderStatisticsAreTheSortedValues() throws {
        let spec = try Spec.load(path: InDatabaseFitTests.notebooksData.appendingPathComponent("spec.yaml").path)
        let csv = InDatabaseFitTests.notebooksData.appendingPathComponent("panel.csv").path
        let url = try PostgresURL(testPostgresURL ?? "")
        let loaded = try LoadedTestTable(csv: csv, spec: spec, url: url, prefix: "hc_ostat")
        defer { loaded.drop() }
        let table = loaded.name
        let panel = try PanelLoading.load(path: csv, spec: spec)
        let conn = try PostgresConnection.aggregateSession(url)
        let drift = try InDatabaseDrift(conn, shards: nil, relation: .table(table), spec: spec)
        for name in ["nps", "payment_delay_days", "invoice_sent"] {
            let f = try #require(panel.features.first { $0.name == name })
            guard case let .numeric(v) = f.values else { Issue.record("\(name) is not numeric"); continue }
            let sorted = v.filter { !$0.isNaN }.sorted()
            let positions = Array(Set(StabilityReference.edgePositions(count: sorted.count) + [0, 1, sorted.count - 2])).sorted()
            let got = try drift.orderStatistics(of: InDatabaseDrift.value(f.spec), count: sorted.count, at: positions,
                                                over: DatabaseRows(relation: .table(table), spec: spec))
            #expect(positions.allSatisfy { got[$0]?.bitPattern == sorted[$0].bitPattern }, "\(name)")
        }
        try conn.execute("COMMIT")
    }

    /// `fit --in-database --weights-out` on a snapshot (no period column: one group, every row):
    /// the weight file's drift reference from `InDatabaseWeightFile` equals `makeInSample`'s for
    /// the same model, on the sample panel's last quarter with holes.
    @Test(.enabled(if: testPostgresURL != nil, "needs HEALTHCAL_TEST_PG_URL"))
    func snapshotWeightFileReferenceMatchesTheCSV() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try String(contentsOfFile: try Self.panelWithHoles(in: dir), encoding: .utf8).split(separator: "\n").map(String.init)
        let csv = dir.appendingPathComponent("snapshot.csv")
        try ([lines[0]] + lines.filter { $0.contains(",2025Q2,") }).joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        var spec = try Spec.load(path: InDatabaseFitTests.notebooksData.appendingPathComponent("spec.yaml").path)
        spec.data.period = nil
        let url = try PostgresURL(testPostgresURL ?? "")
        let loaded = try LoadedTestTable(csv: csv.path, spec: spec, url: url, prefix: "hc_snap")
        defer { loaded.drop() }
        let table = loaded.name
        let panel = try PanelLoading.load(path: csv.path, spec: spec)
        #expect(panel.isSnapshot && panel.rowCount > 1000)
        let model = try SegmentedFit.run(panel: panel)
        let memory = try #require(try WeightFile.makeInSample(panel: panel, segmented: model, inputSHA256: "").drift)
        let pushed = try #require(try InDatabaseWeightFile.inSample(url: url, relation: .table(table), spec: spec, fit: model).drift)
        #expect(pushed.periods.isEmpty && pushed.rows == panel.rowCount)
        try Self.expectSame(Figures(reference: memory, report: nil), Figures(reference: pushed, report: nil), report: false)
    }

    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-drift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
