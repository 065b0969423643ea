/// Pulls the spec's columns of a table or query as CSV text, for the one CSV parser.
///
/// One read-only, repeatable-read transaction: the column check and the COPY see the same
/// snapshot and nothing can be written. Rows are streamed with
/// `COPY (SELECT <spec columns> FROM <relation>) TO STDOUT (FORMAT csv, HEADER)`; the session
/// asks for shortest round-trip float text (`extra_float_digits = 1`), ISO dates and no
/// synchronized scans (so a table's rows come in storage order, which for a table written by
/// `healthcal load` is the CSV's row order, and weight files match byte for byte).
///
/// A plain table is read on two connections at once (more on a larger client), each COPYing a
/// range of its pages (`WHERE ctid >= '(a,0)' AND ctid < '(b,0)'`) under one snapshot, exported
/// by the first connection and imported by the others, and the ranges are joined in page order:
/// the same bytes as one COPY, in about half the server's time (`CopySplit`,
/// `PostgresParallelCopy`). A table sharded over postgres_fdw is read from its shards at once
/// (`pullShards`). A query, a view, another partitioned table, a foreign or temporary table,
/// and a pull ordered by keys keep the single COPY: ctid ranges do not apply to them.
///
/// The input fingerprint of a database source is the SHA-256 of exactly these bytes: the
/// header line and the rows as PostgreSQL's CSV (docs/database.md).
enum PostgresPanelReader {
    struct Pulled {
        var bytes: [UInt8]
        var sha256: String
        /// How many COPYs the rows came in (1 unless the table's pages were split), and how many
        /// of them ran on a connection other than the first.
        var parts = 1
        var partsOnHelpers = 0
    }

    /// The spec's columns, checked.
    static func pull(url: PostgresURL, relation: PostgresRelation, spec: Spec, outcome: Bool = true,
                     orderedByKeys: Bool = false, split: CopySplit = .automatic) throws -> Pulled {
        // Bytewise (COLLATE "C"), so the order does not depend on the database's locale.
        let keys = ([spec.data.id] + (spec.data.period.map { [$0] } ?? [])).map {
            "CAST(\(PostgresConnection.identifier($0)) AS TEXT) COLLATE \"C\""
        }
        return try pull(url: url, relation: relation, orderBy: orderedByKeys ? keys.joined(separator: ", ") : nil, split: split) { conn in
            try selectList(conn, relation: relation, spec: spec, outcome: outcome)
        }
    }

    /// Every column, as a CSV export of the relation would hold them (for `init` and
    /// `evaluate`, which have no spec).
    static func pullAll(url: PostgresURL, relation: PostgresRelation, split: CopySplit = .automatic) throws -> Pulled {
        try pull(url: url, relation: relation, split: split) { conn in
            _ = try describe(conn, relation: relation)
            return "*"
        }
    }

    static func pull(url: PostgresURL, relation: PostgresRelation, orderBy: String? = nil, split: CopySplit = .automatic,
                     select: (PostgresConnection) throws -> String) throws -> Pulled {
        let conn = try session(url)
        try conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        let select = try select(conn)
        if orderBy == nil, split.connections > 1, let shards = try ShardedPasses.shardTables(conn, url: url, relation: relation),
           !shards.isEmpty {
            let pulled = try pullShards(shards, select: select)
            try conn.execute("COMMIT")
            return pulled
        }
        var ranges: [String?] = [nil]
        var snapshot = ""
        if orderBy == nil, split.connections > 1, let pages = try CopySplit.heapPages(conn, relation: relation),
           pages >= split.minimumPages {
            snapshot = try conn.query("SELECT pg_export_snapshot()").first?.first.flatMap { $0 } ?? ""
            ranges = CopySplit.ranges(pages: pages, parts: split.connections)
        }
        let order = orderBy.map { " ORDER BY \($0)" } ?? ""
        let statements = ranges.enumerated().map { k, range in
            "COPY (SELECT \(select) FROM \(relation.fromClause)\(range.map { " WHERE \($0)" } ?? "")\(order)) TO STDOUT (FORMAT csv\(k == 0 ? ", HEADER" : ""))"
        }
        let copied = try PostgresParallelCopy.run(statements, on: conn) { [snapshot] _ in
            try CopySplit.helper(url, snapshot: snapshot)
        }
        try conn.execute("COMMIT")
        var pulled = joined(copied.parts)
        pulled.parts = copied.parts.count
        pulled.partsOnHelpers = copied.onHelpers
        return pulled
    }

    /// A table sharded over postgres_fdw (`healthcal load --shard-by`): each shard's own table
    /// COPYed from its own server, all at once, joined in partition order, instead of every row
    /// crossing the coordinator (two hops: 18–19 s for the 1M bench panel, BENCHMARKS.md). The
    /// columns were checked on the coordinator. Each shard reads under its own repeatable-read
    /// snapshot, as the coordinator's foreign scans would; the header comes with the first. The
    /// bytes are those of one COPY through the coordinator when its Append reads the partitions
    /// in name order, one after the other (postgres_fdw servers without `async_capable`; tested).
    static func pullShards(_ shards: [(url: PostgresURL, relation: PostgresRelation)], select: String) throws -> Pulled {
        let urls = shards.map(\.url)
        let statements = shards.enumerated().map { k, shard in
            "COPY (SELECT \(select) FROM \(shard.relation.fromClause)) TO STDOUT (FORMAT csv\(k == 0 ? ", HEADER" : ""))"
        }
        let first = try shardSession(urls[0])
        let copied = try PostgresParallelCopy.run(statements, on: first, helpersRequired: true) { k in try shardSession(urls[k]) }
        try first.execute("COMMIT")
        var pulled = joined(copied.parts)
        pulled.parts = copied.parts.count
        pulled.partsOnHelpers = copied.onHelpers
        return pulled
    }

    /// A shard's connection for `pullShards`: the pull's settings, in a read-only transaction.
    static func shardSession(_ url: PostgresURL) throws -> PostgresConnection {
        let conn = try session(url)
        try conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return conn
    }

    /// A connection with the pull's session settings (see the type's comment).
    static func session(_ url: PostgresURL) throws(DatabaseError) -> PostgresConnection {
        let conn = try PostgresConnection(url)
        try conn.execute("SET extra_float_digits = 1")
        try conn.execute("SET DateStyle = ISO")
        try conn.execute("SET synchronize_seqscans = off")
        return conn
    }

    /// The parts' chunks in order as one array of exactly their size (no doubling as it grows),
    /// hashed on the way; each chunk is released once copied.
    static func joined(_ parts: [PostgresParallelCopy.Chunks]) -> Pulled {
        var parts = parts
        let total = parts.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        var hasher = Fingerprint.Hasher()
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            var at = 0
            for i in parts.indices {
                for j in parts[i].indices {
                    parts[i][j].withUnsafeBytes { chunk in
                        hasher.update(chunk)
                        UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[at..<(at + chunk.count)])).copyMemory(from: chunk)
                        at += chunk.count
                    }
                    parts[i][j] = []
                }
            }
            count = at
        }
        return Pulled(bytes: bytes, sha256: hasher.finalize())
    }

    /// The checked select list: every spec column present, with a type its role accepts.
    static func selectList(_ conn: PostgresConnection, relation: PostgresRelation, spec: Spec, outcome: Bool = true) throws(DatabaseError) -> String {
        let described = try describe(conn, relation: relation)
        let columns = PostgresColumnCheck.columns(of: spec).filter { column in
            outcome || column.name != spec.data.outcome || described.contains { $0.name.utf8.elementsEqual(column.name.utf8) }
        }
        return try checked(columns, described: described, relation: relation, namedBy: "the spec").joined(separator: ", ")
    }

    /// The select-list expression of each column (`PostgresColumnCheck.expression`), or the
    /// error naming the first column missing from `described` (with `namedBy`: who asks for it)
    /// or of the wrong type.
    static func checked(_ columns: [(name: String, role: PostgresColumnCheck.Role)], described: [(name: String, type: UInt32)],
                        relation: PostgresRelation, namedBy: String) throws(DatabaseError) -> [String] {
        var exprs: [String] = []
        for (name, role) in columns {
            guard let column = described.first(where: { $0.name.utf8.elementsEqual(name.utf8) }) else {
                let near = EditDistance.closest(to: name, in: described.map(\.name))
                let hint = near.map { "; did you mean \"\($0.debugEscaped)\"?" } ?? ""
                throw DatabaseError(.missingColumn, "\(relation) has no column \"\(name.debugEscaped)\", which \(namedBy) names\(hint) (it has: \(described.map { "\"\($0.name.debugEscaped)\"" }.prefix(40).joined(separator: ", ")))")
            }
            switch PostgresColumnCheck.expression(column: name, type: column.type, role: role, relation: relation) {
            case .success(let e): exprs.append(e)
            case .failure(let e): throw e
            }
        }
        return exprs
    }

    /// The relation's columns and types, without running it; a missing table said plainly.
    static func describe(_ conn: PostgresConnection, relation: PostgresRelation) throws(DatabaseError) -> [(name: String, type: UInt32)] {
        do {
            return try conn.describe("SELECT * FROM \(relation.fromClause)")
        } catch where error.kind == .missingTable {
            throw DatabaseError(.missingTable, "\(relation) does not exist in \(conn.url) (names are case-sensitive; give SCHEMA.NAME if it is not on the search_path): \(error.message)", sqlState: error.sqlState)
        }
    }
}
