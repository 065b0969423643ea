import Foundation

/// Spline knots placed on database rows with Harrell's rule (`SplineKnots`), reading only what
/// the rule reads: the count of distinct values, the two smallest and two largest values with
/// their counts, the largest count of an interior value, the few distinct values when there
/// are at most k + 2, and the order statistics the quantiles need (`ORDER BY … OFFSET k LIMIT 1`).
/// Values are the feature's present values clipped to its final bounds, compiled by
/// `SQLEncoding.presentValue` (casts and comparisons only, so the same doubles as in memory):
/// the knots are bit-identical to `FeatureEncoder`'s on the same rows.
extension InDatabaseEncoding {
    static func knots(_ fs: FeatureSpec, _ f: FittedFeature, present: Int, rows: DatabaseRows, conn: PostgresConnection,
                      orderStatistic: @escaping (Int) throws -> Double) throws -> [Double] {
        let c = SQLEncoding.identifier(fs.name)
        let v = SQLEncoding.presentValue(f)
        let fromPresent = "\(rows.fromWhere) AND \(c) IS NOT NULL"
        func number(_ text: String?) throws -> Double {
            guard let text, let value = Double(text) else {
                throw DatabaseError(.query, "\(rows.relation): a knot statistic of \"\(fs.name.debugEscaped)\" came back empty")
            }
            return value
        }
        func groups(_ order: String) throws -> [(value: Double, count: Int)] {
            try conn.query("SELECT CAST(\(v) AS DOUBLE PRECISION), count(*) \(fromPresent) GROUP BY 1 ORDER BY 1 \(order) LIMIT 2",
                           rows.parameters).map { row in (try number(row.first ?? nil), Int(row.count > 1 ? row[1] ?? "" : "") ?? 0) }
        }
        let distinct = try integers(conn.query("SELECT count(DISTINCT CAST(\(v) AS DOUBLE PRECISION)) \(fromPresent)", rows.parameters)).first ?? 0
        let lowest = try groups("ASC"), highest = try groups("DESC")
        var interior = 0
        if let low = lowest.first?.value, let high = highest.first?.value, distinct > 2 {
            let sub = "SELECT count(*) AS k \(fromPresent) AND \(v) > \(SQLEncoding.number(low)) AND \(v) < \(SQLEncoding.number(high)) GROUP BY \(v)"
            interior = try integers(conn.query("SELECT coalesce(max(k), 0) FROM (\(sub)) AS g", rows.parameters)).first ?? 0
        }
        let (l, u) = (f.lower ?? -.infinity, f.upper ?? .infinity)
        let view = SplineKnots.SortedValues(
            count: present, at: { k in min(max(try orderStatistic(k), l), u) }, distinct: distinct,
            lowest: lowest, highest: highest, maxInteriorCount: interior,
            few: {
                try conn.query("SELECT DISTINCT CAST(\(v) AS DOUBLE PRECISION) \(fromPresent) ORDER BY 1 LIMIT \(fs.effectiveKnots + 2)",
                               rows.parameters).map { try number($0.first ?? nil) }
            })
        return try SplineKnots.harrell(view, count: fs.effectiveKnots)
    }
}
