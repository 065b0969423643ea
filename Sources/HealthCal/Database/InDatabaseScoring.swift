import Foundation

/// Out-of-sample scoring in the database: the linear predictor of a fitted model computed by
/// PostgreSQL over a fold's test rows (a period predicate), with `SQLEncoding`'s columns, and
/// only the per-row keys coming back: (id, period, segment, outcome, linear predictor), never
/// the features. What a pushed-down backtest hands to the metrics, calibration and flags code.
public enum InDatabaseScoring {
    public struct ScoredRow: Sendable, Equatable {
        public var id: String
        public var period: String?
        public var segment: String?
        public var outcome: Double
        public var linearPredictor: Double
    }

    /// The rows of `periods` (every row when nil) scored with `model` (raw coefficients, no
    /// calibration), in the relation's order. A row the encoding cannot encode (an unseen level
    /// under `unseen: error`, a missing value under `impute: error`) is an error naming it.
    public static func linearPredictors(url: PostgresURL, relation: PostgresRelation, spec: Spec, model: SpecFit,
                                        periods: [String]? = nil) throws -> [ScoredRow] {
        let conn = try PostgresConnection.aggregateSession(url)
        let rows = periods.map { DatabaseRows(relation: relation, spec: spec, periods: $0) } ?? DatabaseRows(relation: relation, spec: spec)
        let out = try linearPredictors(rows, conn, model: model)
        try conn.execute("COMMIT")
        return out
    }

    /// `linearPredictors` of `rows` on an open connection (inside the caller's transaction).
    static func linearPredictors(_ rows: DatabaseRows, _ conn: PostgresConnection, model: SpecFit) throws -> [ScoredRow] {
        let spec = rows.spec
        let columns = model.encoding.features.flatMap(SQLEncoding.columns)
        let beta = model.fit.coefficients
        guard beta.count == columns.count + 1 else {
            throw FitError.shape("\(beta.count) coefficients for \(columns.count + 1) design columns")
        }
        func text(_ column: String?) -> String { column.map { "CAST(\(SQLEncoding.identifier($0)) AS TEXT)" } ?? "NULL" }
        var keys = ["\(text(spec.data.id)) AS \"hc_id\"", "\(text(spec.data.period)) AS \"hc_period\"",
                    "\(text(spec.data.segment)) AS \"hc_segment\"", "\(rows.outcome) AS \"hc_y\""]
        for (j, c) in columns.enumerated() { keys.append("CAST(\(c) AS DOUBLE PRECISION) AS \"hc_x\(j + 1)\"") }
        var eta = "\(rows.parameter(0))::double precision"
        for j in 1..<beta.count { eta += " + \(rows.parameter(j))::double precision * \"hc_x\(j)\"" }
        let sql = """
            SELECT "hc_id", "hc_period", "hc_segment", "hc_y", \(eta)
              FROM (SELECT \(keys.joined(separator: ", ")) \(rows.fromWhere) OFFSET 0) AS "hc_d"
            """
        let got = try conn.query(sql, rows.parameters + beta.map { exactNumber($0) })
        var out: [ScoredRow] = []
        out.reserveCapacity(got.count)
        for row in got where row.count == 5 {
            guard let e = (row[4] ?? nil).flatMap({ Double($0) }) else {
                throw DatabaseError(.query, "\(rows.rowLabel(id: row[0] ?? nil, period: row[1] ?? nil)): the model's encoding cannot encode this row (an unseen level under unseen: error, or a missing value under impute: error)")
            }
            out.append(ScoredRow(id: (row[0] ?? nil) ?? "", period: row[1] ?? nil, segment: row[2] ?? nil,
                                 outcome: (row[3] ?? nil).flatMap { Double($0) } ?? .nan, linearPredictor: e))
        }
        return out
    }
}
