import Foundation

/// The flags of a pushed-down backtest (`flags --in-database`): found on the out-of-sample
/// scores over the key panel, as for a CSV panel; then only the rows a flag explains (one per
/// flag, a few hundred against the panel's rows) are fetched whole by a second query, so that
/// their contributions come from the same `RowExplainer` and the same raw values as for a CSV.
/// The features never come over in bulk.
public enum InDatabaseFlags {
    /// The flag report of `backtest`'s scores, banded as `scored`.
    public static func run(url: PostgresURL, relation: PostgresRelation, spec: Spec,
                           backtest: InDatabaseBacktest.Outcome, scored: ScoredPanel) throws -> FlagReport {
        let panel = backtest.keys.panel, models = backtest.run.models
        let rows = FlagDetection.rowsToExplain(scored: scored, panel: panel, models: models, options: spec.flags)
        let features = try flaggedRows(url: url, relation: relation, spec: spec, keys: panel, rows: rows)
        return FlagDetection.run(scored: scored, panel: panel, models: models, options: spec.flags, features: features)
    }

    /// The spec's columns of key-panel `rows` (matched by id and period, bound as two text
    /// arrays), validated as a panel; nil when there are none.
    static func flaggedRows(url: PostgresURL, relation: PostgresRelation, spec: Spec, keys: Panel,
                            rows: [Int]) throws -> FlaggedRowFeatures? {
        guard !rows.isEmpty else { return nil }
        let conn = try PostgresConnection(url)
        try conn.execute("SET extra_float_digits = 1")
        try conn.execute("SET DateStyle = ISO")
        try conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        let select = try PostgresPanelReader.selectList(conn, relation: relation, spec: spec)
        let id = "CAST(\(SQLEncoding.identifier(spec.data.id)) AS TEXT)"
        let ids = rows.map { keys.customerID(ofRow: $0) }
        let got: [[String?]]
        if let period = spec.data.period {
            let sql = "SELECT \(select) FROM \(relation.fromClause) WHERE (\(id), CAST(\(SQLEncoding.identifier(period)) AS TEXT)) IN (SELECT * FROM unnest($1::text[], $2::text[]))"
            got = try conn.query(sql, [DatabaseRows.textArray(ids), DatabaseRows.textArray(rows.map { keys.period(ofRow: $0)?.label ?? "" })])
        } else {
            got = try conn.query("SELECT \(select) FROM \(relation.fromClause) WHERE \(id) = ANY($1::text[])", [DatabaseRows.textArray(ids)])
        }
        try conn.execute("COMMIT")

        // The rows as COPY would have written them, read by the one CSV reader and validated.
        var text = PostgresColumnCheck.columns(of: spec).map { csvField($0.name) }.joined(separator: ",") + "\n"
        for row in got { text += row.map { $0.map(csvField) ?? "" }.joined(separator: ",") + "\n" }
        var options = PanelLoading.csvOptions(for: spec)
        options.delimiter = UInt8(ascii: ",")
        let table = try CSVReader.read(bytes: Array(text.utf8), source: relation.description, options: options)
        let small = try Panel.make(table: table, spec: spec)

        var rowOf: [Int: Int] = [:]
        var position: [String: Int] = [:]
        for r in 0..<small.rowCount { position[small.customerID(ofRow: r) + "\u{1F}" + (small.period(ofRow: r)?.label ?? "")] = r }
        for r in rows {
            if let s = position[keys.customerID(ofRow: r) + "\u{1F}" + (keys.period(ofRow: r)?.label ?? "")] { rowOf[r] = s }
        }
        return FlaggedRowFeatures(panel: small, rowOf: rowOf)
    }

    /// A CSV field as PostgreSQL's COPY (FORMAT csv) writes a non-NULL value: quoted when empty
    /// or holding a comma, quote or line break.
    static func csvField(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
