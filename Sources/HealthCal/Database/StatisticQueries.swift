import Foundation

/// Where the encoders' and a fit's statistics run (counts, sums, ranges, level counts, order
/// statistics): on the one server, or on a table sharded by `healthcal load --shard-by`, on
/// every shard at once, with only each shard's partial results coming back and combined here.
///
/// Why not through the coordinator: postgres_fdw ships an aggregate only when it sits directly
/// on one foreign table, so any of these queries over the partitioned parent pulls every row
/// (or every needed column of it) to the coordinator; on the 1M bench panel that made the
/// encoder statistics of a 2-shard backtest 5x slower than on one server (BENCHMARKS.md).
/// Counts and sums add up across shards, minima and maxima combine, GROUP BY counts add up
/// per key. An order statistic does not decompose; `orderStatistics` finds it exactly in two
/// rounds (see there).
///
/// Every query's SQL is built once, from the caller's rows (column names, bound parameters),
/// and only its FROM clause (`from`) differs per shard: the shard's own table under the same
/// predicate (`DatabaseRows.on`).
struct StatisticQueries {
    let conn: PostgresConnection
    let shards: ShardedPasses?

    /// How a shard's value of one aggregate combines with the others'.
    enum Combine { case sum, min, max }

    struct Aggregate {
        var sql: String
        var combine: Combine
        static func sum(_ sql: String) -> Aggregate { Aggregate(sql: sql, combine: .sum) }
        static func min(_ sql: String) -> Aggregate { Aggregate(sql: sql, combine: .min) }
        static func max(_ sql: String) -> Aggregate { Aggregate(sql: sql, combine: .max) }
    }

    /// One row of aggregates, `SELECT items <from(rows)>`; nil where the aggregate is NULL
    /// on every shard (no rows, or no non-NULL value). A count (`count(*)`) is a sum.
    func aggregates(_ rows: DatabaseRows, _ items: [Aggregate], extra: [String?] = [],
                    from: (DatabaseRows) -> String = { $0.fromWhere }) throws -> [Double?] {
        let select = "SELECT " + items.map(\.sql).joined(separator: ", ")
        func values(_ r: DatabaseRows, _ c: PostgresConnection) throws -> [Double?] {
            guard let row = try c.query("\(select) \(from(r))", r.parameters + extra).first else {
                throw DatabaseError(.query, "an aggregate query returned no row")
            }
            return row.map { $0.flatMap { Double($0) } }
        }
        guard let shards else { return try values(rows, conn) }
        let partial = try shards.each { try values($1.rows, $1.conn) }
        var out = [Double?](repeating: nil, count: items.count)
        for got in partial {
            for (j, item) in items.enumerated() where j < got.count {
                guard let v = got[j] else { continue }
                guard let o = out[j] else { out[j] = v; continue }
                switch item.combine {
                case .sum: out[j] = o + v
                case .min: out[j] = Swift.min(o, v)
                case .max: out[j] = Swift.max(o, v)
                }
            }
        }
        return out
    }

    /// `SELECT key, values... <from(rows)> GROUP BY 1` with every value a sum (a count, a sum of
    /// the outcome): the groups of all shards, with a key's sums added. The key is text (nil for
    /// the NULL group); the order is the first shard's, then new keys as they come.
    func groups(_ rows: DatabaseRows, key: String, sums: [String],
                from: (DatabaseRows) -> String = { $0.fromWhere }) throws -> [(key: String?, sums: [Double])] {
        let sql = "SELECT \(key), " + sums.joined(separator: ", ")
        func run(_ r: DatabaseRows, _ c: PostgresConnection) throws -> [[String?]] {
            try c.query("\(sql) \(from(r)) GROUP BY 1", r.parameters)
        }
        let partial = try shards.map { try $0.each { try run($1.rows, $1.conn) } } ?? [run(rows, conn)]
        var order: [String?] = [], totals: [String?: [Double]] = [:]
        for got in partial {
            for row in got where row.count == sums.count + 1 {
                let k = row[0]
                let v = row.dropFirst().map { $0.flatMap { Double($0) } ?? 0 }
                if let t = totals[k] { totals[k] = zip(t, v).map { $0 + $1 } } else { order.append(k); totals[k] = v }
            }
        }
        return order.map { ($0, totals[$0] ?? []) }
    }

    /// The `k`-th smallest (0-based) of `value` over the rows of `from(rows)` where it is not
    /// NULL, for each `k` in `ranks` (each below `count`, the number of such rows), as the
    /// database returns the double: bit-identical to sorting the same values in memory.
    ///
    /// On one server: one `ORDER BY … OFFSET k LIMIT m` for ranks within 64 of each other, or
    /// one `percentile_disc` sort for all of them (see `local`). On shards, exactly, in two rounds, whatever the shards hold: shard s with nₛ of
    /// the n values returns its own value vₛ at rank rₛ = ⌊k·nₛ/n⌋; the k-th value lies in
    /// [min vₛ, max vₛ] (fewer than Σ rₛ ≤ k values are below the smallest, at least
    /// Σ (rₛ + 1) > k are at most the largest, as Σ rₛ > k − S). Then every shard counts its
    /// values below that bracket and returns the distinct values in it with their counts: a
    /// few hundred to a few thousand on hash-partitioned rows, never a column.
    func orderStatistics(_ rows: DatabaseRows, value: String, count: Int, ranks: [Int],
                         from: (DatabaseRows) -> String = { $0.fromWhere }) throws -> [Double] {
        guard !ranks.isEmpty else { return [] }
        guard let shards else { return try Self.local(rows, conn, value: value, ranks: ranks, count: count, from: from) }
        func nonNull(_ r: DatabaseRows) -> String { "\(from(r)) AND (\(value)) IS NOT NULL" }
        // Round 1: each shard's count, and its value at its proportional rank of each k.
        let counts = try shards.each { _, part in
            Int((try part.conn.query("SELECT count(*) \(nonNull(part.rows))", part.rows.parameters).first?.first ?? nil) ?? "") ?? 0
        }
        let total = counts.reduce(0, +)
        guard total == count, ranks.allSatisfy({ $0 >= 0 && $0 < total }) else {
            throw DatabaseError(.query, "\(rows.relation): order statistics of \(ranks) asked of \(total) values (\(count) counted before)")
        }
        let local = try shards.each { s, part -> [Double] in
            let n = counts[s]
            guard n > 0 else { return [] }
            return try Self.local(part.rows, part.conn, value: value, ranks: ranks.map { $0 * n / total }, count: n, from: from)
        }
        var low = [Double](repeating: .infinity, count: ranks.count), high = [Double](repeating: -.infinity, count: ranks.count)
        for values in local where values.count == ranks.count {
            for j in ranks.indices {
                low[j] = Swift.min(low[j], values[j])
                high[j] = Swift.max(high[j], values[j])
            }
        }
        // Round 2: per shard, the values below each bracket, and the distinct values inside any.
        let bounds = zip(low, high).flatMap { [Self.parameter($0), Self.parameter($1)] }
        let window = ranks.indices.map { j -> String in
            let (l, h) = (rows.parameter(2 * j), rows.parameter(2 * j + 1))
            return "(v >= \(l)::double precision AND v <= \(h)::double precision)"
        }.joined(separator: " OR ")
        let below = ranks.indices.map { "count(*) FILTER (WHERE v < \(rows.parameter($0))::double precision)" }.joined(separator: ", ")
        let partial = try shards.each { _, part -> (below: [Int], groups: [(Double, Int)]) in
            let values = "FROM (SELECT CAST(\(value) AS DOUBLE PRECISION) AS v \(nonNull(part.rows))) AS \"hc_v\""
            let b = try part.conn.query("SELECT \(below) \(values)", part.rows.parameters + low.map(Self.parameter)).first ?? []
            let g = try part.conn.query("SELECT v, count(*) \(values) WHERE \(window) GROUP BY v", part.rows.parameters + bounds)
            return (b.map { $0.flatMap { Int($0) } ?? 0 },
                    g.compactMap { r in r.count == 2 ? (r[0].flatMap { Double($0) }).flatMap { v in (r[1].flatMap { Int($0) }).map { (v, $0) } } : nil })
        }
        var merged: [Double: Int] = [:]
        for p in partial { for (v, c) in p.groups { merged[v, default: 0] += c } }
        let sorted = merged.keys.sorted()
        return try ranks.indices.map { j in
            var at = partial.reduce(0) { $0 + (j < $1.below.count ? $1.below[j] : 0) }
            for v in sorted where v >= low[j] && v <= high[j] {
                at += merged[v] ?? 0
                if ranks[j] < at { return v }
            }
            throw DatabaseError(.query, "\(rows.relation): order statistic \(ranks[j]) of \(value) not found between \(low[j]) and \(high[j])")
        }
    }

    /// `orderStatistics` on one connection (a server, or one shard's table, holding `count`
    /// non-NULL values).
    ///
    /// Close ranks (a median's pair, a shard's share of them): one bounded sort, `ORDER BY …
    /// OFFSET lo LIMIT m`. Others: one sort for all of them, `percentile_disc(f) WITHIN GROUP
    /// (ORDER BY v)`, which returns the value in sorted row ⌈f × count⌉ (1-based; PostgreSQL's
    /// definition, NULLs ignored). f = (k + ½)/count puts f × count half a row away from an
    /// integer, far beyond rounding, so that row is k + 1: the k-th value 0-based, as `OFFSET k
    /// LIMIT 1` returns it, never interpolated. Half the time of numbering every row with
    /// `row_number()` (1M doubles: 0.55 s against 1.12 s). The count comes back with the values
    /// and must be `count`: otherwise the rows changed between the queries.
    private static func local(_ rows: DatabaseRows, _ conn: PostgresConnection, value: String, ranks: [Int], count: Int,
                              from: (DatabaseRows) -> String) throws -> [Double] {
        let x = "CAST(\(value) AS DOUBLE PRECISION)"
        let nonNull = "\(from(rows)) AND (\(value)) IS NOT NULL"
        guard count > 0, ranks.allSatisfy({ $0 >= 0 && $0 < count }) else {
            throw DatabaseError(.query, "\(rows.relation): order statistics \(ranks) of \(value) asked of \(count) values")
        }
        func number(_ text: String??) throws -> Double {
            guard let text = text ?? nil, let v = Double(text) else {
                throw DatabaseError(.query, "\(rows.relation): the rows changed while order statistics of \(value) were computed (one came back empty)")
            }
            return v
        }
        if let lo = ranks.min(), let hi = ranks.max(), hi - lo < 64 {
            let got = try conn.query("SELECT \(x) \(nonNull) ORDER BY 1 OFFSET \(lo) LIMIT \(hi - lo + 1)", rows.parameters)
            return try ranks.map { k in try number(k - lo < got.count ? got[k - lo].first : nil) }
        }
        let fractions = ranks.map { exactNumber((Double($0) + 0.5) / Double(count)) }
        let got = try conn.query("""
            SELECT count("hc_x"), percentile_disc(\(rows.parameter(0))::double precision[]) WITHIN GROUP (ORDER BY "hc_x")
              FROM (SELECT \(x) AS "hc_x" \(nonNull) OFFSET 0) AS "hc_s"
            """, rows.parameters + ["{" + fractions.joined(separator: ",") + "}"])
        let row = got.first ?? []
        let values = row.count == 2 ? InDatabaseObjective.elements((row[1] ?? nil) ?? "{}") : []
        let seen = row.first.flatMap { $0.flatMap { Int($0) } }
        guard seen == count, values.count == ranks.count else {
            throw DatabaseError(.query, "\(rows.relation): the rows changed while order statistics of \(value) were computed (\(seen ?? 0) values, \(count) counted before)")
        }
        return values
    }

    /// A double as a bound float8 parameter (PostgreSQL's spelling of the infinities and NaN).
    static func parameter(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Infinity" : "Infinity" }
        return exactNumber(v)
    }
}
