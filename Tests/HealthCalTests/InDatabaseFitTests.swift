import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// The pushed-down fit (`--in-database`) against the in-memory fit of the same rows read from
/// CSV: the sample panel (notebooks-data) is loaded with `PostgresTableLoad` (what `healthcal
/// load` runs) into the servers of HEALTHCAL_TEST_PG_URL (one server) and
/// HEALTHCAL_TEST_PG_CLUSTER_URL (a 2-shard scripts/pg-cluster coordinator, hash-partitioned by
/// customer). Without those variables the database tests are skipped (reported as skipped).
@Suite("In-database fit")
struct InDatabaseFitTests {
    static let clusterURL = ProcessInfo.processInfo.environment["HEALTHCAL_TEST_PG_CLUSTER_URL"]
    static let notebooksData = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("notebooks-data")

    /// The in-memory fit of the CSV and the pushed-down fit of the same rows loaded into `url`.
    static func bothFits(url text: String, shardBy: String? = nil, ridge: Double? = nil,
                         edit: (inout Spec) -> Void = { _ in }) throws -> (SpecFit, InDatabaseFit.Outcome) {
        var spec = try Spec.load(path: notebooksData.appendingPathComponent("spec.yaml").path)
        edit(&spec)
        let csv = notebooksData.appendingPathComponent("panel.csv").path
        let url = try PostgresURL(text)
        let loaded = try LoadedTestTable(csv: csv, spec: spec, url: url, prefix: "hc_pushdown", shardBy: shardBy)
        defer { loaded.drop() }
        let table = loaded.name
        let panel = try PanelLoading.load(path: csv, spec: spec)
        let memory = try SpecFit.run(panel: panel, ridge: ridge)
        let pushed = try InDatabaseFit.run(url: url, relation: .table(table), spec: spec, ridge: ridge)
        return (memory, pushed)
    }

    static func expectSameFit(_ memory: SpecFit, _ pushed: InDatabaseFit.Outcome) {
        // The encodings: bounds, imputed values, levels and column order exactly; centers,
        // scales and contribution means are sums in another order (a few ulps).
        #expect(pushed.fit.encoding.names == memory.encoding.names)
        for (a, b) in zip(pushed.fit.encoding.features, memory.encoding.features) {
            #expect(a.levels == b.levels && a.reference == b.reference && a.pooled == b.pooled)
            #expect(a.lower == b.lower && a.upper == b.upper && a.missingIndicator == b.missingIndicator)
            // Quantiles and medians to the bit (order statistics); a mean is a sum of ~20,000 terms in
            // another order (and LN(1 + x) for log1p): bounded by n·ε ≈ 4e-12, typically far less.
            if a.impute == .mean {
                #expect(maxScaledError([a.imputeValue ?? .nan], [b.imputeValue ?? .nan]) < 1e-12)
            } else {
                #expect(a.imputeValue == b.imputeValue)
            }
            #expect(maxScaledError([a.center ?? 0, a.scale ?? 0], [b.center ?? 0, b.scale ?? 0]) < 1e-12)
        }
        #expect(maxScaledError(pushed.fit.encoding.contributionMeans, memory.encoding.contributionMeans) < 1e-12)
        // Issue 16's bar: coefficients and standard errors within 1e-9.
        #expect(maxAbsoluteError(pushed.fit.fit.coefficients, memory.fit.coefficients) < 1e-9)
        #expect(maxAbsoluteError(pushed.fit.fit.standardErrors, memory.fit.standardErrors) < 1e-9)
        #expect(abs(pushed.fit.fit.logLikelihood - memory.fit.logLikelihood) < 1e-9 * abs(memory.fit.logLikelihood))
        #expect(pushed.fit.fit.rows == memory.fit.rows)
    }

    @Test(.enabled(if: testPostgresURL != nil, "needs HEALTHCAL_TEST_PG_URL (a PostgreSQL server; .ci/run starts one)"))
    func samplePanelMatchesTheCSVFitOnOneServer() throws {
        let (memory, pushed) = try Self.bothFits(url: testPostgresURL ?? "")
        Self.expectSameFit(memory, pushed)
        // One exact Hessian at the start and at the optimum at least; most steps gradient-only.
        #expect(pushed.hessianPasses >= 2)
    }

    /// Every statistic the encoder fits: winsorize quantiles, medians, means, SDs, modes.
    static func everyStatistic(_ spec: inout Spec) {
        for k in spec.features.indices where spec.features[k].type == .numeric {
            spec.features[k].standardize = true
            spec.features[k].impute = k % 2 == 0 ? .median : .mean
            spec.features[k].imputeValue = nil
            spec.features[k].winsorize = [0.013, 0.987]
        }
    }

    @Test(.enabled(if: testPostgresURL != nil, "needs HEALTHCAL_TEST_PG_URL"))
    func standardizedWinsorizedMedianEncodingsMatch() throws {
        let (memory, pushed) = try Self.bothFits(url: testPostgresURL ?? "", ridge: 0.5, edit: Self.everyStatistic)
        Self.expectSameFit(memory, pushed)
        #expect(memory.encoding.features.contains { $0.impute == .median && $0.lower != nil && $0.upper != nil })
    }

    /// The same encodings fitted on a 2-shard table, every statistic on the shards
    /// (`StatisticQueries`): quantiles and medians still to the bit, bins' cuts and spline knots
    /// exactly.
    @Test(.enabled(if: clusterURL != nil, "needs HEALTHCAL_TEST_PG_CLUSTER_URL (a 2-shard scripts/pg-cluster coordinator)"))
    func everyFittedEncodingMatchesOnTwoShards() throws {
        let (memory, pushed) = try Self.bothFits(url: Self.clusterURL ?? "", shardBy: "customer_id", ridge: 0.5, edit: Self.everyStatistic)
        Self.expectSameFit(memory, pushed)
        #expect(pushed.shards == 2)
        let (binnedMemory, binnedPushed) = try Self.bothFits(url: Self.clusterURL ?? "", shardBy: "customer_id") { spec in
            for k in spec.features.indices where spec.features[k].type == .numeric {
                if k % 2 == 0 {
                    spec.features[k].transform = .bins
                    spec.features[k].maxBins = 3 + k % 4
                } else {
                    spec.features[k].transform = .spline
                    spec.features[k].impute = .median
                    spec.features[k].imputeValue = nil
                }
                spec.features[k].standardize = nil
            }
        }
        #expect(binnedMemory.encoding.features.contains { $0.cuts != nil } && binnedMemory.encoding.features.contains { $0.knots != nil })
        for (a, b) in zip(binnedPushed.fit.encoding.features, binnedMemory.encoding.features) {
            #expect(a.cuts == b.cuts && a.monotone == b.monotone && a.knots == b.knots, "\(a.name)")
        }
        Self.expectSameFit(binnedMemory, binnedPushed)
    }

    @Test(.enabled(if: testPostgresURL != nil, "needs HEALTHCAL_TEST_PG_URL"))
    func aSampleStartEndsAtTheSameOptimum() throws {
        // The large-table plan (exact steps on a hashed sample, then gradient-only steps on the
        // whole table from the sample's scaled Hessian) on the sample panel: threshold lowered
        // so that it runs, about 3,000 of the 13,996 rows in the sample.
        let spec = try Spec.load(path: Self.notebooksData.appendingPathComponent("spec.yaml").path)
        let csv = Self.notebooksData.appendingPathComponent("panel.csv").path
        let url = try PostgresURL(testPostgresURL ?? "")
        let loaded = try LoadedTestTable(csv: csv, spec: spec, url: url, prefix: "hc_sample")
        defer { loaded.drop() }
        let table = loaded.name
        let conn = try PostgresConnection(url)
        let memory = try SpecFit.run(panel: try PanelLoading.load(path: csv, spec: spec))
        try conn.execute("SET extra_float_digits = 1")
        try conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        let pushed = try InDatabaseFit.run(DatabaseRows(relation: .table(table), spec: spec), conn, ridge: spec.model.ridge,
                                           subsampleThreshold: 5_000, subsampleRows: 3_000)
        try conn.execute("COMMIT")
        Self.expectSameFit(memory, pushed)
        // Full-table Hessians: the one at the optimum (and any the chord steps fell back to).
        #expect(pushed.hessianPasses >= 1)
    }

    @Test(.enabled(if: clusterURL != nil, "needs HEALTHCAL_TEST_PG_CLUSTER_URL (a 2-shard scripts/pg-cluster coordinator)"))
    func samplePanelMatchesTheCSVFitOnTwoShards() throws {
        let (memory, pushed) = try Self.bothFits(url: Self.clusterURL ?? "", shardBy: "customer_id")
        Self.expectSameFit(memory, pushed)
        #expect(pushed.shards == 2)   // the passes ran on the shards, not through the coordinator
    }

    @Test(.enabled(if: testPostgresURL != nil, "needs HEALTHCAL_TEST_PG_URL"))
    func aFoldIsAPeriodPredicateAndItsScoresComputeInTheDatabase() throws {
        // One walk-forward fold: trained on the first six quarters, scoring the eighth.
        let spec = try Spec.load(path: Self.notebooksData.appendingPathComponent("spec.yaml").path)
        let csv = Self.notebooksData.appendingPathComponent("panel.csv").path
        let url = try PostgresURL(testPostgresURL ?? "")
        let loaded = try LoadedTestTable(csv: csv, spec: spec, url: url, prefix: "hc_fold")
        defer { loaded.drop() }
        let table = loaded.name
        let panel = try PanelLoading.load(path: csv, spec: spec)
        let labels = panel.periodLabels
        let trainPeriods = Array(labels.prefix(6)), testPeriod = labels[7]
        let train = (0..<panel.rowCount).filter { Int(panel.periodOfRow[$0]) < 6 }
        let test = (0..<panel.rowCount).filter { Int(panel.periodOfRow[$0]) == 7 }
        let memory = try SpecFit.run(panel: panel, rows: train)
        let pushed = try InDatabaseFit.run(url: url, relation: .table(table), spec: spec, periods: trainPeriods)
        Self.expectSameFit(memory, pushed)
        #expect(pushed.rows == train.count)

        // The in-memory backtest's scores of the test rows: design times coefficients.
        let expected = try memory.encoding.design(panel, rows: test).x.multiply(memory.fit.coefficients)
        let scored = try InDatabaseScoring.linearPredictors(url: url, relation: .table(table), spec: spec, model: pushed.fit,
                                                             periods: [testPeriod])
        #expect(scored.count == test.count)
        let byID = Dictionary(uniqueKeysWithValues: scored.map { ($0.id, $0) })
        var worst = 0.0
        for (i, r) in test.enumerated() {
            guard let row = byID[panel.customerIDs[Int(panel.customerCodes[r])]] else { Issue.record("row \(r) not scored"); continue }
            #expect(row.period == testPeriod && row.outcome == panel.outcome[r])
            worst = max(worst, abs(row.linearPredictor - expected[i]))
        }
        // Within 1e-9: the coefficients differ by < 1e-9 and LN(1 + x) stands for log1p.
        #expect(worst < 1e-9)
    }
}
