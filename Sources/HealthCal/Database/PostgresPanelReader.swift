/// Pulls the spec's columns of a table or query as CSV text, for the one CSV parser.
///
/// One read-only, repeatable-read transaction: the column check and the COPY see the same
/// snapshot and nothing can be written. Rows are streamed with
/// `COPY (SELECT <spec columns> FROM <relation>) TO STDOUT (FORMAT csv, HEADER)`; the session
/// asks for shortest round-trip float text (`extra_float_digits = 1`), ISO dates and no
/// synchronized scans (so a table's rows come in storage order, which for a table written by
/// `healthcal load` is the CSV's row order, and weight files match byte for byte).
///
/// The input fingerprint of a database source is the SHA-256 of exactly these bytes: the
/// header line and the rows as PostgreSQL's CSV (docs/database.md).
enum PostgresPanelReader {
    struct Pulled {
        var bytes: [UInt8]
        var sha256: String
    }

    /// The spec's columns, checked.
    static func pull(url: PostgresURL, relation: PostgresRelation, spec: Spec, outcome: Bool = true,
                     orderedByKeys: Bool = false) throws -> Pulled {
        // Bytewise (COLLATE "C"), so the order does not depend on the database's locale.
        let keys = ([spec.data.id] + (spec.data.period.map { [$0] } ?? [])).map {
            "CAST(\(PostgresConnection.identifier($0)) AS TEXT) COLLATE \"C\""
        }
        return try pull(url: url, relation: relation, orderBy: orderedByKeys ? keys.joined(separator: ", ") : nil) { conn in
            try selectList(conn, relation: relation, spec: spec, outcome: outcome)
        }
    }

    /// Every column, as a CSV export of the relation would hold them (for `init` and
    /// `evaluate`, which have no spec).
    static func pullAll(url: PostgresURL, relation: PostgresRelation) throws -> Pulled {
        try pull(url: url, relation: relation) { conn in
            _ = try describe(conn, relation: relation)
            return "*"
        }
    }

    static func pull(url: PostgresURL, relation: PostgresRelation, orderBy: String? = nil,
                     select: (PostgresConnection) throws -> String) throws -> Pulled {
        let conn = try PostgresConnection(url)
        try conn.execute("SET extra_float_digits = 1")
        try conn.execute("SET DateStyle = ISO")
        try conn.execute("SET synchronize_seqscans = off")
        try conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        let select = try select(conn)
        var bytes: [UInt8] = []
        var hasher = Fingerprint.Hasher()
        let order = orderBy.map { " ORDER BY \($0)" } ?? ""
        try conn.copyOut("COPY (SELECT \(select) FROM \(relation.fromClause)\(order)) TO STDOUT (FORMAT csv, HEADER)") { chunk in
            hasher.update(chunk)
            bytes.append(contentsOf: chunk)
        }
        try conn.execute("COMMIT")
        return Pulled(bytes: bytes, sha256: hasher.finalize())
    }

    /// The checked select list: every spec column present, with a type its role accepts.
    static func selectList(_ conn: PostgresConnection, relation: PostgresRelation, spec: Spec, outcome: Bool = true) throws(DatabaseError) -> String {
        let described = try describe(conn, relation: relation)
        var exprs: [String] = []
        for (name, role) in PostgresColumnCheck.columns(of: spec) {
            let found = described.first(where: { $0.name.utf8.elementsEqual(name.utf8) })
            if found == nil, !outcome, name == spec.data.outcome { continue }
            guard let column = found else {
                let near = EditDistance.closest(to: name, in: described.map(\.name))
                let hint = near.map { "; did you mean \"\($0.debugEscaped)\"?" } ?? ""
                throw DatabaseError(.missingColumn, "\(relation) has no column \"\(name.debugEscaped)\", which the spec names\(hint) (it has: \(described.map { "\"\($0.name.debugEscaped)\"" }.prefix(40).joined(separator: ", ")))")
            }
            switch PostgresColumnCheck.expression(column: name, type: column.type, role: role, relation: relation) {
            case .success(let e): exprs.append(e)
            case .failure(let e): throw e
            }
        }
        return exprs.joined(separator: ", ")
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
