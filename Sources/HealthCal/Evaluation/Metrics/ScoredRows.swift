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
        self.rows = rows
        order = SortOrder.rows(by: rows.p, descending: true)
        p = order.map { rows.p[$0] }
        y = order.map { rows.y[$0] }
        weights = rows.isWeighted ? order.map { rows.weights[$0] } : rows.weights
    }

    /// p sorted ascending.
    var ascendingP: [Double] { p.reversed() }
}
