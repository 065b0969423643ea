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
        // The rank metrics and the logit-scale fits share nothing but the rows: one core each.
        let (ranks, fits) = concurrently({ RankPart(rows, ranked: RankedRows(rows), bins: bins) }, { FitPart(rows) })
        return try assemble(rows, ranks: ranks, fits: fits, bands: bands, bandOrder: bandOrder)
    }

    /// The report of validated rows from its two parts (`GroupedReports` builds the parts of
    /// many reports at once). `bands`, when given, has one label per row.
    static func assemble(_ rows: ScoredRows, ranks: RankPart, fits: FitPart, bands: [String]?,
                         bandOrder: [String]) throws(MetricError) -> MetricsReport {
        var notes: [String] = []
        func value<T>(_ name: String, _ result: Result<T, MetricError>?) -> T? {
            switch result {
            case .success(let v)?: return v
            case .failure(let error)?: notes.append("\(name): \(error.description)"); return nil
            case nil: return nil
            }
        }
        let rocAUC = value("rocAUC", ranks.rocAUC)
        let deLong = value("rocAUCDeLong", ranks.deLong)
        if rows.isWeighted { notes.append("rocAUCDeLong: not computed for weighted rows (DeLong's variance has no weighted form)") }
        let ap = value("averagePrecision", ranks.averagePrecision)
        let lift = value("topDecileLift", ranks.topLift)
        let citl = value("calibrationInTheLarge", fits.calibrationInTheLarge)
        if let error = fits.calibrationInTheLargeLogit {
            notes.append("calibrationInTheLarge: logistic intercept undefined: \(error.description)")
        }
        let cox = value("cox", fits.cox)
        let hl = value("hosmerLemeshow", ranks.hosmerLemeshow)
        var bandRates: [BandChurn]?
        if let bands {
            bandRates = try LiftMetrics.churnByBand(rows, bands: bands, order: bandOrder)
        }
        let weights = rows.weights, p = rows.p, y = rows.y
        return MetricsReport(
            rowCount: p.count, totalWeight: weights.reduce(0, +), weighted: rows.isWeighted,
            churnRate: weightedMean(y, weights), meanPredicted: weightedMean(p, weights),
            rocAUC: rocAUC, rocAUCDeLong: deLong, averagePrecision: ap, topDecileLift: lift,
            logLoss: fits.logLoss, brier: fits.brier, brierDecomposition: ranks.brierDecomposition,
            reliabilityUniform: ranks.reliabilityUniform, reliabilityQuantile: ranks.reliabilityQuantile,
            calibrationInTheLarge: citl, cox: cox, hosmerLemeshow: hl, bands: bandRates, notes: notes)
    }

    enum CodingKeys: String, CodingKey {
        case rowCount = "row_count", totalWeight = "total_weight", weighted, churnRate = "churn_rate"
        case meanPredicted = "mean_predicted", rocAUC = "roc_auc", rocAUCDeLong = "roc_auc_delong"
        case averagePrecision = "average_precision", topDecileLift = "top_decile_lift", logLoss = "log_loss"
        case brier, brierDecomposition = "brier_decomposition", reliabilityUniform = "reliability_uniform"
        case reliabilityQuantile = "reliability_quantile"
        case calibrationInTheLarge = "calibration_in_the_large", cox, hosmerLemeshow = "hosmer_lemeshow"
        case bands, notes
    }
}

/// The metrics of a report that rank or bin the rows: one ranking (thresholds, DeLong, lift,
/// quantile bins) and one bin assignment per strategy, shared.
struct RankPart: Sendable {
    var rocAUC: Result<Double, MetricError>
    /// nil for weighted rows.
    var deLong: Result<DeLongAUC, MetricError>?
    var averagePrecision: Result<Double, MetricError>
    var topLift: Result<TopLift, MetricError>
    var hosmerLemeshow: Result<HosmerLemeshow, MetricError>
    var brierDecomposition: BrierDecomposition
    var reliabilityUniform: ReliabilityCurve
    var reliabilityQuantile: ReliabilityCurve

    /// `ranked` is `RankedRows(rows)` (or an equal ranking read off a larger one).
    init(_ rows: ScoredRows, ranked: RankedRows, bins: Int) {
        let counts = ThresholdCounts(ranked)
        rocAUC = Result { () throws(MetricError) in
            try requireBothClasses(y: rows.y, w: rows.weights)
            return RankingMetrics.rocAUC(counts)
        }
        deLong = rows.isWeighted ? nil : Result { () throws(MetricError) in try DeLong.auc(ranked) }
        averagePrecision = Result { () throws(MetricError) in try RankingMetrics.averagePrecision(counts) }
        topLift = Result { () throws(MetricError) in try LiftMetrics.topLift(ranked, fraction: 0.1) }
        let uniformEdges = Binning.edges(sortedP: [], bins: bins, strategy: .uniform)
        let uniformBins = Binning.assign(p: rows.p, edges: uniformEdges)
        let quantileEdges = Binning.edges(sortedP: ranked.ascendingP, bins: bins, strategy: .quantile)
        let quantileBins = Binning.assign(p: rows.p, edges: quantileEdges)
        hosmerLemeshow = Result { () throws(MetricError) in try HosmerLemeshowTest.test(rows, groups: bins, ids: quantileBins) }
        brierDecomposition = ProbabilisticScores.brierDecomposition(rows, bins: bins, ids: uniformBins, strategy: .uniform)
        reliabilityUniform = CalibrationCurve.reliability(rows, edges: uniformEdges, bins: uniformBins, strategy: .uniform)
        reliabilityQuantile = CalibrationCurve.reliability(rows, edges: quantileEdges, bins: quantileBins, strategy: .quantile)
    }
}

/// The metrics of a report on the logit scale (Newton fits sharing the logits) and the scores.
struct FitPart: Sendable {
    var calibrationInTheLarge: Result<CalibrationInTheLarge, MetricError>
    /// Why calibration-in-the-large has no logistic intercept (nil when it has one).
    var calibrationInTheLargeLogit: MetricError?
    var cox: Result<CoxCalibration, MetricError>
    var logLoss: Double
    var brier: Double

    /// `terms`, when given, are the per-row terms of these rows, gathered from a larger set's
    /// (`GroupedReports`): the same numbers as computing them here.
    init(_ rows: ScoredRows, terms: RowTerms? = nil) {
        let logits = Result { () throws(MetricError) in
            try requireBothClasses(y: rows.y, w: rows.weights)
            if let x = terms?.logits { return x }
            return try CalibrationFit.logits(rows.p)
        }
        // The difference needs no logit: it is kept when the logistic intercept is undefined.
        do throws(MetricError) {
            calibrationInTheLarge = .success(try CalibrationFit.calibrationInTheLarge(rows, logits: try logits.get()))
            calibrationInTheLargeLogit = nil
        } catch {
            calibrationInTheLarge = .success(CalibrationInTheLarge(difference: CalibrationFit.difference(rows),
                                                                   logisticIntercept: nil, logisticInterceptStandardError: nil))
            calibrationInTheLargeLogit = error
        }
        cox = Result { () throws(MetricError) in
            try CalibrationFit.cox(x: try logits.get(), y: rows.y, w: rows.weights, rows: rows.p.indices)
        }
        logLoss = terms.map { weightedMean($0.logLoss, rows.weights) } ?? ProbabilisticScores.logLoss(rows)
        brier = ProbabilisticScores.brier(rows)
    }
}

/// The per-row terms of `FitPart` that cost a logarithm each, made once for a set of rows and
/// gathered for each group of them.
struct RowTerms: Sendable {
    /// `CalibrationFit.logits(p)`; nil when it throws (p of 0 or 1), and then each group makes
    /// its own, to throw with its own row index.
    var logits: [Double]?
    /// `ProbabilisticScores.logLossTerms`.
    var logLoss: [Double]

    init(_ rows: ScoredRows) {
        logits = try? CalibrationFit.logits(rows.p)
        logLoss = ProbabilisticScores.logLossTerms(rows)
    }

    private init(logits: [Double]?, logLoss: [Double]) {
        self.logits = logits
        self.logLoss = logLoss
    }

    /// The terms of `rows` (indices into these).
    func gathered(_ rows: [Int]) -> RowTerms {
        RowTerms(logits: logits.map { x in rows.map { x[$0] } }, logLoss: rows.map { logLoss[$0] })
    }
}
