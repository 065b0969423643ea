/// Every evaluation metric of one set of scored rows, computed at once, ready for JSON
/// (`JSONEncoder`; every number is finite, undefined metrics are nil with a note saying why).
///
/// Rows are (p, y, w): predicted churn probability, outcome 0/1, optional row weight. Weighted
/// metrics use w as in scikit-learn's `sample_weight`; the DeLong interval has no weighted form
/// and is only filled in for unweighted rows.
public struct MetricsReport: Sendable, Codable, Equatable {
    /// Number of rows.
    public var rowCount: Int
    /// Σ w (equals `rowCount` when unweighted).
    public var totalWeight: Double
    public var weighted: Bool
    /// Weighted churn share Σ w y / Σ w.
    public var churnRate: Double
    /// Weighted mean of p.
    public var meanPredicted: Double

    // Discrimination
    public var rocAUC: Double?
    /// DeLong 95% interval of the AUC (unweighted rows only).
    public var rocAUCDeLong: DeLongAUC?
    public var averagePrecision: Double?
    /// Lift of the top 10% of weight by p.
    public var topDecileLift: TopLift?

    // Probabilistic accuracy
    /// Nats per row, sklearn's clip at float64 epsilon.
    public var logLoss: Double
    public var brier: Double
    /// On 10 equal-width bins.
    public var brierDecomposition: BrierDecomposition

    // Calibration
    /// 10 equal-width bins; its ECE is "ECE (equal-width)".
    public var reliabilityUniform: ReliabilityCurve
    /// 10 equal-mass bins; its ECE is "ECE (equal-mass)".
    public var reliabilityQuantile: ReliabilityCurve
    public var calibrationInTheLarge: CalibrationInTheLarge?
    public var cox: CoxCalibration?
    public var hosmerLemeshow: HosmerLemeshow?

    /// Churn by band, when band labels were given.
    public var bands: [BandChurn]?
    /// Why an optional metric is missing ("rocAUC: every row has outcome 0 ...").
    public var notes: [String]

    /// Computes everything. Throws only when the rows break the input contract (see
    /// `MetricError`); a metric that is undefined on valid rows (one outcome only, p = 0 or 1 on
    /// the logit scale, perfect separation, too few distinct p) is left nil and explained in `notes`.
    public static func compute(p: [Double], y: [Double], w: [Double]? = nil, bands: [String]? = nil,
                               bandOrder: [String] = [], bins: Int = 10) throws(MetricError) -> MetricsReport {
        let rows = try ScoredRows(p: p, y: y, w: w)
        if let bands, bands.count != p.count {
            throw .lengthMismatch(name: "band labels", expected: p.count, actual: bands.count)
        }
        try Binning.checkBins(bins)
        var notes: [String] = []
        func attempt<T>(_ name: String, _ body: () throws(MetricError) -> T) -> T? {
            do { return try body() } catch { notes.append("\(name): \(error.description)"); return nil }
        }
        let weights = rows.weights
        // Shared by every metric below: one order of p (ranks, thresholds, lift, quantile bins),
        // the bins of each row, and the logits.
        let descending = SortOrder.rows(by: p, descending: true)
        let counts = ThresholdCounts(p: p, y: y, w: weights, descending: descending)
        let uniformEdges = Binning.edges(sortedP: [], bins: bins, strategy: .uniform)
        let uniformBins = Binning.assign(p: p, edges: uniformEdges)
        let quantileEdges = Binning.edges(sortedP: descending.reversed().map { p[$0] }, bins: bins, strategy: .quantile)
        let quantileBins = Binning.assign(p: p, edges: quantileEdges)
        let logits = Result { () throws(MetricError) in try CalibrationFit.logits(p) }

        let rocAUC = attempt("rocAUC") { () throws(MetricError) in
            try requireBothClasses(y: y, w: weights)
            return RankingMetrics.rocAUC(counts)
        }
        var deLong: DeLongAUC?
        if w == nil {
            deLong = attempt("rocAUCDeLong") { () throws(MetricError) in try DeLong.auc(p: p, y: y, descending: descending) }
        } else {
            notes.append("rocAUCDeLong: not computed for weighted rows (DeLong's variance has no weighted form)")
        }
        let ap = attempt("averagePrecision") { () throws(MetricError) in try RankingMetrics.averagePrecision(counts) }
        let lift = attempt("topDecileLift") { () throws(MetricError) in try LiftMetrics.topLift(rows, descending: descending, fraction: 0.1) }
        let citl = attempt("calibrationInTheLarge") { () throws(MetricError) in
            try requireBothClasses(y: y, w: weights)
            return try CalibrationFit.calibrationInTheLarge(rows, logits: try logits.get())
        }
        let cox = attempt("cox") { () throws(MetricError) in
            try requireBothClasses(y: y, w: weights)
            return try CalibrationFit.cox(x: try logits.get(), y: y, w: weights, rows: p.indices)
        }
        let hl = attempt("hosmerLemeshow") { () throws(MetricError) in try HosmerLemeshowTest.test(rows, groups: bins, ids: quantileBins) }
        var bandRates: [BandChurn]?
        if let bands {
            bandRates = try LiftMetrics.churnByBand(rows, bands: bands, order: bandOrder)
        }
        return MetricsReport(
            rowCount: p.count, totalWeight: weights.reduce(0, +), weighted: w != nil,
            churnRate: weightedMean(y, weights), meanPredicted: weightedMean(p, weights),
            rocAUC: rocAUC, rocAUCDeLong: deLong, averagePrecision: ap, topDecileLift: lift,
            logLoss: ProbabilisticScores.logLoss(rows),
            brier: ProbabilisticScores.brier(rows),
            brierDecomposition: ProbabilisticScores.brierDecomposition(rows, bins: bins, ids: uniformBins, strategy: .uniform),
            reliabilityUniform: CalibrationCurve.reliability(rows, edges: uniformEdges, bins: uniformBins, strategy: .uniform),
            reliabilityQuantile: CalibrationCurve.reliability(rows, edges: quantileEdges, bins: quantileBins, strategy: .quantile),
            calibrationInTheLarge: citl, cox: cox, hosmerLemeshow: hl, bands: bandRates, notes: notes)
    }
}
