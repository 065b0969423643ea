import Foundation
import Testing
@testable import HealthCal

/// The split pull (a table's pages COPYed on several connections under one exported snapshot)
/// against the reference: psql's `\copy` of the same SELECT on one connection with the pull's
/// session settings, its bytes compared exactly and its SHA-256 taken by `sha256sum`.
@Suite(.enabled(if: testPostgresURL != nil, "set HEALTHCAL_TEST_PG_URL (see .ci/run) to run the PostgreSQL tests"))
struct PostgresSplitPullTests {
    let url = testPostgresURL ?? ""
    /// Every table split, however small, into `connections` ranges.
    static func split(_ connections: Int) -> CopySplit { CopySplit(connections: connections, minimumPages: 0) }

    func connect() throws -> PostgresConnection { try PostgresConnection(PostgresURL(url)) }

    func uniqueName(_ prefix: String) -> String { "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())" }

    /// Rows with what CSV must quote (commas, quotes, newlines), NULLs, and doubles whose text
    /// needs all 17 digits; ids in insertion order.
    func makeTable(_ conn: PostgresConnection, _ name: String, rows: Int) throws {
        try conn.execute("CREATE TABLE \(PostgresConnection.identifier(name)) (id text, period text, note text, x float8, y float8)")
        guard rows > 0 else { return }
        try conn.execute("""
            INSERT INTO \(PostgresConnection.identifier(name))
            SELECT 'C' || lpad(g::text, 7, '0'), '2024Q' || (1 + g % 4),
                   CASE g % 5 WHEN 0 THEN 'a,b' WHEN 1 THEN 'say "hi"' WHEN 2 THEN E'two\\nlines' WHEN 3 THEN NULL ELSE 'plain' END,
                   sin(g) * 1e-3 + g / 7.0, CASE WHEN g % 11 = 0 THEN NULL ELSE 1.0 / g END
              FROM generate_series(1, \(rows)) AS g ORDER BY g
            """)
    }

    /// psql's single COPY of `select` (the reference bytes) and `sha256sum` of them.
    func reference(_ select: String, url: String? = nil) throws -> (bytes: [UInt8], sha256: String) {
        let url = url ?? self.url
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-split-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("ref.csv").path
        var env = ProcessInfo.processInfo.environment
        env["PGOPTIONS"] = "-c extra_float_digits=1 -c DateStyle=ISO -c synchronize_seqscans=off"
        func run(_ tool: String, _ args: [String]) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = args
            p.environment = env
            let out = Pipe()
            p.standardOutput = out
            p.standardError = Pipe()
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(tool) \(args)")
            return String(decoding: data, as: UTF8.self)
        }
        _ = try run("/usr/bin/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", "\\copy (\(select)) TO '\(file)' (FORMAT csv, HEADER)"])
        let sum = try run("/usr/bin/sha256sum", [file]).split(separator: " ").first.map(String.init) ?? ""
        return (Array(try Data(contentsOf: URL(fileURLWithPath: file))), sum)
    }

    /// The split pull and the single COPY give psql's bytes and SHA-256, and the split really split.
    func expectSameAsOneCOPY(_ name: String, connections: Int = 2) throws {
        let relation = PostgresRelation.table(name)
        let split = try PostgresPanelReader.pullAll(url: PostgresURL(url), relation: relation, split: Self.split(connections))
        let single = try PostgresPanelReader.pullAll(url: PostgresURL(url), relation: relation, split: .none)
        let ref = try reference("SELECT * FROM \(relation.fromClause)")
        #expect(split.parts == connections)
        #expect(split.partsOnHelpers == connections - 1, "every range but the first on its own connection")
        #expect(single.parts == 1)
        #expect(split.bytes == ref.bytes, "\(split.bytes.count) bytes against psql's \(ref.bytes.count)")
        #expect(single.bytes == ref.bytes)
        #expect(split.sha256 == ref.sha256)
        #expect(single.sha256 == ref.sha256)
    }

    @Test(arguments: [2, 3])
    func aTableOfManyPagesSplitsIntoTheSameBytes(connections: Int) throws {
        let conn = try connect()
        let name = uniqueName("split_many")
        try makeTable(conn, name, rows: 6_000)
        defer { try? conn.execute("DROP TABLE \(PostgresConnection.identifier(name))") }
        let pages = try CopySplit.heapPages(conn, relation: .table(name)) ?? 0
        #expect(pages > 20, "\(pages) pages: too few for the ranges to matter")
        try expectSameAsOneCOPY(name, connections: connections)
    }

    @Test(arguments: [0, 3])
    func anEmptyOrOnePageTableSplitsIntoTheSameBytes(rows: Int) throws {
        let conn = try connect()
        let name = uniqueName("split_small")
        try makeTable(conn, name, rows: rows)
        defer { try? conn.execute("DROP TABLE \(PostgresConnection.identifier(name))") }
        #expect(try CopySplit.heapPages(conn, relation: .table(name)) == (rows == 0 ? 0 : 1))
        try expectSameAsOneCOPY(name)
    }

    /// Deleted rows leave holes (dead tuples, then free line pointers once vacuumed, refilled by
    /// later inserts out of insertion order); whole pages emptied in the middle and at the end.
    @Test func aTableWithHolesSplitsIntoTheSameBytes() throws {
        let conn = try connect()
        let name = uniqueName("split_holes")
        let table = PostgresConnection.identifier(name)
        try makeTable(conn, name, rows: 8_000)
        defer { try? conn.execute("DROP TABLE \(table)") }
        try conn.execute("DELETE FROM \(table) WHERE x::int % 3 = 0 OR id BETWEEN 'C0003000' AND 'C0004500' OR id > 'C0007600'")
        try expectSameAsOneCOPY(name)
        try conn.execute("VACUUM \(table)")
        try conn.execute("INSERT INTO \(table) SELECT 'N' || g, '2025Q1', 'refill', g, NULL FROM generate_series(1, 700) AS g")
        try expectSameAsOneCOPY(name)
    }

    /// A helper that cannot connect (here: a role allowed one connection) only costs speed: the
    /// first connection reads every range, with the same bytes.
    @Test func aHelperThatCannotConnectLeavesItsRangeToTheFirstConnection() throws {
        let conn = try connect()
        let name = uniqueName("split_limit"), role = uniqueName("hc_one")
        try makeTable(conn, name, rows: 6_000)
        try conn.execute("CREATE ROLE \(PostgresConnection.identifier(role)) LOGIN PASSWORD 'one-conn-pw' CONNECTION LIMIT 1")
        try conn.execute("GRANT SELECT ON \(PostgresConnection.identifier(name)) TO \(PostgresConnection.identifier(role))")
        defer {
            try? conn.execute("DROP TABLE \(PostgresConnection.identifier(name))")
            try? conn.execute("DROP ROLE \(PostgresConnection.identifier(role))")
        }
        var limited = try PostgresURL(url)
        limited.user = role
        limited.password = "one-conn-pw"
        let pulled = try PostgresPanelReader.pullAll(url: limited, relation: .table(name), split: Self.split(2))
        let ref = try reference("SELECT * FROM \(PostgresRelation.table(name).fromClause)")
        #expect(pulled.parts == 2)
        #expect(pulled.partsOnHelpers == 0)
        #expect(pulled.bytes == ref.bytes)
        #expect(pulled.sha256 == ref.sha256)
    }

    /// A hostile name is quoted in the ctid query and in both COPYs (nothing else runs).
    @Test func aHostileTableNameSplitsAndRunsNothingElse() throws {
        let conn = try connect()
        let name = #"x"; DROP TABLE panel; --"# + uniqueName("")
        try makeTable(conn, name, rows: 3_000)
        defer { try? conn.execute("DROP TABLE \(PostgresConnection.identifier(name))") }
        try expectSameAsOneCOPY(name)
    }

    /// What ctid ranges do not apply to is read with one COPY, with the same bytes as before.
    /// A table sharded by `healthcal load --shard-by` (HEALTHCAL_TEST_PG_CLUSTER_URL): each
    /// shard's table COPYed from its own server at once and joined in partition order gives
    /// psql's bytes of one COPY through the coordinator (pg-cluster's foreign servers are not
    /// async_capable, so its Append reads the partitions in order), and the panel the CSV gives.
    @Test(.enabled(if: InDatabaseFitTests.clusterURL != nil, "needs HEALTHCAL_TEST_PG_CLUSTER_URL (a 2-shard scripts/pg-cluster coordinator)"))
    func aShardedTableIsPulledFromItsShardsAtOnce() throws {
        let cluster = InDatabaseFitTests.clusterURL ?? ""
        let spec = try Spec.load(path: InDatabaseFitTests.notebooksData.appendingPathComponent("spec.yaml").path)
        let csv = InDatabaseFitTests.notebooksData.appendingPathComponent("panel.csv").path
        let loaded = try LoadedTestTable(csv: csv, spec: spec, url: PostgresURL(cluster), prefix: "split_sharded", shardBy: "customer_id")
        defer { loaded.drop() }
        let table = loaded.name
        let relation = PostgresRelation.table(table)
        let sharded = try PostgresPanelReader.pullAll(url: PostgresURL(cluster), relation: relation, split: Self.split(2))
        let through = try PostgresPanelReader.pullAll(url: PostgresURL(cluster), relation: relation, split: .none)
        let ref = try reference("SELECT * FROM \(relation.fromClause)", url: cluster)
        #expect(sharded.parts == 2 && sharded.partsOnHelpers == 1, "one COPY per shard, each on its own server")
        #expect(through.parts == 1)
        #expect(sharded.bytes == ref.bytes, "\(sharded.bytes.count) bytes against psql's \(ref.bytes.count)")
        #expect(through.bytes == ref.bytes)
        #expect(sharded.sha256 == ref.sha256)

        // Read as a panel: the CSV's rows (the order is the shards').
        let fromTable = try PanelLoading.load(.postgres(PostgresURL(cluster), relation), spec: spec).panel
        let fromCSV = try PanelLoading.load(path: csv, spec: spec)
        func keys(_ p: Panel) -> [String] {
            (0..<p.rowCount).map { r in "\(p.customerIDs[Int(p.customerCodes[r])])|\(p.periods[Int(p.periodOfRow[r])].label)|\(p.outcome[r])" }.sorted()
        }
        #expect(fromTable.rowCount == fromCSV.rowCount)
        #expect(keys(fromTable) == keys(fromCSV))
    }

    @Test func aQueryAViewAPartitionedTableAndAParentAreOneCOPY() throws {
        let conn = try connect()
        let base = uniqueName("split_base"), view = uniqueName("split_view"), parted = uniqueName("split_parted")
        let parent = uniqueName("split_parent")
        try makeTable(conn, base, rows: 3_000)
        // A ctid range on a parent would apply to each child's own pages and interleave them.
        try makeTable(conn, parent, rows: 2_000)
        try conn.execute("CREATE TABLE \(PostgresConnection.identifier(parent + "_child")) () INHERITS (\(PostgresConnection.identifier(parent)))")
        try conn.execute("INSERT INTO \(PostgresConnection.identifier(parent + "_child")) SELECT * FROM \(PostgresConnection.identifier(base))")
        try conn.execute("CREATE VIEW \(PostgresConnection.identifier(view)) AS SELECT * FROM \(PostgresConnection.identifier(base))")
        try conn.execute("CREATE TABLE \(PostgresConnection.identifier(parted)) (id text, x float8) PARTITION BY HASH (id)")
        for k in 0..<2 {
            try conn.execute("CREATE TABLE \(PostgresConnection.identifier(parted + "_\(k)")) PARTITION OF \(PostgresConnection.identifier(parted)) FOR VALUES WITH (MODULUS 2, REMAINDER \(k))")
        }
        try conn.execute("INSERT INTO \(PostgresConnection.identifier(parted)) SELECT id, x FROM \(PostgresConnection.identifier(base))")
        defer {
            try? conn.execute("DROP VIEW \(PostgresConnection.identifier(view))")
            try? conn.execute("DROP TABLE \(PostgresConnection.identifier(base)), \(PostgresConnection.identifier(parted)), \(PostgresConnection.identifier(parent)) CASCADE")
        }
        let query = "SELECT id, x FROM \(PostgresConnection.identifier(base)) WHERE y IS NOT NULL"
        for relation in [PostgresRelation.table(view), .table(parted), .table(parent), .query(query)] {
            #expect(try CopySplit.heapPages(conn, relation: relation) == nil)
            let pulled = try PostgresPanelReader.pullAll(url: PostgresURL(url), relation: relation, split: Self.split(2))
            let ref = try reference("SELECT * FROM \(relation.fromClause)")
            #expect(pulled.parts == 1, "\(relation)")
            #expect(pulled.bytes == ref.bytes, "\(relation)")
            #expect(pulled.sha256 == ref.sha256, "\(relation)")
        }
    }

    /// Either connection's backend terminated mid-COPY (pg_terminate_backend from another
    /// connection) fails the whole pull with the server-gone error, never a partial result.
    @Test(arguments: ["first", "second"])
    func aConnectionLostMidPullFailsThePull(which: String) throws {
        let conn = try connect()
        let name = uniqueName("split_gone")
        let table = PostgresConnection.identifier(name)
        try conn.execute("CREATE TABLE \(table) AS SELECT g AS id, g * 0.5 AS x, md5(g::text) AS h FROM generate_series(1, 1500000) AS g")
        defer { try? conn.execute("DROP TABLE \(table)") }
        // The first range (the first connection's) has only an upper bound; the second (the
        // helper connection's) only a lower one.
        let pattern = which == "first" ? "%ctid < %" : "%ctid >= %"
        let outcome = Outcome()
        let pulling = Thread {
            do {
                let pulled = try PostgresPanelReader.pullAll(url: PostgresURL(url), relation: .table(name), split: Self.split(2))
                outcome.set(.success(pulled.bytes.count))
            } catch { outcome.set(.failure(error)) }
        }
        pulling.start()
        var terminated = false
        for _ in 0..<2_000 where !terminated && outcome.value == nil {
            let n = try conn.query("""
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                 WHERE query LIKE 'COPY%' AND query LIKE $1 AND query LIKE $2 AND pid <> pg_backend_pid()
                """, [pattern, "%\(name)%"])
            terminated = n.first?.first == "1"
            if !terminated { Thread.sleep(forTimeInterval: 0.005) }
        }
        while outcome.value == nil { Thread.sleep(forTimeInterval: 0.01) }
        #expect(terminated, "the \(which) COPY ended before it could be terminated")
        switch outcome.value {
        case .failure(let error as DatabaseError):
            #expect(error.kind == .serverGone, "\(error)")
            #expect(error.message.contains("lost the connection"), "\(error)")
            // The test server's password is also its user's and database's name: look for it as a URL's.
            if let password = try PostgresURL(url).password { #expect(!error.message.contains(":\(password)@")) }
        default:
            Issue.record("expected the pull to fail, got \(String(describing: outcome.value))")
        }
    }

    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Result<Int, Error>?
        func set(_ r: Result<Int, Error>) { lock.withLock { stored = r } }
        var value: Result<Int, Error>? { lock.withLock { stored } }
    }
}

/// A problem's line named from the parsed table (so the pulled text can be released before the
/// panel is built) gives what reading the line's leading fields from the text gives.
@Suite struct RowLocatorTests {
    @Test func theTableNamesEveryLineAsTheTextDoes() throws {
        let text = "id,period,x\nC1,2024Q1,1\n\"C,2\",2024Q2,2\n\"C\n3\",\"2024\nQ3\",3\nC4,,4\n,2024Q4,5\n"
        let bytes = Array(text.utf8)
        var options = CSVOptions(columnKinds: ["id": .text, "period": .text])
        options.threads = 1
        let table = try CSVReader.read(bytes: bytes, source: "t", options: options)
        #expect(!table.rowLines.isEmpty, "a quoted line break must make the row lines explicit")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        var named = 0
        for line in 2...lines {
            let fromText = RowLocator.leadingFields(of: bytes, line: line, count: 2)
            let fromTable = RowLocator.leadingFields(of: table, line: line, count: 2)
            // Lines inside a quoted field start no row: the table names nothing there.
            if (0..<table.rowCount).contains(where: { table.line(ofRow: $0) == line }) {
                #expect(fromTable == fromText, "line \(line)")
                named += 1
            } else {
                #expect(fromTable == nil, "line \(line)")
            }
        }
        #expect(named == table.rowCount)
        #expect(RowLocator.leadingFields(of: table, line: 4, count: 2) == ["C\n3", "2024\nQ3"])
    }
}
