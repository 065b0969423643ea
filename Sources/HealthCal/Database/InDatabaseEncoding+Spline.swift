import Foundation

/// Spline knots placed on database rows with Harrell's rule (`SplineKnots`), reading only what
/// the rule reads: the count of distinct values, the two smallest and two largest values with
/// their counts, the largest count of an interior value, the few distinct values when there
/// are at most k + 2, and the order statistics the quantiles need (`ORDER BY … OFFSET k LIMIT 1`).
/// Values are the feature's present values clipped to its final bounds, compiled by
/// `SQLEncoding.presentValue` (casts and comparisons only, so the same doubles as in memory):
/// the knots are bit-identical to `FeatureEncoder`'s on the same rows. On shards, the lowest and
/// highest groups, the few values and the order statistics come from every shard at once
/// (`StatisticQueries`); the distinct count and the largest interior count do not add up
/// across shards (a value can be on both) and run through the coordinator.
extension InDatabaseEncoding {
    static func knots(_ fs: FeatureSpec, _ f: FittedFeature, present: Int, rows: DatabaseRows, stats: StatisticQueries,
                      orderStatistic: @escaping (Int) throws -> Double) throws -> [Double] {
        let conn = stats.conn
        let c = SQLEncoding.identifier(fs.name)
        let v = SQLEncoding.presentValue(f)
        let presentRows = { (r: DatabaseRows) in "\(r.fromWhere) AND \(c) IS NOT NULL" }
        let fromPresent = presentRows(rows)
        func number(_ text: String?) throws -> Double {
            guard let text, let value = Double(text) else {
                throw DatabaseError(.query, "\(rows.relation): a knot statistic of \"\(fs.name.debugEscaped)\" came back empty")
            }
            return value
        }
        // The two lowest (highest) distinct values with their counts: each shard's two, merged
        // (a value among the table's two lowest is among the two lowest of every shard that has it).
        func groups(_ order: String) throws -> [(value: Double, count: Int)] {
            let sql = { (r: DatabaseRows) in "SELECT CAST(\(v) AS DOUBLE PRECISION), count(*) \(presentRows(r)) GROUP BY 1 ORDER BY 1 \(order) LIMIT 2" }
            var merged: [Double: Int] = [:]
            for row in try stats.shards?.each({ try $1.conn.query(sql($1.rows), $1.rows.parameters) }).flatMap({ $0 })
                ?? conn.query(sql(rows), rows.parameters) {
                merged[try number(row.first ?? nil), default: 0] += Int(row.count > 1 ? row[1] ?? "" : "") ?? 0
            }
            let values = order == "ASC" ? merged.keys.sorted() : merged.keys.sorted(by: >)
            return values.prefix(2).map { ($0, merged[$0] ?? 0) }
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
                let limit = fs.effectiveKnots + 2
                let sql = { (r: DatabaseRows) in "SELECT DISTINCT CAST(\(v) AS DOUBLE PRECISION) \(presentRows(r)) ORDER BY 1 LIMIT \(limit)" }
                let got = try stats.shards?.each({ try $1.conn.query(sql($1.rows), $1.rows.parameters) }).flatMap({ $0 }) ?? conn.query(sql(rows), rows.parameters)
                return Array(Set(try got.map { try number($0.first ?? nil) }).sorted().prefix(limit))
            })
        return try SplineKnots.harrell(view, count: fs.effectiveKnots)
    }
}
