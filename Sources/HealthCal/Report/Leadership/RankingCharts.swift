/// The data of the report's two ranking figures, the ROC curves and the lift by decile. They
/// sort every out-of-sample score (about a million on a full extract), the report's only heavy
/// work, and depend on the scores alone, so the recalibration computes them on another thread
/// while the flags are found and hands them to `LeadershipReport.html(_:ranking:)`.
public struct RankingCharts: Sendable {
    var roc: [LineSeries]
    var lifts: [(name: String, values: [Double])]

    /// From the scores, outcomes, weights and champion of `r` (its bands, flags and file list
    /// are not read, so they may be filled in later).
    public init(_ r: ReportInputs) {
        let facts = ReportFacts(r)
        // One sort of the new scores for both figures.
        let order = ReportFacts.descendingOrder(r.probability)
        roc = facts.rocSeries(order: order)
        lifts = facts.lifts(order: order)
    }
}
