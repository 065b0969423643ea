/// `transform: bins` fitted on database rows (docs/monotone-bins.md): the same cut points as
/// `FeatureEncoder.fitBins` on the same rows, from two queries per binned feature: the
/// candidate cuts' order statistics in one sorted pass (`row_number()`; on shards
/// `StatisticQueries.orderStatistics`), then the rows and churners between consecutive
/// candidates in one GROUP BY. `MonotoneBins.choose` then picks
/// the cuts from those counts exactly as it does in memory.
extension InDatabaseEncoding {
    /// Sets `f`'s cuts, direction and bin columns; nil (with a problem added) when no split qualifies.
    static func fitBins(_ fs: FeatureSpec, _ f: FittedFeature, present: Int, rows: DatabaseRows, _ stats: StatisticQueries,
                        problems: inout ProblemCollector) throws -> FittedFeature? {
        let c = SQLEncoding.identifier(fs.name), x = "CAST(\(c) AS DOUBLE PRECISION)"
        let source = "\(rows.relation)"
        // The order statistics `MonotoneBins.candidates` reads: index ⌈(n − 1)·k / grid⌉, and the minimum.
        let grid = MonotoneBins.gridSize
        var indices = Set([0, present - 1])
        for k in 1..<grid { indices.insert(min(Int((Double(present - 1) * Double(k) / Double(grid)).rounded(.up)), present - 1)) }
        let ranks = indices.sorted()
        let value = Dictionary(uniqueKeysWithValues: zip(ranks, try stats.orderStatistics(rows, value: x, count: present, ranks: ranks)))
        guard value.count == indices.count, let minimum = value[0] else {
            throw DatabaseError(.query, "\(rows.relation): the order statistics of \"\(fs.name.debugEscaped)\" came back incomplete")
        }
        var cuts: [Double] = []
        for k in 1..<grid {
            let i = min(Int((Double(present - 1) * Double(k) / Double(grid)).rounded(.up)), present - 1)
            if let v = value[i], v > minimum, v != cuts.last { cuts.append(v) }
        }
        if cuts.isEmpty, value[present - 1] == minimum {
            problems.add(DataProblem(file: source, columnName: fs.name, value: CellParsing.label(minimum),
                                     message: "transform: bins needs at least two distinct values, but the feature is constant on the training rows (\(present) present values); drop it from the spec"))
            return nil
        }
        // Rows and churners per group (group g: cuts[g-1] <= x < cuts[g]).
        var n = [Double](repeating: 0, count: cuts.count + 1), y = n
        if !cuts.isEmpty {
            let group = "(CASE " + cuts.enumerated().map { "WHEN \(x) < \(SQLEncoding.number($0.element)) THEN \($0.offset)" }.joined(separator: " ")
                + " ELSE \(cuts.count) END)"
            for row in try stats.groups(rows, key: "CAST(\(group) AS TEXT)", sums: ["count(*)", "sum(\(rows.outcome))"],
                                         from: { "\($0.fromWhere) AND \(c) IS NOT NULL" }) {
                guard let g = row.key.flatMap({ Int($0) }), g >= 0, g <= cuts.count, row.sums.count == 2 else { continue }
                n[g] = row.sums[0]
                y[g] = row.sums[1]
            }
        }
        switch MonotoneBins.choose(cuts: cuts, rows: n, events: y, maxBins: fs.effectiveMaxBins,
                                   minShare: fs.effectiveMinBinShare, direction: fs.effectiveMonotone) {
        case let .success(result):
            var out = f
            out.cuts = result.cuts
            out.monotone = result.direction
            out.columns = FittedFeature.binColumns(fs.name, cuts: result.cuts)
            return out
        case .failure:
            problems.add(DataProblem(file: source, columnName: fs.name,
                                     message: "transform: bins found no split into 2 or more bins whose churn rates are \(fs.effectiveMonotone == .auto ? "monotone" : fs.effectiveMonotone.rawValue) with at least \(fs.effectiveMinBinShare) of the \(present) present training rows in each bin; try monotone: auto or a smaller min_bin_share"))
            return nil
        }
    }
}
