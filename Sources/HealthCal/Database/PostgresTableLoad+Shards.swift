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
                            url: PostgresURL, options: Options, shardBy: String) throws -> (rows: [Int], finished: [String]) {
        guard let c = table.names.firstIndex(where: { $0.utf8.elementsEqual(shardBy.utf8) }) else {
            throw DatabaseError(.missingColumn, "--shard-by \"\(shardBy.debugEscaped)\" is not a column of the file (columns: \(table.names.joined(separator: ", ")))")
        }
        guard case .text(let key) = table.columns[c] else {
            throw DatabaseError(.columnType, "--shard-by \"\(shardBy.debugEscaped)\" must be a text column (the spec's id, as a rule), so a customer's history stays on one shard")
        }
        let shards = try foreignShards(conn, url: url)
        let prefix = try inDoubtPrefix(conn)
        let finished = try finishInDoubt(conn, shards: shards, prefix: prefix)
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
        // off, committed) only after every shard has its rows. A prepared transaction is named
        // for the coordinator's transaction, so a load stopped between PREPARE and COMMIT
        // PREPARED is finished by the next one from the coordinator's commit log.
        guard let xid = (try conn.query("SELECT txid_current()").first?.first ?? nil) else {
            throw DatabaseError(.query, "the coordinator returned no transaction id")
        }
        // A failure before PREPARE closes the connections, which rolls every shard back.
        var open: [(PostgresConnection, gid: String?)] = []
        for (i, shard) in shards.enumerated() {
            let s = try PostgresConnection(shard.url)
            let twoPhase = (try s.query("SHOW max_prepared_transactions").first?.first ?? nil).flatMap { Int($0) } ?? 0 > 0
            try s.execute("BEGIN")
            open.append((s, twoPhase ? "\(prefix)\(xid)_\(i)" : nil))
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
        // From the first PREPARE to the last COMMIT PREPARED, a signal's cleanup waits: Ctrl-C
        // there leaves the load finished, not in doubt (a SIGKILL or a lost server still can).
        try TemporaryFiles.shared.inside { () throws -> Void in
            do {
                for (s, gid) in open { if let gid { try s.execute("PREPARE TRANSACTION \(SQLExport.literal(gid))") } }
            } catch {
                for (s, gid) in open { if let gid { try? s.execute("ROLLBACK PREPARED \(SQLExport.literal(gid))") } }
                throw error
            }
            WritePhaseCheckpoint.reached()
            do {
                // A shard without prepared transactions commits here: a failure from now to the
                // coordinator's commit leaves its table behind (docs/database.md).
                for (s, gid) in open where gid == nil { try s.execute("COMMIT") }
                try conn.execute("COMMIT")
            } catch {
                // A commit that failed may still have happened (the reply lost): the
                // coordinator's log says, asked afresh; unknown, the parts stay prepared.
                let status = (try? PostgresConnection(url).query("SELECT txid_status($1::bigint)", [xid]).first?.first) ?? nil
                if status == "aborted" {
                    for (s, gid) in open { if let gid { try? s.execute("ROLLBACK PREPARED \(SQLExport.literal(gid))") } }
                    throw error
                }
                guard status == "committed" else {
                    throw DatabaseError(.connection, "the coordinator's commit of table \"\(options.table.debugEscaped)\" failed and its outcome is unknown (\(error)); the shards' parts stay prepared, and the next `healthcal load --shard-by` to this coordinator commits or rolls them back as the coordinator did")
                }
            }
            WritePhaseCheckpoint.reached()
            var unfinished: [String] = []
            for ((s, gid), shard) in zip(open, shards) {
                guard let gid else { continue }
                do { try s.execute("COMMIT PREPARED \(SQLExport.literal(gid))") } catch {
                    // Another load's `finishInDoubt` may have committed it first (the
                    // coordinator had): then it is no longer prepared, and all is done.
                    let gone = (try? s.query("SELECT count(*) FROM pg_prepared_xacts WHERE gid = $1", [gid]).first?.first) == "0"
                    if !gone { unfinished.append("\(shard.server) (prepared transaction \(SQLExport.literal(gid))): \(error)") }
                }
            }
            guard unfinished.isEmpty else {
                throw DatabaseError(.connection, "table \"\(options.table.debugEscaped)\" is committed on the coordinator, but not yet on \(unfinished.joined(separator: "; ")); the next `healthcal load --shard-by` to this coordinator commits that part (or run COMMIT PREPARED on the shard)")
            }
        }
        return (rowsOf.map(\.count), finished)
    }

    /// The start of the prepared transactions' names of loads through this coordinator:
    /// `healthcal_load_<key>_`, the key naming the coordinator's database (its name, oid and
    /// port, hashed), so that shards shared by two coordinators never see one's transactions
    /// taken for the other's. The name then carries the coordinator's transaction id
    /// (`txid_current()`) and the shard's number.
    static func inDoubtPrefix(_ conn: PostgresConnection) throws -> String {
        let id = try conn.query("SELECT current_database() || '/' || (SELECT oid FROM pg_database WHERE datname = current_database()) || '/' || current_setting('port')")
        let key = Fingerprint.sha256(Array(((id.first?.first ?? nil) ?? "").utf8)).prefix(12)
        return "healthcal_load_\(key)_"
    }

    /// Finishes what an earlier load through this coordinator left prepared on a shard (stopped
    /// between PREPARE and COMMIT PREPARED: SIGKILL, a crash, a server that went away): the
    /// coordinator's transaction named in it decides (`txid_status`): committed, the shard's part
    /// is committed; aborted, rolled back; still in progress (another load at this moment) or
    /// unknown, left alone. Returns one line per transaction finished.
    static func finishInDoubt(_ conn: PostgresConnection, shards: [Shard], prefix: String) throws -> [String] {
        var finished: [String] = []
        for shard in shards {
            let s = try PostgresConnection(shard.url)
            let prepared = try s.query("SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND starts_with(gid, $1) ORDER BY gid", [prefix])
            for row in prepared {
                guard let gid = row.first ?? nil, let xid = gid.dropFirst(prefix.count).split(separator: "_").first.flatMap({ Int64($0) }) else { continue }
                let status = try conn.query("SELECT txid_status($1::bigint)", [String(xid)]).first?.first ?? nil
                switch status {
                case "committed":
                    try s.execute("COMMIT PREPARED \(SQLExport.literal(gid))")
                    finished.append("committed \(shard.server)'s part of an earlier load left in doubt (prepared transaction \(gid); the coordinator had committed it)")
                case "aborted":
                    try s.execute("ROLLBACK PREPARED \(SQLExport.literal(gid))")
                    finished.append("rolled back \(shard.server)'s part of an earlier load left in doubt (prepared transaction \(gid); the coordinator had not committed it)")
                default:
                    continue
                }
            }
        }
        return finished
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
