/// Estimating a `CalibrationMap` from out-of-sample scores (p, y, w).
///
/// Why out of sample: on its own training rows a maximum-likelihood logistic model is calibrated
/// in the large by construction, and its overfitting shows only on new rows (Cox slope < 1).
/// The map must be fitted on walk-forward scores, where the model's miscalibration is visible.
///
/// Platt is fitted by plain maximum likelihood, y ~ a + b·logit(p) (the Cox 1958 regression,
/// reusing `CalibrationFit.cox`), as `LogisticRegression(penalty=None).fit(logit(p), y)` in
/// scikit-learn. It does **not** use Platt's (1999) smoothed targets (N₊+1)/(N₊+2): with
/// thousands of out-of-sample rows the smoothing is negligible, and plain ML is what statsmodels,
/// R and the Cox slope report, so "after Platt, the Cox slope is 1 on the estimation rows" holds
/// exactly.
extension CalibrationMap {
    /// Fits the map of `method` (`.none` gives `.identity`).
    public static func fit(_ method: CalibrationOptions.Method, p: [Double], y: [Double], w: [Double]? = nil) throws(CalibrationError) -> CalibrationMap {
        try CalibrationRows(p: p, y: y, w: w, method: method).fit(method, rows: p.indices)
    }

    /// The same map, read from `report` (the `MetricsReport` of these p, y, w) when it holds
    /// the fit: its Cox fit is the Platt map and its calibration-in-the-large intercept the
    /// intercept map, the same Newton steps on the same logits as long as no p needs clipping
    /// (p within [pClip, 1 − pClip]), so the map is bit-identical without a second fit.
    static func fit(_ method: CalibrationOptions.Method, p: [Double], y: [Double], w: [Double]?,
                    reusing report: MetricsReport?) throws(CalibrationError) -> CalibrationMap {
        if let report, p.allSatisfy({ $0 >= pClip && $0 <= 1 - pClip }) {
            if method == .platt, let cox = report.cox { return .platt(a: cox.intercept, b: cox.slope) }
            if method == .intercept, let a = report.calibrationInTheLarge?.logisticIntercept { return .intercept(a: a) }
        }
        return try fit(method, p: p, y: y, w: w)
    }

    /// Platt: maximum-likelihood (a, b) of logit P(y = 1) = a + b·logit(p̃), p̃ = p clipped to
    /// [pClip, 1 − pClip]. Needs both outcomes; throws on perfect separation.
    public static func fitPlatt(p: [Double], y: [Double], w: [Double]? = nil) throws(CalibrationError) -> CalibrationMap {
        try fit(.platt, p: p, y: y, w: w)
    }

    /// Intercept-only: the maximum-likelihood a of logit P(y = 1) = a + offset(logit p̃), by a
    /// one-dimensional Newton iteration (`CalibrationFit.offsetIntercept`, as in
    /// `calibrationInTheLarge`). At the solution the mean calibrated probability equals the
    /// observed churn rate (Σ w p' = Σ w y).
    public static func fitIntercept(p: [Double], y: [Double], w: [Double]? = nil) throws(CalibrationError) -> CalibrationMap {
        try fit(.intercept, p: p, y: y, w: w)
    }

    /// Isotonic: weighted pool-adjacent-violators of y on p (`IsotonicRegression`, as
    /// scikit-learn's `IsotonicRegression(out_of_bounds="clip")`). The table may reach 0 or 1 at
    /// the ends (a block of all stayers or all churners); such probabilities are honest about the
    /// estimation rows but over-confident, which is one reason Platt is the default.
    public static func fitIsotonic(p: [Double], y: [Double], w: [Double]? = nil) throws(CalibrationError) -> CalibrationMap {
        try fit(.isotonic, p: p, y: y, w: w)
    }
}

/// Validated out-of-sample rows, prepared once for fitting maps on any contiguous range of them:
/// the rolling assessment fits one map per period on a growing prefix of the same rows.
struct CalibrationRows {
    let rows: ScoredRows
    /// logit of p clipped to [pClip, 1 − pClip] (`CalibrationMap.clippedLogit`), for the
    /// logit-scale methods; empty for the others.
    let logits: [Double]

    init(p: [Double], y: [Double], w: [Double]?, method: CalibrationOptions.Method) throws(CalibrationError) {
        do { rows = try ScoredRows(p: p, y: y, w: w) } catch { throw .metric(error) }
        logits = method == .platt || method == .intercept ? p.map(CalibrationMap.clippedLogit) : []
    }

    /// The map of `method` estimated on the rows in `range`.
    func fit(_ method: CalibrationOptions.Method, rows range: Range<Int>) throws(CalibrationError) -> CalibrationMap {
        try fit(method, rows: range, prefix: nil)
    }

    /// The maps of `method` estimated on each prefix `0..<end` of the rows, spread over the
    /// cores. The logit-scale fits all start at the same point, so their first Newton steps are
    /// made in one pass over the longest prefix (`PrefixPasses`); each map equals
    /// `fit(method, rows: 0..<end)` to the bit.
    func fitPrefixes(_ method: CalibrationOptions.Method, ends: [Int]) -> [Result<CalibrationMap, CalibrationError>] {
        guard method == .platt || method == .intercept, !ends.isEmpty else {
            return concurrentMap(ends.count) { s in Result { () throws(CalibrationError) in try fit(method, rows: 0..<ends[s]) } }
        }
        let distinct = Array(Set(ends)).sorted()
        let passes = PrefixPasses(x: logits, y: rows.y, w: rows.weights, ends: distinct,
                                  cox: method == .platt, intercept: method == .intercept)
        let maps = concurrentMap(distinct.count) { k in
            Result { () throws(CalibrationError) in try fit(method, rows: 0..<distinct[k], prefix: (passes, k)) }
        }
        let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
        return ends.map { maps[index[$0] ?? 0] }
    }

    /// `prefix`: the first Newton steps of prefix k, when `range` is that prefix.
    private func fit(_ method: CalibrationOptions.Method, rows range: Range<Int>,
                     prefix: (passes: PrefixPasses, k: Int)?) throws(CalibrationError) -> CalibrationMap {
        let r = rows
        do {
            switch method {
            case .none:
                return .identity
            case .platt:
                if let prefix { try prefix.passes.requireBothClasses(prefix.k) } else { try requireBothClasses(y: r.y, w: r.weights, rows: range) }
                let cox = try CalibrationFit.cox(x: logits, y: r.y, w: r.weights, rows: range,
                                                 firstPass: prefix.map { $0.passes.cox[$0.k] })
                return .platt(a: cox.intercept, b: cox.slope)
            case .intercept:
                if let prefix { try prefix.passes.requireBothClasses(prefix.k) } else { try requireBothClasses(y: r.y, w: r.weights, rows: range) }
                return .intercept(a: try CalibrationFit.offsetIntercept(x: logits, y: r.y, w: r.weights, rows: range,
                                                                      firstPass: prefix.map { $0.passes.intercept[$0.k] }).0)
            case .isotonic:
                let w = r.isWeighted ? Array(r.weights[range]) : nil
                return .isotonic(table: try IsotonicRegression.fit(x: Array(r.p[range]), y: Array(r.y[range]), w: w))
            }
        } catch { throw .metric(error) }
    }
}
