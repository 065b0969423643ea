/// The aggregate queries behind `InDatabaseDrift`. Each returns counts or a few order
/// statistics; identifiers are quoted and values (periods, cut points, quantile fractions)
/// bound as parameters. On a sharded table the counts run on every shard at once and are added
/// (`ShardedPasses.rows`), and so are the order statistics (`StatisticQueries`).
extension InDatabaseDrift {
    /// Rows, present values and categorical levels per period, read once per run: what every
    /// reference window's sizes, ranks and levels follow from, whichever periods it spans.
    struct Census {
        /// Period label ("" in a snapshot) → rows.
        var rows: [String: Int] = [:]
        /// Numeric or boolean metric → period → rows where it is present.
        var present: [String: [String: Int]] = [:]
        /// Categorical metric → period → level (nil: missing) → rows.
        var levels: [String: [String: [String?: Int]]] = [:]

        /// One grouped query for the rows and every numeric metric's present values, and one
        /// GROUP BY (period, level) per categorical metric.
        static func read(_ rows: DatabaseRows, _ conn: PostgresConnection, shards: ShardedPasses?) throws -> Census {
            let spec = rows.spec
            let numeric = spec.features.filter { $0.type != .categorical }
            let values = numeric.enumerated().map { m, fs in "\(InDatabaseDrift.value(fs)) AS \"hc_v\(m)\"" }
            let counts = try InDatabaseDrift.grouped(rows, conn, shards: shards, keys: 1) { r in
                let present = numeric.indices.map { ", count(\"hc_v\($0)\")" }.joined()
                return "SELECT \"hc_p\", count(*)\(present) FROM (SELECT \(([InDatabaseDrift.period(spec) + " AS \"hc_p\""] + values).joined(separator: ", ")) \(r.fromWhere) OFFSET 0) AS \"hc_d\" GROUP BY 1"
            }
            var census = Census()
            for (key, c) in counts where c.count == numeric.count + 1 {
                let label = (key.first ?? nil) ?? ""
                census.rows[label] = c[0]
                for (m, fs) in numeric.enumerated() { census.present[fs.name, default: [:]][label] = c[m + 1] }
            }
            for fs in spec.features where fs.type == .categorical {
                let got = try InDatabaseDrift.grouped(rows, conn, shards: shards, keys: 2) { r in
                    "SELECT \(InDatabaseDrift.period(spec)), \(DatabaseRows.level(fs.name)), count(*) \(r.fromWhere) GROUP BY 1, 2"
                }
                var byPeriod: [String: [String?: Int]] = [:]
                for (key, c) in got where key.count == 2 {
                    byPeriod[(key[0] ?? nil) ?? "", default: [:]][key[1] ?? nil, default: 0] += c.first ?? 0
                }
                census.levels[fs.name] = byPeriod
            }
            return census
        }
    }

    /// The order statistics at `positions` (0-based, ascending, distinct) of `value`'s `count`
    /// non-NULL values over `rows`: the k-th smallest values themselves, exactly, never
    /// interpolated, as the encoders' quantiles are found (`StatisticQueries.orderStatistics`:
    /// one sort on one server, two rounds on the shards).
    func orderStatistics(of value: String, count n: Int, at positions: [Int], over rows: DatabaseRows) throws -> [Int: Double] {
        guard n > 0, !positions.isEmpty else { return [:] }
        let stats = StatisticQueries(conn: conn, shards: shards?.on(rows))
        return Dictionary(uniqueKeysWithValues: zip(positions, try stats.orderStatistics(rows, value: value, count: n, ranks: positions)))
    }

    /// Rows per bin of each numeric metric in `edges` (name → cut points) in each period of
    /// `rows`: one query, grouped by period, the bins as `StabilityReference.counts(numeric:)`
    /// draws them (x ≤ first cut, then (previous, next], then above the last, then missing),
    /// the cut points bound as exact parameters. Metric → period label → counts.
    func binCounts(_ edges: [String: [Double]], over rows: DatabaseRows) throws -> [String: [String: [Int]]] {
        let numeric = spec.features.filter { $0.type != .categorical }
        guard !numeric.isEmpty else { return [:] }
        var bound: [String?] = []
        var aggregates: [String] = []
        for (m, fs) in numeric.enumerated() {
            let v = "\"hc_v\(m)\""
            let cuts = (edges[fs.name] ?? []).map { e -> String in
                bound.append(exactNumber(e))
                return "\(rows.parameter(bound.count - 1))::double precision"
            }
            var filters = cuts.isEmpty ? ["\(v) IS NOT NULL"] : ["\(v) <= \(cuts[0])"]
            for k in cuts.indices.dropFirst() { filters.append("\(v) > \(cuts[k - 1]) AND \(v) <= \(cuts[k])") }
            if let last = cuts.last { filters.append("\(v) > \(last)") }
            filters.append("\(v) IS NULL")
            aggregates += filters.map { "count(*) FILTER (WHERE \($0))" }
        }
        let values = numeric.enumerated().map { m, fs in "\(Self.value(fs)) AS \"hc_v\(m)\"" }
        let got = try Self.grouped(rows, conn, shards: shards, keys: 1, extra: bound) { r in
            "SELECT \"hc_p\", \(aggregates.joined(separator: ", ")) FROM (SELECT \(([Self.period(spec) + " AS \"hc_p\""] + values).joined(separator: ", ")) \(r.fromWhere) OFFSET 0) AS \"hc_d\" GROUP BY 1"
        }
        var out: [String: [String: [Int]]] = [:]
        for (key, counts) in got where counts.count == aggregates.count {
            let label = (key.first ?? nil) ?? ""
            var at = 0
            for fs in numeric {
                let width = (edges[fs.name] ?? []).count + 2
                out[fs.name, default: [:]][label] = Array(counts[at..<(at + width)])
                at += width
            }
        }
        return out
    }

    /// Runs a grouped count query where the rows live (`sql(rows)`, whose first `keys` columns
    /// are the group and the rest counts) and adds up the counts of equal groups across shards.
    static func grouped(_ rows: DatabaseRows, _ conn: PostgresConnection, shards: ShardedPasses?, keys: Int, extra: [String?] = [],
                        _ sql: (DatabaseRows) -> String) throws -> [[String?]: [Int]] {
        let got = try shards.map { try $0.on(rows).rows(sql, extra: extra) } ?? conn.query(sql(rows), rows.parameters + extra)
        var out: [[String?]: [Int]] = [:]
        for row in got where row.count > keys {
            let key = Array(row.prefix(keys))
            let counts = row.dropFirst(keys).map { $0.flatMap { Int($0) } ?? 0 }
            out[key] = out[key].map { zip($0, counts).map(+) } ?? counts
        }
        return out
    }

    /// A numeric or boolean metric's raw value as the panel holds it (booleans as 1.0 / 0.0),
    /// NULL when missing: no transform, no clipping (drift compares the data, not the encoding).
    static func value(_ fs: FeatureSpec) -> String {
        fs.type == .boolean ? SQLEncoding.presentValue(InDatabaseEncoding.fixedStage(fs))
            : "CAST(\(SQLEncoding.identifier(fs.name)) AS DOUBLE PRECISION)"
    }

    /// The period label as text (NULL in a snapshot).
    static func period(_ spec: Spec) -> String {
        spec.data.period.map { "CAST(\(SQLEncoding.identifier($0)) AS TEXT)" } ?? "CAST(NULL AS TEXT)"
    }
}

extension DatabaseRows {
    /// A categorical cell as a level, NULL when missing (NULL or blank): how the pushed-down
    /// encoder and drift read a categorical column.
    static func level(_ name: String) -> String {
        let c = SQLEncoding.identifier(name)
        return "(CASE WHEN \(c) IS NULL OR TRIM(CAST(\(c) AS TEXT)) = '' THEN NULL ELSE CAST(\(c) AS TEXT) END)"
    }
}
