/// Scored rows (p, y, w) that have passed the metric contract (`validatedWeights`), so that a
/// report of many metrics validates its input once instead of once per metric. The metrics'
/// public functions take plain arrays and build one of these; `MetricsReport` builds one and
/// also shares the order of p between the rank metrics.
struct ScoredRows {
    let p: [Double]
    let y: [Double]
    /// The row weights; all ones when the rows are unweighted.
    let weights: [Double]
    let isWeighted: Bool

    init(p: [Double], y: [Double], w: [Double]?) throws(MetricError) {
        weights = try validatedWeights(p: p, y: y, w: w)
        self.p = p
        self.y = y
        isWeighted = w != nil
    }

    var count: Int { p.count }
}

/// Validated rows in decreasing order of p (ties in row order, `SortOrder`), with p, y and the
/// weights gathered into that order once, so that every rank metric of a report (thresholds,
/// DeLong's midranks, lift, quantile bins) reads them sequentially instead of through `order`.
struct RankedRows {
    let rows: ScoredRows
    /// The row at each rank.
    let order: [Int]
    /// p, y and the weight at each rank.
    let p: [Double]
    let y: [Double]
    let weights: [Double]

    init(_ rows: ScoredRows) {
        self.init(rows, order: SortOrder.rows(by: rows.p, descending: true))
    }

    /// With the order already computed: it must be `SortOrder.rows(by: rows.p, descending: true)`.
    init(_ rows: ScoredRows, order: [Int]) {
        self.rows = rows
        self.order = order
        p = order.map { rows.p[$0] }
        y = order.map { rows.y[$0] }
        weights = rows.isWeighted ? order.map { rows.weights[$0] } : rows.weights
    }

    private init(rows: ScoredRows, order: [Int], p: [Double], y: [Double], weights: [Double]) {
        self.rows = rows
        self.order = order
        self.p = p
        self.y = y
        self.weights = weights
    }

    /// p sorted ascending.
    var ascendingP: [Double] { p.reversed() }

    /// The rankings of groups of these rows, read off this ranking in one pass instead of a sort
    /// each. `members[g]` lists group g's rows (ascending) and `groups[g]` holds their validated
    /// rows in that order (nil: the group is skipped). Each result equals `RankedRows(groups[g])`
    /// exactly: filtering a stable order keeps the tied rows in row order, which is the order of
    /// their positions in the group.
    func split(members: [[Int]], groups: [ScoredRows?]) -> [RankedRows?] {
        var groupOf = [Int32](repeating: -1, count: order.count)
        var local = [Int32](repeating: 0, count: order.count)
        for (g, rows) in members.enumerated() where groups[g] != nil {
            for (j, i) in rows.enumerated() {
                groupOf[i] = Int32(g)
                local[i] = Int32(j)
            }
        }
        var orders = members.map { _ in [Int]() }, ps = members.map { _ in [Double]() }
        var ys = ps, ws = ps
        for (g, rows) in members.enumerated() where groups[g] != nil {
            orders[g].reserveCapacity(rows.count); ps[g].reserveCapacity(rows.count); ys[g].reserveCapacity(rows.count)
            if self.rows.isWeighted { ws[g].reserveCapacity(rows.count) }
        }
        let weighted = self.rows.isWeighted
        for k in order.indices {
            let i = order[k], g = Int(groupOf[i])
            guard g >= 0 else { continue }
            orders[g].append(Int(local[i]))
            ps[g].append(p[k])
            ys[g].append(y[k])
            if weighted { ws[g].append(weights[k]) }
        }
        return groups.indices.map { g in
            groups[g].map { r in RankedRows(rows: r, order: orders[g], p: ps[g], y: ys[g], weights: weighted ? ws[g] : r.weights) }
        }
    }
}
