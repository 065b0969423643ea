import Foundation

/// The champion (`--champion OLD.json`, `--scorecard CARD.yaml`) scored where the panel lives,
/// for `backtest --in-database` and `recalibrate --in-database`: one query over the backtest's
/// out-of-sample periods (a period predicate, labels bound as parameters) returns each row's
/// (id, period, champion value) and nothing else, never a feature. The values are aligned to
/// `run.rows` by (id, period) (`InDatabaseBacktest.aligned`, as the challenger's scores are) and
/// become the champion's `ModelScores` in `ChampionModel.scores(computed:)`, so the comparison,
/// the bootstrap and the report take them exactly as they take the in-memory path's.
///
/// - A weight file is compiled by `SQLExport.calibratedProbabilities`: the SQL export's own
///   scorer (its encodings through `SQLEncoding`, its per-segment models, its isotonic table
///   when the calibration is not folded), so a row gets the probability `healthcal export --to
///   sql` gives it. Its feature columns (and segment column) must be in the table with the
///   types its features need (`PostgresColumnCheck`), whatever the new spec reads.
/// - A scorecard's points come from `Scorecard.pointsQuery`; its metrics must be numeric
///   features of the spec, as in memory (where it reads the panel's numeric features).
///
/// On a sharded table (`ShardedPasses`) each shard scores its own rows over its own connection,
/// one shard after the other, as the backtest's test-period scoring does
/// (`InDatabaseSegmentedFit.linearPredictors`): nothing but the values crosses a wire, and no
/// row passes through the coordinator. A row the champion cannot score (an unseen level under
/// `unseen: error`, a missing value under `impute: error`, a non-finite scorecard metric) is an
/// input error naming the table, the row's id and period, the column and its value; nothing is
/// written.
public enum InDatabaseChampion {
    /// The champion's scores of `run.rows` (rows of the key panel `keys`), in that order.
    public static func scores(_ champion: ChampionModel, url: PostgresURL, relation: PostgresRelation, spec: Spec,
                              run: BacktestRun, keys: Panel) throws -> ModelScores {
        let conn = try PostgresConnection.aggregateSession(url)
        let rows = DatabaseRows(relation: relation, spec: spec, periods: run.folds.map(\.test))
        let compiled = try compile(champion, spec: spec, relation: relation, conn)
        var scored: [InDatabaseScoring.ScoredRow] = []
        if let shards = try ShardedPasses.detect(conn, url: url, rows: rows) {
            for part in shards.on(rows).parts { scored += try values(compiled, part.rows, part.conn) }
            try shards.commit()
        } else {
            scored = try values(compiled, rows, conn)
        }
        try conn.execute("COMMIT")
        return try champion.scores(computed: aligned(scored, run: run, keys: keys, relation: relation))
    }

    /// Checks, before the backtest runs, that the table has the champion's columns with the
    /// types it needs (and that a scorecard's metrics are the spec's numeric features).
    public static func check(_ champion: ChampionModel, url: PostgresURL, relation: PostgresRelation, spec: Spec) throws {
        let conn = try PostgresConnection.aggregateSession(url)
        _ = try compile(champion, spec: spec, relation: relation, conn)
        try conn.execute("COMMIT")
    }

    /// A champion compiled to SQL: a query of ("hc_id", "hc_period", value) over some rows, with
    /// its parameters after the rows', and per column it reads, the condition that makes a row's
    /// value NULL because of that column, and what the column should hold instead.
    struct Compiled {
        var query: (DatabaseRows) throws -> (sql: String, parameters: [String?])
        var culprits: [(column: String, condition: String, expected: String)]
    }

    static func compile(_ champion: ChampionModel, spec: Spec, relation: PostgresRelation,
                        _ conn: PostgresConnection) throws -> Compiled {
        let described = try PostgresPanelReader.describe(conn, relation: relation)
        switch champion {
        case .weights(let file, _):
            return try compile(file, spec: spec, relation: relation, described: described)
        case .scorecard(let card):
            try card.validate()
            // As in memory: the scorecard reads the spec's numeric features, by name.
            let available = spec.features.filter { $0.type == .numeric }.map(\.name).sorted()
            for name in card.weights.keys.sorted() where !available.contains(name) {
                throw ScorecardError.unknownMetric(name: name, suggestion: EditDistance.closest(to: name, in: available), available: available)
            }
            let names = card.weights.keys.sorted()
            _ = try PostgresPanelReader.checked(names.map { ($0, .number("scorecard metric \"\($0.debugEscaped)\"")) },
                                                described: described, relation: relation, namedBy: "the scorecard")
            let culprits = names.map { name in
                (column: name, condition: "CAST(\(SQLEncoding.identifier(name)) AS DOUBLE PRECISION) IN ('Infinity', '-Infinity', 'NaN')",
                 expected: "the scorecard expects a finite number or NULL (its missing: value)")
            }
            return Compiled(query: { rows in
                card.pointsQuery(keys: keyColumns(spec), keyNames: ["\"hc_id\"", "\"hc_period\""], from: rows.fromWhere,
                                 parameter: rows.parameter)
            }, culprits: culprits)
        case .custom:
            _ = try champion.scores(computed: [])  // says why a custom champion is not pushed down
            return Compiled(query: { _ in ("", []) }, culprits: [])
        }
    }

    /// A weight file's calibrated probability per row, by the SQL export's scorer.
    static func compile(_ file: WeightFile, spec: Spec, relation: PostgresRelation,
                        described: [(name: String, type: UInt32)]) throws -> Compiled {
        // Every encoding a row may be scored with: the pooled one unless the row's segment has
        // its own model (`SQLExport`'s CASE on the segment column).
        let segmentColumn = file.segmentColumn.map(SQLEncoding.identifier)
        var encodings: [(applies: String, encoding: FittedEncoding)] = []
        if let segments = file.segments, let column = segmentColumn, !segments.isEmpty {
            let names = segments.keys.sorted()
            encodings.append(("(\(column) IS NULL OR \(column) NOT IN (\(names.map(SQLEncoding.literal).joined(separator: ", "))))", file.encoding))
            for name in names { encodings.append(("\(column) = \(SQLEncoding.literal(name))", segments[name]?.encoding ?? file.encoding)) }
        } else {
            encodings.append(("TRUE", file.encoding))
        }
        var columns: [(name: String, role: PostgresColumnCheck.Role)] = []
        var culprits: [(column: String, condition: String, expected: String)] = []
        for (applies, encoding) in encodings {
            for f in encoding.features {
                if !columns.contains(where: { $0.name == f.name }) {
                    columns.append((f.name, PostgresColumnCheck.featureRole(f.name, f.type, owner: "the champion's ")))
                }
                let terms = SQLEncoding.columns(f) + [SQLExport.unseenGuard(f)].compactMap { $0 }
                culprits.append((f.name, "(\(applies)) AND (\(terms.isEmpty ? "0.0" : terms.joined(separator: " + "))) IS NULL", expected(f)))
            }
        }
        if let column = file.segmentColumn { columns.append((column, .text("the champion's segment column"))) }
        _ = try PostgresPanelReader.checked(columns, described: described, relation: relation, namedBy: "the champion's weight file")
        let keys = keyColumns(spec, named: false)
        return Compiled(query: { rows in
            let scorer = try SQLExport.calibratedProbabilities(file, id: keys[0], period: keys[1], from: rows.fromWhere, gate: false)
            return ("SELECT \"id\", \"period\", \"churn_probability\" FROM (\(scorer)) AS \"hc_champion\"", [])
        }, culprits: culprits)
    }

    /// What a weight file's feature accepts, for the message about a row it cannot score.
    private static func expected(_ f: FittedFeature) -> String {
        switch f.type {
        case .categorical where f.unseen == .error:
            return "the champion's weight file knows the levels \(((f.levels ?? []) + [f.reference].compactMap { $0 } + (f.pooled ?? [])).map { "\"\($0.shownInMessage)\"" }.joined(separator: ", ")) and says unseen: error"
        case .categorical:
            return "the champion's weight file cannot encode this level"
        case .boolean:
            return "the champion's weight file expects 0/1, true/false or yes/no\(f.imputeValue == nil ? " (missing values: impute: error)" : "")"
        case .numeric:
            return "the champion's weight file expects a number\(f.transform == .log1p ? " > -1 (log1p)" : "")\(f.imputeValue == nil ? " and no missing value (impute: error)" : "")"
        }
    }

    /// The new spec's id and period as text, the keys the values are aligned by ("hc_id" and
    /// "hc_period" when `named`).
    private static func keyColumns(_ spec: Spec, named: Bool = true) -> [String] {
        let id = "CAST(\(SQLEncoding.identifier(spec.data.id)) AS TEXT)"
        let period = spec.data.period.map { "CAST(\(SQLEncoding.identifier($0)) AS TEXT)" } ?? "NULL"
        return named ? ["\(id) AS \"hc_id\"", "\(period) AS \"hc_period\""] : [id, period]
    }

    /// The compiled champion's value of each of `rows` (in `ScoredRow.linearPredictor`), or the
    /// problem of the first row it cannot score.
    static func values(_ compiled: Compiled, _ rows: DatabaseRows, _ conn: PostgresConnection) throws -> [InDatabaseScoring.ScoredRow] {
        let query = try compiled.query(rows)
        let got = try conn.query(query.sql, rows.parameters + query.parameters)
        var out: [InDatabaseScoring.ScoredRow] = []
        out.reserveCapacity(got.count)
        for row in got where row.count == 3 {
            let id = row[0] ?? nil, period = row[1] ?? nil
            guard let value = (row[2] ?? nil).flatMap({ Double($0) }) else {
                throw try problem(compiled, rows, conn, id: id, period: period)
            }
            out.append(InDatabaseScoring.ScoredRow(id: id ?? "", period: period, segment: nil, outcome: .nan, linearPredictor: value))
        }
        return out
    }

    /// Why the row (`id`, `period`) has no value: the first column whose condition holds there.
    static func problem(_ compiled: Compiled, _ rows: DatabaseRows, _ conn: PostgresConnection,
                        id: String?, period: String?) throws -> DataValidationError {
        let spec = rows.spec
        let label = rows.rowLabel(id: id, period: period)
        var select: [String] = []
        for c in compiled.culprits {
            select += ["COALESCE(\(c.condition), FALSE)", "CAST(\(SQLEncoding.identifier(c.column)) AS TEXT)"]
        }
        let periodMatch = spec.data.period.map { "CAST(\(SQLEncoding.identifier($0)) AS TEXT) = \(rows.parameter(1))" } ?? "TRUE"
        let found = select.isEmpty ? [] : try conn.query("""
            SELECT \(select.joined(separator: ", ")) \(rows.fromWhere)
               AND CAST(\(SQLEncoding.identifier(spec.data.id)) AS TEXT) = \(rows.parameter(0)) AND \(periodMatch) LIMIT 1
            """, rows.parameters + [id] + (spec.data.period == nil ? [] : [period]))
        if let row = found.first {
            for (k, c) in compiled.culprits.enumerated() where 2 * k + 1 < row.count && (row[2 * k] ?? nil) == "t" {
                return DataValidationError(problems: [DataProblem(file: label, columnName: c.column, value: (row[2 * k + 1] ?? nil) ?? "",
                                                                  message: c.expected)])
            }
        }
        return DataValidationError(problems: [DataProblem(file: label, message: "the champion cannot score this row")])
    }

    /// The values in `run.rows` order, fold by fold, matched by (id, period).
    static func aligned(_ scored: [InDatabaseScoring.ScoredRow], run: BacktestRun, keys: Panel,
                        relation: PostgresRelation) throws -> [Double] {
        var byPeriod: [String: [InDatabaseScoring.ScoredRow]] = [:]
        for s in scored { byPeriod[s.period ?? "", default: []].append(s) }
        var positions = [[Int]](repeating: [], count: run.folds.count)
        for (k, fold) in run.foldOfRow.enumerated() where fold < positions.count { positions[fold].append(k) }
        var out = [Double](repeating: .nan, count: run.rows.count)
        for (f, fold) in run.folds.enumerated() {
            let values = try InDatabaseBacktest.aligned(byPeriod[fold.test] ?? [], to: positions[f].map { run.rows[$0] },
                                                        panel: keys, relation: relation, fold: fold.test)
            for (k, v) in zip(positions[f], values) { out[k] = v }
        }
        return out
    }
}
