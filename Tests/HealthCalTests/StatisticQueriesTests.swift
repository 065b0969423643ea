import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// `StatisticQueries` on one server and on the 2-shard cluster (each shard's partial results
/// combined on the client) against the same statistics computed in memory from the CSV's
/// values: order statistics bit for bit at every rank asked (ties, NULLs, negative values,
/// the extremes), counts exactly, sums within n·ε, minima and maxima exactly, GROUP BY counts
/// exactly.
@Suite("Statistic queries")
struct StatisticQueriesTests {
    /// 3,000 rows of 600 customers: `ties` is 0 on about 40% of rows and a small integer
    /// otherwise, `wide` spreads over 12 orders of magnitude with both signs, `sparse` is
    /// missing on 90% of rows and present on a fifth of the customers only.
    static func fixture() throws -> (csv: String, spec: Spec, columns: [String: [Double?]], levels: [String?]) {
        var rng = SplitMix64(seed: 20261207)
        var lines = ["customer_id,period,churned,ties,wide,sparse,plan"]
        var columns: [String: [Double?]] = ["ties": [], "wide": [], "sparse": []]
        var levels: [String?] = []
        for c in 0..<600 {
            for q in 0..<5 {
                let ties: Double = rng.uniform() < 0.4 ? 0 : Double(Int(rng.uniform() * 7))
                let wide = (rng.uniform() < 0.5 ? -1.0 : 1.0) * pow(10, rng.uniform() * 12 - 6) * rng.uniform()
                let sparse: Double? = c < 120 && rng.uniform() < 0.5 ? (rng.uniform() * 100).rounded() / 4 : nil
                let plan: String? = rng.uniform() < 0.1 ? nil : ["basic", "pro", "enterprise"][Int(rng.uniform() * 3)]
                let y = q == 4 && rng.uniform() < 0.5 ? 1 : 0   // a churner has no later rows
                columns["ties"]?.append(ties)
                columns["wide"]?.append(wide)
                columns["sparse"]?.append(sparse)
                levels.append(plan)
                lines.append("c\(c),\(q < 4 ? "2024Q\(q + 1)" : "2025Q1"),\(y),\(ties),\(wide),\(sparse.map { "\($0)" } ?? ""),\(plan ?? "")")
            }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-stats-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let csv = dir.appendingPathComponent("panel.csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let specPath = dir.appendingPathComponent("spec.yaml").path
        try """
            version: 1
            data: {id: customer_id, period: period, period_format: quarter, outcome: churned}
            features:
              - {name: ties, type: numeric}
              - {name: wide, type: numeric}
              - {name: sparse, type: numeric}
              - {name: plan, type: categorical}
            """.write(toFile: specPath, atomically: true, encoding: .utf8)
        return (csv, try Spec.load(path: specPath), columns, levels)
    }

    static func check(url text: String, shardBy: String?) throws {
        let (csv, spec, columns, levels) = try fixture()
        let url = try PostgresURL(text)
        let loaded = try LoadedTestTable(csv: csv, spec: spec, url: url, prefix: "hc_stats", shardBy: shardBy)
        defer { loaded.drop() }
        let table = loaded.name
        let conn = try PostgresConnection.aggregateSession(url)
        defer { try? conn.execute("ROLLBACK") }
        let rows = DatabaseRows(relation: .table(table), spec: spec)
        let shards = try ShardedPasses.detect(conn, url: url, rows: rows)
        #expect((shards?.parts.count ?? 0) == (shardBy == nil ? 0 : 2))
        let stats = StatisticQueries(conn: conn, shards: shards)

        for name in ["ties", "wide", "sparse"] {
            let values = (columns[name] ?? []).compactMap { $0 }
            let sorted = values.sorted()
            let n = sorted.count
            let x = "CAST(\(SQLEncoding.identifier(name)) AS DOUBLE PRECISION)"
            // The extremes, the median's pair, and ranks across the ties' boundaries, one and several at a time.
            let ranks = [0, 1, n / 2 - 1, n / 2, n - 2, n - 1, n / 3, (2 * n) / 5, (2 * n) / 5 + 1, (9 * n) / 10]
            for k in ranks {
                #expect(try stats.orderStatistics(rows, value: x, count: n, ranks: [k]) == [sorted[k]], "\(name) rank \(k)")
            }
            #expect(try stats.orderStatistics(rows, value: x, count: n, ranks: ranks) == ranks.map { sorted[$0] }, "\(name)")

            let got = try stats.aggregates(rows, [.sum("count(\(x))"), .sum("sum(\(x))"), .min("min(\(x))"), .max("max(\(x))")])
            #expect(got[0] == Double(n))
            let scale = values.reduce(0) { $0 + abs($1) }
            #expect(abs((got[1] ?? .nan) - values.reduce(0, +)) <= Double(n) * 2.3e-16 * scale)
            #expect(got[2] == sorted.first && got[3] == sorted.last)
        }
        // A count that is not the rows' own (they changed since it was counted) is refused rather
        // than answered from the wrong ranks: on one server the sort's count is checked, on
        // shards their total.
        let ties = "CAST(\"ties\" AS DOUBLE PRECISION)", n = (columns["ties"] ?? []).compactMap { $0 }.count
        #expect(n > 64)
        for wrong in [n - 1, n + 1] {
            #expect(throws: DatabaseError.self) { _ = try stats.orderStatistics(rows, value: ties, count: wrong, ranks: [0, wrong - 1]) }
        }
        if shards != nil {
            #expect(throws: DatabaseError.self) { _ = try stats.orderStatistics(rows, value: ties, count: 7, ranks: [3]) }
        }
        // NULL where no row qualifies; counts zero.
        let none = try stats.aggregates(rows, [.sum("count(*)"), .sum("sum(\"wide\")"), .min("min(\"wide\")")],
                                        from: { "\($0.fromWhere) AND FALSE" })
        #expect(none[0] == 0 && none[1] == nil && none[2] == nil)

        var expected: [String?: Double] = [:]
        for l in levels { expected[l, default: 0] += 1 }
        let groups = try stats.groups(rows, key: "CAST(\"plan\" AS TEXT)", sums: ["count(*)"])
        #expect(groups.count == expected.count)
        for g in groups { #expect(g.sums == [expected[g.key] ?? -1], "\(g.key ?? "NULL")") }
        try shards?.commit()
    }

    @Test(.enabled(if: testPostgresURL != nil, "needs HEALTHCAL_TEST_PG_URL (a PostgreSQL server; .ci/run starts one)"))
    func oneServerMatchesTheValuesInMemory() throws {
        try Self.check(url: testPostgresURL ?? "", shardBy: nil)
    }

    @Test(.enabled(if: InDatabaseFitTests.clusterURL != nil, "needs HEALTHCAL_TEST_PG_CLUSTER_URL (a 2-shard scripts/pg-cluster coordinator)"))
    func twoShardsMatchTheValuesInMemory() throws {
        try Self.check(url: InDatabaseFitTests.clusterURL ?? "", shardBy: "customer_id")
    }
}
