/// The scorecard's points as SQL, for scoring a panel where it lives (`InDatabaseChampion`):
/// the same sum as `score(rawColumns:)`, row by row, so only (id, period, points) leave the
/// database; the direction and intercept are applied on the client (`score(points:)`).
///
/// The sum follows `score(rawColumns:)` step by step: a NULL cell takes the metric's `missing:`
/// value; when every weight and every value of the row is a short decimal (`PaperDecimal`: at
/// most 9 decimals and 15 digits, tested in SQL as "its 15-digit numeric text has scale <= 9,
/// fewer than 10^15 units at that scale, and converts back to the same double") the points are
/// the exact `numeric` sum turned into a double as `PaperDecimal.value` does (its integer of
/// units, correctly rounded, divided by the power of ten; `trim_scale`: PostgreSQL 13 or later);
/// otherwise the double products added in name order from 0.0, as `score` adds them (IEEE
/// double arithmetic in both, so the same bits). One difference is left: Swift also falls back to
/// binary when an exact sum passes 2^63 units at its scale, which `numeric` never does; the two
/// then differ in the last bits of that row's points. A non-finite value gives NULL points (the
/// in-memory scorecard refuses it). Weights and `missing:` values are bound parameters.
extension Scorecard {
    /// A SELECT of `keys` (SQL select-list items, e.g. the id and period) and "hc_points" over
    /// the rows of `from` (`FROM ... WHERE ...`); `parameter(k)` is the placeholder of the k-th
    /// (0-based) value in the returned `parameters`, which follow the caller's.
    func pointsQuery(keys: [String], keyNames: [String], from: String,
                     parameter: (Int) -> String) -> (sql: String, parameters: [String?]) {
        let names = weights.keys.sorted()
        var parameters: [String?] = []
        func bind(_ text: String, as type: String) -> String {
            parameters.append(text)
            return "\(parameter(parameters.count - 1))::\(type)"
        }
        var values: [String] = [], decimals: [String] = []
        var exact: [String] = [], binary = "0.0::double precision", paper: [String] = []
        let paperWeights = names.compactMap { weights[$0].flatMap { PaperDecimal($0) } }
        for (k, name) in names.enumerated() {
            let w = weights[name] ?? 0, fill = missing[name] ?? 0
            let v = "\"hc_v\(k)\"", n = "\"hc_n\(k)\""
            values.append("COALESCE(CAST(\(SQLEncoding.identifier(name)) AS DOUBLE PRECISION), \(bind(exactNumber(fill), as: "double precision"))) AS \(v)")
            decimals.append("CASE WHEN \(v) IN ('Infinity', '-Infinity', 'NaN') THEN NULL ELSE CAST(\(v) AS NUMERIC) END AS \(n)")
            binary = "(\(binary) + \(bind(exactNumber(w), as: "double precision")) * \(v))"
            if paperWeights.count == names.count {
                exact.append("\(bind(paperWeights[k].text, as: "numeric")) * \(n)")
                paper.append("(scale(\(n)) <= \(PaperDecimal.maxDecimals) AND abs(\(n)) * power(10::numeric, scale(\(n))) < 1000000000000000 AND CAST(\(n) AS DOUBLE PRECISION) = \(v))")
            }
        }
        let carried = keyNames.joined(separator: ", ")
        let vs = names.indices.map { "\"hc_v\($0)\"" }.joined(separator: ", ")
        let anyNull = names.indices.map { "\"hc_n\($0)\" IS NULL" }.joined(separator: " OR ")
        var points = "CASE WHEN \(anyNull) THEN NULL"
        if !exact.isEmpty {
            // `PaperDecimal.value`: trailing zeros dropped, then Double(mantissa) / 10^decimals.
            let sum = "trim_scale(\(exact.joined(separator: " + ")))"
            let power = "power(10::numeric, scale(\(sum)))"
            points += " WHEN \(paper.joined(separator: " AND ")) THEN CAST(\(sum) * \(power) AS DOUBLE PRECISION) / CAST(\(power) AS DOUBLE PRECISION)"
        }
        points += " ELSE \(binary) END"
        let sql = """
            SELECT \(carried), \(points) AS "hc_points"
              FROM (SELECT \(carried), \(vs), \(decimals.joined(separator: ", "))
                      FROM (SELECT \(keys.joined(separator: ", ")), \(values.joined(separator: ", ")) \(from) OFFSET 0) AS "hc_d"
                    OFFSET 0) AS "hc_n"
            """
        return (sql, parameters)
    }
}

extension PaperDecimal {
    /// The decimal as exact text ("-0.01", "600"), for SQL's `numeric`.
    var text: String {
        let digits = String(mantissa.magnitude)
        let sign = mantissa < 0 ? "-" : ""
        guard decimals > 0 else { return sign + digits }
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        return sign + padded.dropLast(decimals) + "." + padded.suffix(decimals)
    }
}
