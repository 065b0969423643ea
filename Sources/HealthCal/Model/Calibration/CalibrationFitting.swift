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
        switch method {
        case .none:
            do { _ = try validatedWeights(p: p, y: y, w: w) } catch { throw .metric(error) }
            return .identity
        case .platt: return try fitPlatt(p: p, y: y, w: w)
        case .intercept: return try fitIntercept(p: p, y: y, w: w)
        case .isotonic: return try fitIsotonic(p: p, y: y, w: w)
        }
    }

    /// Platt: maximum-likelihood (a, b) of logit P(y = 1) = a + b·logit(p̃), p̃ = p clipped to
    /// [pClip, 1 − pClip]. Needs both outcomes; throws on perfect separation.
    public static func fitPlatt(p: [Double], y: [Double], w: [Double]? = nil) throws(CalibrationError) -> CalibrationMap {
        do {
            let cox = try CalibrationFit.cox(p: try clipped(p, y: y, w: w), y: y, w: w)
            return .platt(a: cox.intercept, b: cox.slope)
        } catch { throw .metric(error) }
    }

    /// Intercept-only: the maximum-likelihood a of logit P(y = 1) = a + offset(logit p̃), by a
    /// one-dimensional Newton iteration (`CalibrationFit.calibrationInTheLarge`). At the solution
    /// the mean calibrated probability equals the observed churn rate (Σ w p' = Σ w y).
    public static func fitIntercept(p: [Double], y: [Double], w: [Double]? = nil) throws(CalibrationError) -> CalibrationMap {
        do {
            let citl = try CalibrationFit.calibrationInTheLarge(p: try clipped(p, y: y, w: w), y: y, w: w)
            return .intercept(a: citl.logisticIntercept)
        } catch { throw .metric(error) }
    }

    /// Isotonic: weighted pool-adjacent-violators of y on p (`IsotonicRegression`, as
    /// scikit-learn's `IsotonicRegression(out_of_bounds="clip")`). The table may reach 0 or 1 at
    /// the ends (a block of all stayers or all churners); such probabilities are honest about the
    /// estimation rows but over-confident, which is one reason Platt is the default.
    public static func fitIsotonic(p: [Double], y: [Double], w: [Double]? = nil) throws(CalibrationError) -> CalibrationMap {
        do {
            _ = try validatedWeights(p: p, y: y, w: w)
            return .isotonic(table: try IsotonicRegression.fit(x: p, y: y, w: w))
        } catch { throw .metric(error) }
    }

    /// Validates the contract, then clips p to [pClip, 1 − pClip] so the logit is finite.
    static func clipped(_ p: [Double], y: [Double], w: [Double]?) throws(MetricError) -> [Double] {
        _ = try validatedWeights(p: p, y: y, w: w)
        return p.map { min(max($0, pClip), 1 - pClip) }
    }
}
