import Dispatch
import Foundation

/// The shards behind a partitioned table on a `scripts/pg-cluster` coordinator, for Newton
/// passes that run on every shard at once with only each shard's partial sums coming back.
///
/// Why not through the coordinator: postgres_fdw pushes an aggregate down only when it sits
/// directly on a foreign table; the pass's fenced subqueries (η and μ once per row) are not
/// shippable, so over the partitioned parent every row would travel to the coordinator. The
/// flat alternative that postgres_fdw would ship (one aggregate per foreign partition under a
/// UNION ALL) has to repeat η and μ inside each of the p(p+1)/2 sums. So each pass connects to
/// each shard's server (host, port and database from its foreign server, the coordinator's
/// credentials, as `healthcal load --shard-by` does) and runs the same fenced query on the
/// shard's own table; the partial sums (counts, sums) add up to the whole table's.
struct ShardedPasses {
    /// One shard: its connection (in a read-only transaction) and its rows.
    struct Part {
        let conn: PostgresConnection
        let rows: DatabaseRows
    }
    let parts: [Part]

    /// The partitions of `relation` when it is a partitioned table whose partitions are all
    /// foreign tables; nil otherwise (a plain table or view: passes run where it is).
    static func detect(_ conn: PostgresConnection, url: PostgresURL, rows: DatabaseRows) throws -> ShardedPasses? {
        guard let tables = try shardTables(conn, url: url, relation: rows.relation) else { return nil }
        var parts: [Part] = []
        for shard in tables {
            parts.append(Part(conn: try PostgresConnection.aggregateSession(shard.url), rows: rows.on(shard.relation)))
        }
        return ShardedPasses(parts: parts)
    }

    /// Each shard of `relation` when it is a partitioned table whose partitions are all foreign
    /// tables, in partition-name order: its server (host, port and database from the foreign
    /// server, the coordinator's credentials) and its own table there. nil for any other
    /// relation (a local partition would be left out).
    static func shardTables(_ conn: PostgresConnection, url: PostgresURL,
                            relation: PostgresRelation) throws -> [(url: PostgresURL, relation: PostgresRelation)]? {
        guard case .table(let name) = relation else { return nil }
        let parent = PostgresRelation.qualified(name)
        let partitioned = try conn.query("SELECT count(*) FROM pg_partitioned_table WHERE partrelid = to_regclass($1)", [parent])
        guard partitioned.first?.first == "1" else { return nil }
        let found = try conn.query("""
            SELECT (SELECT count(*) FROM pg_inherits WHERE inhparent = to_regclass($1)),
                   (SELECT option_value FROM pg_options_to_table(s.srvoptions) WHERE option_name = 'host'),
                   (SELECT option_value FROM pg_options_to_table(s.srvoptions) WHERE option_name = 'port'),
                   (SELECT option_value FROM pg_options_to_table(s.srvoptions) WHERE option_name = 'dbname'),
                   (SELECT option_value FROM pg_options_to_table(ft.ftoptions) WHERE option_name = 'schema_name'),
                   (SELECT option_value FROM pg_options_to_table(ft.ftoptions) WHERE option_name = 'table_name'),
                   c.relname
              FROM pg_inherits i
              JOIN pg_class c ON c.oid = i.inhrelid
              JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
              JOIN pg_foreign_server s ON s.oid = ft.ftserver
             WHERE i.inhparent = to_regclass($1)
             ORDER BY c.relname
            """, [parent])
        // Every partition must be foreign (a local one would be left out of the sums).
        guard let first = found.first, let total = first[0].flatMap({ Int($0) }), total == found.count else { return nil }
        return found.filter { $0.count == 7 }.map { row in
            var u = url
            u.host = (row[1] ?? nil) ?? url.host
            u.port = ((row[2] ?? nil).flatMap { Int($0) }) ?? 5432
            u.database = (row[3] ?? nil) ?? url.database
            let table = ((row[5] ?? nil) ?? (row[6] ?? nil)) ?? ""
            let remote = (row[4] ?? nil).map { "\($0).\(table)" } ?? table
            return (u, .table(remote))
        }
    }

    /// The same shards, each on its sample (`DatabaseRows.sample(every:)`).
    func sample(every: Int) -> ShardedPasses {
        ShardedPasses(parts: parts.map { Part(conn: $0.conn, rows: $0.rows.sample(every: every)) })
    }

    /// The same shards, each on `rows`' predicate (a backtest fold's periods).
    func on(_ rows: DatabaseRows) -> ShardedPasses {
        ShardedPasses(parts: parts.map { Part(conn: $0.conn, rows: rows.on($0.rows.relation)) })
    }

    /// Runs `sql(part.rows)` (one float8 array) with the part's parameters plus `extra` on every
    /// shard at once and adds the arrays element by element.
    func sum(_ sql: (DatabaseRows) -> String, extra: [String?]) throws -> [Double] {
        let arrays = try each { _, part in
            InDatabaseObjective.elements((try part.conn.query(sql(part.rows), part.rows.parameters + extra).first?.first ?? nil) ?? "{}")
        }
        var total: [Double] = []
        for values in arrays {
            // A shard without rows in the predicate sums to NULL: it adds nothing (element 1 is count(*)).
            if values.count > 1, values[1] == 0 { continue }
            if total.isEmpty { total = values } else { for j in total.indices where j < values.count { total[j] += values[j] } }
        }
        return total
    }

    /// `body(k, parts[k])` on every shard at once (one thread per shard, each on its own
    /// connection), the results in the shards' order; the first shard's error, if any, is thrown.
    func each<T>(_ body: (Int, Part) throws -> T) throws -> [T] {
        let results = Results<T>(count: parts.count)
        let box = Box(parts)
        withoutActuallyEscaping(body) { body in
            let call = Unchecked(body)
            DispatchQueue.concurrentPerform(iterations: parts.count) { k in
                results.set(k, Result { try call.value(k, box.parts[k]) })
            }
        }
        return try results.values.map { try ($0 ?? .failure(DatabaseError(.query, "a shard returned nothing"))).get() }
    }

    func commit() throws {
        for part in parts { try part.conn.execute("COMMIT") }
    }

    /// Each shard's connection is used by one iteration only.
    private final class Box: @unchecked Sendable {
        let parts: [Part]
        init(_ parts: [Part]) { self.parts = parts }
    }

    /// `each`'s body, called from the shards' threads: it reads only what it was given and its
    /// own shard's connection.
    private struct Unchecked<F>: @unchecked Sendable {
        let value: F
        init(_ value: F) { self.value = value }
    }

    /// Written by every shard's iteration: each write takes the lock (two threads writing
    /// different elements of one array race on the array itself; the thread sanitizer found it).
    private final class Results<T>: @unchecked Sendable {
        private var stored: [Result<T, Error>?]
        private let lock = NSLock()
        init(count: Int) { stored = Array(repeating: nil, count: count) }
        func set(_ k: Int, _ r: Result<T, Error>) { lock.withLock { stored[k] = r } }
        var values: [Result<T, Error>?] { lock.withLock { stored } }
    }
}
