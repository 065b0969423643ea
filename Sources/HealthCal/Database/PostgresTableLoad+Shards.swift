import Foundation

extension PostgresTableLoad {
    /// A foreign server `shard_I` of the coordinator, and where it listens.
    struct Shard {
        var server: String
        var url: PostgresURL
    }

    /// The coordinator's side in its open transaction (parent table, foreign partitions), each
    /// shard's table filled over its own connection, then the two-phase commit. Returns the
    /// rows per shard.
    static func loadSharded(_ conn: PostgresConnection, table: Table, encoder: CopyRowEncoder, columnsSQL: String,
                            url: PostgresURL, options: Options, shardBy: String) throws -> [Int] {
        guard let c = table.names.firstIndex(where: { $0.utf8.elementsEqual(shardBy.utf8) }) else {
            throw DatabaseError(.missingColumn, "--shard-by \"\(shardBy.debugEscaped)\" is not a column of the file (columns: \(table.names.joined(separator: ", ")))")
        }
        guard case .text(let key) = table.columns[c] else {
            throw DatabaseError(.columnType, "--shard-by \"\(shardBy.debugEscaped)\" must be a text column (the spec's id, as a rule), so a customer's history stays on one shard")
        }
        let shards = try foreignShards(conn, url: url)
        let name = PostgresRelation.qualified(options.table)
        let (schema, base) = Self.split(options.table)
        try conn.execute("CREATE TABLE \(name) (\(columnsSQL)) PARTITION BY HASH (\(PostgresConnection.identifier(shardBy)))")
        for (i, shard) in shards.enumerated() {
            let partition = (schema.map { PostgresConnection.identifier($0) + "." } ?? "") + PostgresConnection.identifier("\(base)_shard_\(i)")
            try conn.execute("""
                CREATE FOREIGN TABLE \(partition) PARTITION OF \(name)
                  FOR VALUES WITH (MODULUS \(shards.count), REMAINDER \(i))
                  SERVER \(PostgresConnection.identifier(shard.server)) OPTIONS (table_name \(SQLExport.literal(base)))
                """)
        }
        // PostgreSQL's own hash decides each id's shard: ask it once per distinct id.
        var shardOfLevel = [Int](repeating: 0, count: key.levels.count)
        let array = "{" + key.levels.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"
        for i in 1..<max(shards.count, 1) {
            let rows = try conn.query("""
                SELECT u.i - 1 FROM unnest($1::text[]) WITH ORDINALITY AS u(v, i)
                 WHERE satisfies_hash_partition($2::regclass, $3::int, $4::int, u.v)
                """, [array, name, String(shards.count), String(i)])
            for row in rows { if let s = row.first ?? nil, let level = Int(s) { shardOfLevel[level] = i } }
        }
        var rowsOf = [[Int]](repeating: [], count: shards.count)
        for r in 0..<table.rowCount {
            let code = key.codes[r]
            rowsOf[code < 0 ? 0 : shardOfLevel[Int(code)]].append(r)
        }

        // Each shard in its own transaction, prepared (or, where prepared transactions are
        // off, committed) only after every shard has its rows.
        var open: [(PostgresConnection, gid: String?)] = []
        let stamp = "healthcal_load_\(ProcessInfo.processInfo.processIdentifier)_\(Int(Date().timeIntervalSince1970 * 1000))"
        do {
            for (i, shard) in shards.enumerated() {
                let s = try PostgresConnection(shard.url)
                let twoPhase = (try s.query("SHOW max_prepared_transactions").first?.first ?? nil).flatMap { Int($0) } ?? 0 > 0
                try s.execute("BEGIN")
                open.append((s, twoPhase ? "\(stamp)_\(i)" : nil))
                let exists = try s.query("SELECT to_regclass($1) IS NOT NULL", [name]).first?.first == "t"
                if exists {
                    guard options.force else {
                        throw DatabaseError(.tableExists, "table \"\(options.table.debugEscaped)\" already exists on \(shard.server) (\(shard.url)); give --force to replace it")
                    }
                    try s.execute("DROP TABLE \(name)")
                }
                try s.execute("CREATE TABLE \(name) (\(columnsSQL))")
                try copy(into: s, table: name, rows: rowsOf[i], encoder: encoder)
            }
            for (s, gid) in open { if let gid { try s.execute("PREPARE TRANSACTION \(SQLExport.literal(gid))") } }
        } catch {
            for (s, gid) in open {
                if let gid { try? s.execute("ROLLBACK PREPARED \(SQLExport.literal(gid))") }
            }
            throw error
        }
        do {
            try conn.execute("COMMIT")
        } catch {
            for (s, gid) in open { if let gid { try? s.execute("ROLLBACK PREPARED \(SQLExport.literal(gid))") } }
            throw error
        }
        for (s, gid) in open {
            if let gid { try s.execute("COMMIT PREPARED \(SQLExport.literal(gid))") } else { try s.execute("COMMIT") }
        }
        return rowsOf.map(\.count)
    }

    /// The coordinator's foreign servers named `shard_I`, in order of I, with host, port and
    /// database from their options and the coordinator's user and password.
    static func foreignShards(_ conn: PostgresConnection, url: PostgresURL) throws(DatabaseError) -> [Shard] {
        let rows = try conn.query("""
            SELECT s.srvname,
                   (SELECT option_value FROM pg_options_to_table(s.srvoptions) WHERE option_name = 'host'),
                   (SELECT option_value FROM pg_options_to_table(s.srvoptions) WHERE option_name = 'port'),
                   (SELECT option_value FROM pg_options_to_table(s.srvoptions) WHERE option_name = 'dbname')
              FROM pg_foreign_server s
             WHERE s.srvname ~ '^shard_[0-9]+$'
             ORDER BY substr(s.srvname, 7)::int
            """)
        guard !rows.isEmpty else {
            throw DatabaseError(.query, "--shard-by needs a coordinator with postgres_fdw servers shard_0, shard_1, ... (scripts/pg-cluster start DIR --shards N); \(url) has none")
        }
        return rows.map { row in
            var u = url
            u.host = (row[1] ?? nil) ?? url.host
            u.port = ((row[2] ?? nil).flatMap { Int($0) }) ?? 5432
            u.database = (row[3] ?? nil) ?? url.database
            return Shard(server: (row[0] ?? nil) ?? "", url: u)
        }
    }

    /// `SCHEMA.NAME` as (schema, name), as `PostgresRelation.qualified` reads it.
    static func split(_ table: String) -> (String?, String) {
        let parts = table.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 2, !table.contains("\""), !parts[0].isEmpty, !parts[1].isEmpty { return (String(parts[0]), String(parts[1])) }
        return (nil, table)
    }
}
