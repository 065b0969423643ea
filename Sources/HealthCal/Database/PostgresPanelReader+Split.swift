import Foundation

/// How a pull splits a table's COPY by pages (see `PostgresPanelReader`).
///
/// Why: one COPY is one server backend formatting every value as text on one core, which was
/// most of a pull (BENCHMARKS.md). Split by ctid ranges, each range is a TID Range Scan
/// (PostgreSQL 14+) that reads only its own pages, on its own backend and core; joined in
/// range order the text is byte for byte what one sequential scan sends, since a heap scan
/// returns a page's rows in line-pointer order and the pages in block order.
struct CopySplit: Sendable {
    /// Connections at once, the caller's included (1: one COPY, as before).
    var connections: Int
    /// Tables smaller than this are read with one COPY (a second connection costs more than it saves).
    var minimumPages: Int

    /// Both cores of a 2-core client, up to 4 on a larger one: the client receives, hashes and
    /// parses too, so more backends than its cores only queue.
    static let automatic = CopySplit(connections: min(4, max(2, ProcessInfo.processInfo.activeProcessorCount)), minimumPages: 128)
    static let none = CopySplit(connections: 1, minimumPages: .max)

    /// The `WHERE` conditions of `parts` ctid ranges covering every page of a table with `pages`
    /// pages at the snapshot: the first range open below, the last open above (so rows on pages
    /// added since, invisible to the snapshot anyway, cannot be missed), nil for a single part.
    static func ranges(pages: Int, parts: Int) -> [String?] {
        guard parts > 1 else { return [nil] }
        let cuts = (1..<parts).map { pages * $0 / parts }
        return (0..<parts).map { k in
            var conditions: [String] = []
            if k > 0 { conditions.append("ctid >= '(\(cuts[k - 1]),0)'") }
            if k < parts - 1 { conditions.append("ctid < '(\(cuts[k]),0)'") }
            return conditions.joined(separator: " AND ")
        }
    }

    /// The relation's pages when its rows can be read by ctid range on other connections: a
    /// plain table or materialized view, not temporary (other sessions cannot see it) and
    /// without inheritance children (whose rows a ctid range would interleave), on PostgreSQL 14
    /// or later (before TID Range Scans each range would read the whole table). Nil for a view,
    /// a partitioned or foreign table, or a query: those are read with one COPY.
    static func heapPages(_ conn: PostgresConnection, relation: PostgresRelation) throws(DatabaseError) -> Int? {
        guard case .table(let name) = relation else { return nil }
        let rows = try conn.query("""
            SELECT c.relkind::text, c.relpersistence::text, c.relhassubclass::text,
                   pg_relation_size(c.oid) / current_setting('block_size')::bigint,
                   current_setting('server_version_num')::int >= 140000
              FROM pg_class c WHERE c.oid = to_regclass($1)
            """, [PostgresRelation.qualified(name)])
        guard let row = rows.first, row.count == 5, row[0] == "r" || row[0] == "m", row[1] != "t", row[2] == "false",
              row[4] == "t", let pages = row[3].flatMap({ Int($0) }) else { return nil }
        return pages
    }

    /// A helper connection on the caller's exported snapshot, with the caller's session settings.
    static func helper(_ url: PostgresURL, snapshot: String) throws -> PostgresConnection {
        // The id is the server's (e.g. 00000003-0000001B-1); checked because SET takes no parameters.
        guard !snapshot.isEmpty, snapshot.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 70) }) else {
            throw DatabaseError(.query, "PostgreSQL (\(url)): unexpected snapshot id")
        }
        let conn = try PostgresPanelReader.session(url)
        try conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try conn.execute("SET TRANSACTION SNAPSHOT '\(snapshot)'")
        return conn
    }
}
