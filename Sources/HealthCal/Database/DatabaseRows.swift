import Foundation

/// Which rows of a database panel a pushed-down step reads: the relation and a predicate on
/// it (a backtest fold's training periods, or every row), with its bound parameters.
///
/// Every query built on it quotes identifiers with `SQLEncoding.identifier` and binds values
/// (period labels) as parameters `$1...$m`; the caller's own parameters follow from
/// `$(m + 1)` (`parameter(_:)`).
struct DatabaseRows {
    let relation: PostgresRelation
    let spec: Spec
    /// SQL after WHERE ("TRUE" for every row).
    let predicate: String
    let parameters: [String?]

    /// Every row of the relation.
    init(relation: PostgresRelation, spec: Spec) {
        self.relation = relation
        self.spec = spec
        predicate = "TRUE"
        parameters = []
    }

    /// The rows whose period label is one of `periods` (a fold's training periods).
    init(relation: PostgresRelation, spec: Spec, periods: [String]) {
        self.relation = relation
        self.spec = spec
        guard let period = spec.data.period, !periods.isEmpty else {
            predicate = periods.isEmpty && spec.data.period != nil ? "FALSE" : "TRUE"
            parameters = []
            return
        }
        let column = "CAST(\(SQLEncoding.identifier(period)) AS TEXT)"
        predicate = "\(column) IN (" + periods.indices.map { "$\($0 + 1)" }.joined(separator: ", ") + ")"
        parameters = periods
    }

    /// The same rows' predicate on another relation (a shard's table).
    func on(_ other: PostgresRelation) -> DatabaseRows {
        DatabaseRows(relation: other, spec: spec, predicate: predicate, parameters: parameters)
    }

    private init(relation: PostgresRelation, spec: Spec, predicate: String, parameters: [String?]) {
        self.relation = relation
        self.spec = spec
        self.predicate = predicate
        self.parameters = parameters
    }

    /// These rows of one segment (`data.segment` equal to `name`, bound as a parameter).
    func segment(_ name: String) -> DatabaseRows {
        guard let column = spec.data.segment else { return self }
        return DatabaseRows(relation: relation, spec: spec,
                            predicate: "(\(predicate)) AND CAST(\(SQLEncoding.identifier(column)) AS TEXT) = \(parameter(0))",
                            parameters: parameters + [name])
    }

    /// These rows outside the segments `names` (one bound text array): those the pooled model scores.
    func excludingSegments(_ names: [String]) -> DatabaseRows {
        guard let column = spec.data.segment, !names.isEmpty else { return self }
        let value = "CAST(\(SQLEncoding.identifier(column)) AS TEXT)"
        return DatabaseRows(relation: relation, spec: spec,
                            predicate: "(\(predicate)) AND (\(value) IS NULL OR \(value) <> ALL(\(parameter(0))::text[]))",
                            parameters: parameters + [Self.textArray(names)])
    }

    /// A PostgreSQL array literal of text elements (each quoted, `"` and `\` escaped), sent as
    /// one bound parameter.
    static func textArray(_ values: [String]) -> String {
        "{" + values.map { v in
            "\"" + v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }

    /// About one row in `every` of these rows, the same ones every time: a hash of the row's id
    /// and period (PostgreSQL's `hashtext`). Whole rows, not blocks, so the sample is spread
    /// over customers and periods.
    func sample(every: Int) -> DatabaseRows {
        let period = spec.data.period.map { " || '|' || CAST(\(SQLEncoding.identifier($0)) AS TEXT)" } ?? ""
        let key = "CAST(\(SQLEncoding.identifier(spec.data.id)) AS TEXT)\(period)"
        return DatabaseRows(relation: relation, spec: spec, predicate: "(\(predicate)) AND abs(hashtext(\(key)) % \(max(1, every))) = 0",
                            parameters: parameters)
    }

    /// `FROM <relation> WHERE <predicate>`.
    var fromWhere: String { "FROM \(relation.fromClause) WHERE \(predicate)" }

    /// The placeholder of the caller's `k`-th parameter (0-based), after the predicate's.
    func parameter(_ k: Int) -> String { "$\(parameters.count + k + 1)" }

    /// The outcome as 1.0 / 0.0 (NULL when it is neither), whatever its SQL type: an integer,
    /// a boolean or text spelled as the CSV reader accepts (0/1, true/false, yes/no).
    var outcome: String {
        let text = "LOWER(TRIM(CAST(\(SQLEncoding.identifier(spec.data.outcome)) AS TEXT)))"
        return "(CASE WHEN \(text) IN ('1', 'true', 'yes', 't') THEN 1.0 WHEN \(text) IN ('0', 'false', 'no', 'f') THEN 0.0 ELSE NULL END)"
    }

    /// The row weight (1.0 without a weight column).
    var weight: String {
        spec.data.weight.map { "CAST(\(SQLEncoding.identifier($0)) AS DOUBLE PRECISION)" } ?? "1.0"
    }

    /// How problems name a row: `table "panel", row with id "c1", period "2024Q1"`.
    func rowLabel(id: String?, period: String?) -> String {
        RowPlaces.label("\(relation)", id: id ?? "", period: period)
    }

    /// The id and period of the first row matching `condition`, for a problem's message.
    func firstRow(where condition: String, _ conn: PostgresConnection) throws(DatabaseError) -> String {
        let period = spec.data.period.map { "CAST(\(SQLEncoding.identifier($0)) AS TEXT)" } ?? "NULL"
        let rows = try conn.query("SELECT CAST(\(SQLEncoding.identifier(spec.data.id)) AS TEXT), \(period) \(fromWhere) AND (\(condition)) LIMIT 1",
                                  parameters)
        guard let row = rows.first, row.count == 2 else { return "\(relation)" }
        return rowLabel(id: row[0], period: row[1])
    }
}
