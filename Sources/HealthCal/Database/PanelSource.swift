import Foundation

/// Where a panel is read from: a CSV file, or a PostgreSQL table or query.
public enum PanelSource: Sendable, CustomStringConvertible {
    case csv(path: String)
    case postgres(PostgresURL, PostgresRelation)

    /// From the CLI's `--data`, `--table` and `--query`: a `postgresql://` URL needs exactly
    /// one of `--table` and `--query`; a path takes neither.
    public init(data: String, table: String?, query: String?) throws(DatabaseError) {
        guard PostgresURL.looksLikeURL(data) else {
            if table != nil || query != nil {
                throw DatabaseError(.invalidURL, "--table and --query read from a database: give --data postgresql://USER@HOST:PORT/DB (\(data) is a file path)")
            }
            self = .csv(path: data)
            return
        }
        let url = try PostgresURL(data)
        switch (table, query) {
        case (let t?, nil): self = .postgres(url, .table(t))
        case (nil, let q?): self = .postgres(url, .query(q))
        case (nil, nil): throw DatabaseError(.invalidURL, "--data \(url) is a database: name the rows with --table NAME or --query 'SELECT ...'")
        case (_?, _?): throw DatabaseError(.invalidURL, "give either --table or --query, not both")
        }
    }

    /// The path, or `postgresql://USER@HOST:PORT/DB table "NAME"` (never a password).
    public var description: String {
        switch self {
        case .csv(let path): return path
        case .postgres(let url, let relation): return "\(url) \(relation)"
        }
    }

    /// How a report's footer names it: the file's name, or `HOST:PORT/DB table "NAME"`.
    public var shortName: String {
        switch self {
        case .csv(let path): return URL(fileURLWithPath: path).lastPathComponent
        case .postgres(let url, let relation): return "\(url.host):\(url.port)/\(url.database) \(relation)"
        }
    }

    /// What a weight file records about a database source (nil for a CSV file, whose weight
    /// file is unchanged): host, port, database and table, or "query"; never user or password.
    public var recorded: WeightFile.DataSource? {
        guard case .postgres(let url, let relation) = self else { return nil }
        var table: String? = nil
        if case .table(let name) = relation { table = name }
        return WeightFile.DataSource(kind: "postgresql", host: url.host, port: url.port, database: url.database,
                                     table: table, query: table == nil ? true : nil)
    }
}

/// Which rows of a database: a table (or view), or a read-only SELECT.
public enum PostgresRelation: Sendable, Equatable, CustomStringConvertible {
    /// `NAME` or `SCHEMA.NAME`, matched exactly (case-sensitive, no folding); a name that itself
    /// contains a dot or a double quote is taken whole.
    case table(String)
    case query(String)

    /// The SQL for the relation in a FROM clause, every identifier quoted.
    var fromClause: String {
        switch self {
        case .table(let name): return Self.qualified(name)
        case .query(let sql): return "(\(Self.trimmed(sql))) AS hc_query"
        }
    }

    /// How problems name it: `table "panel"` or `query`.
    public var description: String {
        switch self {
        case .table(let name): return "table \"\(name.debugEscaped)\""
        case .query: return "query"
        }
    }

    static func qualified(_ name: String) -> String {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 2, !name.contains("\""), !parts[0].isEmpty, !parts[1].isEmpty {
            return PostgresConnection.identifier(String(parts[0])) + "." + PostgresConnection.identifier(String(parts[1]))
        }
        return PostgresConnection.identifier(name)
    }

    /// The query without trailing semicolons and spaces (what people type after a SELECT).
    static func trimmed(_ sql: String) -> String {
        var s = Substring(sql)
        while let last = s.last, last == ";" || last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
