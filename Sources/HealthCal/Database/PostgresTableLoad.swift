/// `healthcal load`: a panel CSV into a new PostgreSQL table, typed from the spec, in one
/// transaction; optionally hash-partitioned across a `scripts/pg-cluster` coordinator's shards.
///
/// Types: id, period, segment and categorical features `text`; numeric features, the weight
/// and the gate `double precision`; the outcome `integer` (0/1); any other column of the file by
/// what it holds (`double precision` or `text`). The CSV is read and validated as a panel first
/// (the same reader and rules as `fit`), so a table that loads is a table that fits, and the
/// rows are written from the parsed values: missing cells become NULL, numbers keep every bit.
///
/// Sharded (`shardBy`): the coordinator gets `CREATE TABLE t (...) PARTITION BY HASH (col)` and
/// one foreign-table partition per foreign server `shard_I`; each shard gets a plain table `t`,
/// created and filled by connecting to the shard directly (host and port from the foreign
/// server, the coordinator's user and password), because COPY straight into each shard is
/// far faster than rows inserted one batch at a time through postgres_fdw. Which shard holds
/// an id is asked of the coordinator (`satisfies_hash_partition` over the distinct ids), so
/// it is PostgreSQL's own hash. All shard transactions are prepared (two-phase commit) before
/// the coordinator commits, so a failure anywhere leaves nothing behind.
public enum PostgresTableLoad {
    public struct Options: Sendable {
        public var table: String
        public var shardBy: String?
        public var force: Bool
        public init(table: String, shardBy: String? = nil, force: Bool = false) {
            self.table = table
            self.shardBy = shardBy
            self.force = force
        }
    }

    public struct Summary: Sendable, Codable {
        public var table: String
        public var rows: Int
        public var columns: Int
        /// Rows per shard, in shard order (empty when not sharded).
        public var shardRows: [Int]
        /// What this load finished of earlier sharded loads left in doubt (stopped between the
        /// shards' PREPARE and COMMIT PREPARED), one line each.
        public var finishedInDoubt: [String]
    }

    public static func run(csv path: String, spec: Spec, to url: PostgresURL, options: Options) throws -> Summary {
        let table = try CSVReader.read(path: path, options: PanelLoading.csvOptions(for: spec))
        let panel = try Panel.make(table: table, spec: spec)
        let (definitions, encoder) = try layout(table: table, panel: panel, spec: spec)
        let conn = try PostgresConnection(url)
        try conn.execute("BEGIN")
        // Two loads of one table at once: the second waits for the first to commit, then finds
        // the table (refused, or replaced with --force) instead of colliding in the catalog.
        _ = try conn.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["healthcal load " + PostgresRelation.qualified(options.table)])
        try refuseOrDrop(conn, options: options)
        let name = PostgresRelation.qualified(options.table)
        let columnsSQL = definitions.map { "\(PostgresConnection.identifier($0.name)) \($0.type)" }.joined(separator: ", ")
        var shardRows: [Int] = [], finished: [String] = []
        if let shardBy = options.shardBy {
            (shardRows, finished) = try loadSharded(conn, table: table, encoder: encoder, columnsSQL: columnsSQL, url: url,
                                        options: options, shardBy: shardBy)
        } else {
            try conn.execute("CREATE TABLE \(name) (\(columnsSQL))")
            try copy(into: conn, table: name, rows: 0..<table.rowCount, encoder: encoder)
            WritePhaseCheckpoint.reached()
            try conn.execute("COMMIT")
        }
        return Summary(table: options.table, rows: table.rowCount, columns: definitions.count, shardRows: shardRows,
                       finishedInDoubt: finished)
    }

    /// Column names and SQL types in file order, and the encoder of their cells.
    static func layout(table: Table, panel: Panel, spec: Spec) throws -> ([(name: String, type: String)], CopyRowEncoder) {
        var textRoles = Set([spec.data.id])
        if let p = spec.data.period { textRoles.insert(p) }
        if let s = spec.data.segment { textRoles.insert(s) }
        for f in spec.features where f.type == .categorical { textRoles.insert(f.name) }
        var defs: [(String, String)] = []
        var cells: [CopyRowEncoder.Cell] = []
        for (c, name) in table.names.enumerated() {
            if name == spec.data.outcome {
                defs.append((name, "integer"))
                cells.append(.integer(panel.outcome))
                continue
            }
            switch table.columns[c] {
            case .numeric(let v):
                if textRoles.contains(name) {
                    // Kinds from the spec make these text; a numeric column here is a reader bug.
                    throw DatabaseError(.query, "column \"\(name.debugEscaped)\" was read as numbers but the spec makes it text")
                }
                defs.append((name, "double precision"))
                cells.append(.number(v))
            case .text(let t):
                defs.append((name, "text"))
                cells.append(.text(t))
            }
        }
        return (defs, CopyRowEncoder(cells: cells))
    }

    static func refuseOrDrop(_ conn: PostgresConnection, options: Options) throws(DatabaseError) {
        let name = PostgresRelation.qualified(options.table)
        let exists = try conn.query("SELECT to_regclass($1) IS NOT NULL", [name]).first?.first == "t"
        guard exists else { return }
        guard options.force else {
            throw DatabaseError(.tableExists, "table \"\(options.table.debugEscaped)\" already exists in \(conn.url); give --force to replace it (in the same transaction: a failed load keeps the old table)")
        }
        try conn.execute("DROP TABLE \(name) CASCADE")
    }

    /// COPY FROM STDIN of `rows`, about 1 MiB per message.
    static func copy(into conn: PostgresConnection, table name: String, rows: some Sequence<Int>, encoder: CopyRowEncoder) throws {
        try conn.copyIn("COPY \(name) FROM STDIN (FORMAT csv)") { send in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20 + 4096)
            for r in rows {
                encoder.append(row: r, to: &buffer)
                if buffer.count >= 1 << 20 {
                    try buffer.withUnsafeBytes { try send($0) }
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try buffer.withUnsafeBytes { try send($0) }
        }
    }
}
