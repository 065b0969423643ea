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
