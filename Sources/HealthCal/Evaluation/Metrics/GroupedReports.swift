/// The `MetricsReport` of a set of scored rows and of each group of rows in it (the backtest's
/// folds, the segments), computed together: one sort ranks the pooled rows and every group's
/// ranking is read off it (`RankedRows.split`), the per-row logarithms are taken once
/// (`RowTerms`), and all the parts run spread over the cores.
/// Every report equals `MetricsReport.compute` on the same rows exactly (same arithmetic in the
/// same order; only the sorting is shared).
enum GroupedReports {
    /// `group[i]` is row i's group in `0..<groupCount`, or −1 (no group); nil: no groups. Group
    /// g's report is that of its rows in row order (the error of `MetricsReport.compute` when
    /// they break the input contract, e.g. `.empty` for a group without rows).
    static func compute(p: [Double], y: [Double], w: [Double]?, group: [Int]?, groupCount: Int, bins: Int = 10)
        -> (pooled: Result<MetricsReport, MetricError>, groups: [Result<MetricsReport, MetricError>]) {
        var rowsOfGroup = [[Int]](repeating: [], count: groupCount)
        if let group {
            for i in group.indices where group[i] >= 0 && group[i] < groupCount { rowsOfGroup[group[i]].append(i) }
        }
        let members = rowsOfGroup
        func gathered(_ rows: [Int]) -> (p: [Double], y: [Double], w: [Double]?) {
            (rows.map { p[$0] }, rows.map { y[$0] }, w.map { ws in rows.map { ws[$0] } })
        }
        let pooledRows: ScoredRows
        do {
            pooledRows = try ScoredRows(p: p, y: y, w: w)
            try Binning.checkBins(bins)
        } catch {
            // Nothing to share: each report on its own (with its own error).
            return (.failure(error), members.map { rows in
                let g = gathered(rows)
                return Result { () throws(MetricError) in try MetricsReport.compute(p: g.p, y: g.y, w: g.w, bins: bins) }
            })
        }
        let validated = members.map { rows in
            let g = gathered(rows)
            return Result { () throws(MetricError) in try ScoredRows(p: g.p, y: g.y, w: g.w) }
        }
        // Part k: the pooled rows (k = 0), then group k − 1.
        let all: [ScoredRows?] = [pooledRows] + validated.map { try? $0.get() }
        let (ranks, fits) = concurrently({ () -> [RankPart?] in
            let ranked = RankedRows(pooledRows)
            let rankings = [ranked] + ranked.split(members: members, groups: Array(all.dropFirst()))
            return concurrentMap(all.count) { k in all[k].flatMap { r in rankings[k].map { RankPart(r, ranked: $0, bins: bins) } } }
        }, { () -> [FitPart?] in
            // The logarithms of every row once; each group gathers its own.
            let terms = RowTerms(pooledRows)
            return concurrentMap(all.count) { k in
                all[k].map { FitPart($0, terms: k == 0 ? terms : terms.gathered(members[k - 1])) }
            }
        })
        let reports = all.indices.map { k -> Result<MetricsReport, MetricError> in
            guard let rows = all[k], let rank = ranks[k], let fit = fits[k] else {
                if case .failure(let error) = validated[k - 1] { return .failure(error) }
                preconditionFailure("a validated group has both its parts")
            }
            return Result { () throws(MetricError) in try MetricsReport.assemble(rows, ranks: rank, fits: fit, bands: nil, bandOrder: []) }
        }
        return (reports[0], Array(reports.dropFirst()))
    }
}
