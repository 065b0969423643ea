/// Calibration metrics of one set of probabilities on the evaluation rows.
///
/// A metric that is undefined on these rows (a single outcome class, p of exactly 0 or 1 on the
/// logit scale, separation) is nil, with the reason in `CalibrationAssessment.notes`.
public struct CalibrationSummary: Sendable, Codable, Equatable {
    public var rows: Int
    /// Σ w of the evaluation rows.
    public var weight: Double
    /// Mean negative log-likelihood, nats (`ProbabilisticScores.logLoss`).
    public var logLoss: Double
    public var brier: Double
    /// Expected calibration error on 10 equal-mass (quantile) bins.
    public var ece: Double?
    /// Cox calibration intercept a and slope b (ideal 0 and 1).
    public var coxIntercept: Double?
    public var coxSlope: Double?
    /// Their standard errors (inverse information): the sampling noise to judge them against.
    public var coxInterceptStandardError: Double?
    public var coxSlopeStandardError: Double?
    /// Mean observed − mean predicted churn (ideal 0; positive: churn under-predicted).
    public var calibrationInTheLarge: Double
    /// Offset-logistic intercept (ideal 0), the log-odds version of the line above.
    public var calibrationInTheLargeLogit: Double?
}

/// "Calibration is always reported before and after, on periods it was not estimated on"
/// (DESIGN.md). Given out-of-sample (walk-forward) scores with their period ordinal, the map is
/// estimated on earlier scored periods and evaluated on later ones, so the "after" numbers are
/// what production will see, not the in-sample fit of the map (which for Platt is a perfect
/// Cox slope of 1 by construction).
public struct CalibrationAssessment: Sendable, Codable, Equatable {
    public enum Mode: Sendable, Codable, Equatable {
        /// Estimate once on the scored periods before the last `holdout` ones (nil: the last
        /// third of the scored periods, at least 1), evaluate on the holdout periods.
        case split(holdout: Int?)
        /// For each scored period T after the first, estimate on the scored periods t <= T −
        /// horizon and evaluate on T; the evaluations are pooled.
        case rolling
    }

    /// One estimated map and the periods it was estimated on and applied to.
    public struct Step: Sendable, Codable, Equatable {
        public var estimationPeriods: [Int]
        public var evaluationPeriods: [Int]
        public var map: CalibrationMap
    }

    public var method: CalibrationOptions.Method
    public var mode: Mode
    public var steps: [Step]
    /// All periods whose rows are in the before/after evaluation, ascending.
    public var evaluationPeriods: [Int]
    /// The raw scores on the evaluation rows.
    public var before: CalibrationSummary
    /// The recalibrated scores on the same rows.
    public var after: CalibrationSummary
    public var notes: [String]

    /// Runs the assessment. `p`, `y`, `w` are out-of-sample scores, outcomes and optional row
    /// weights; `period` is each row's period ordinal. `horizon` keeps the estimation honest in
    /// the same way as the backtest: the map applied at period T is estimated only on periods
    /// whose outcomes were known at T (t <= T − horizon). In split mode that means the periods
    /// within `horizon − 1` before the holdout are used for neither (with horizon 1, none are lost).
    public static func assess(p: [Double], y: [Double], w: [Double]? = nil, period: [Int],
                              method: CalibrationOptions.Method = .platt, mode: Mode = .split(holdout: nil),
                              horizon: Int = 1) throws(CalibrationError) -> CalibrationAssessment {
        do { _ = try validatedWeights(p: p, y: y, w: w) } catch { throw .metric(error) }
        guard period.count == p.count else {
            throw .metric(.lengthMismatch(name: "periods", expected: p.count, actual: period.count))
        }
        guard horizon >= 1 else { throw .invalidArgument("calibration assessment: horizon is \(horizon); it must be at least 1") }
        let scored = Array(Set(period)).sorted()

        var steps: [Step] = []
        switch mode {
        case .split(let holdout):
            let h = holdout ?? max(1, scored.count / 3)
            guard h >= 1 else { throw .invalidArgument("calibration assessment: holdout is \(h) periods; it must be at least 1") }
            guard scored.count > h else {
                throw .notEnoughPeriods(scored: scored, needed: h + 1, reason: "\(h) held out plus at least one to estimate on")
            }
            let evaluation = Array(scored.suffix(h))
            let estimation = scored.filter { $0 <= evaluation[0] - horizon }
            guard !estimation.isEmpty else {
                throw .notEnoughPeriods(scored: scored, needed: h + horizon,
                                        reason: "\(h) held out and, with horizon \(horizon), one estimated on at least \(horizon) period(s) before them")
            }
            steps.append(try step(p: p, y: y, w: w, period: period, method: method, estimation: estimation, evaluation: evaluation))
        case .rolling:
            for t in scored {
                let estimation = scored.filter { $0 <= t - horizon }
                guard !estimation.isEmpty else { continue }
                steps.append(try step(p: p, y: y, w: w, period: period, method: method, estimation: estimation, evaluation: [t]))
            }
            guard !steps.isEmpty else {
                throw .notEnoughPeriods(scored: scored, needed: 2, reason: "one to estimate on and a later one, at least \(horizon) period(s) on, to evaluate")
            }
        }

        // Pool the evaluation rows of all steps, raw and recalibrated.
        var rows: [Int] = [], after: [Double] = []
        for s in steps {
            let eval = Set(s.evaluationPeriods)
            for i in period.indices where eval.contains(period[i]) {
                rows.append(i); after.append(s.map.apply(p[i]))
            }
        }
        let ey = rows.map { y[$0] }, ew = w.map { w in rows.map { w[$0] } }
        var notes: [String] = []
        let beforeSummary = try summarize(p: rows.map { p[$0] }, y: ey, w: ew, label: "before", notes: &notes)
        let afterSummary = try summarize(p: after, y: ey, w: ew, label: "after", notes: &notes)
        return CalibrationAssessment(method: method, mode: mode, steps: steps,
                                     evaluationPeriods: steps.flatMap(\.evaluationPeriods).sorted(),
                                     before: beforeSummary, after: afterSummary, notes: notes)
    }

    static func step(p: [Double], y: [Double], w: [Double]?, period: [Int], method: CalibrationOptions.Method,
                     estimation: [Int], evaluation: [Int]) throws(CalibrationError) -> Step {
        let est = Set(estimation)
        let rows = period.indices.filter { est.contains(period[$0]) }
        let map = try CalibrationMap.fit(method, p: rows.map { p[$0] }, y: rows.map { y[$0] }, w: w.map { w in rows.map { w[$0] } })
        return Step(estimationPeriods: estimation, evaluationPeriods: evaluation, map: map)
    }

    /// The metrics of `p` on the evaluation rows; logit-scale and binned metrics that are
    /// undefined here become nil with a note rather than failing the whole assessment.
    static func summarize(p: [Double], y: [Double], w: [Double]?, label: String, notes: inout [String]) throws(CalibrationError) -> CalibrationSummary {
        do {
            let weights = try validatedWeights(p: p, y: y, w: w)
            var s = CalibrationSummary(rows: p.count, weight: weights.reduce(0, +),
                                       logLoss: try ProbabilisticScores.logLoss(p: p, y: y, w: w),
                                       brier: try ProbabilisticScores.brier(p: p, y: y, w: w),
                                       calibrationInTheLarge: weightedMean(y, weights) - weightedMean(p, weights))
            do { s.ece = try CalibrationCurve.expectedCalibrationError(p: p, y: y, w: w, bins: 10, strategy: .quantile) } catch {
                notes.append("\(label): ECE undefined: \(error)")
            }
            do {
                let cox = try CalibrationFit.cox(p: p, y: y, w: w)
                s.coxIntercept = cox.intercept; s.coxSlope = cox.slope
                s.coxInterceptStandardError = cox.interceptStandardError; s.coxSlopeStandardError = cox.slopeStandardError
            } catch { notes.append("\(label): Cox slope and intercept undefined: \(error)") }
            do { s.calibrationInTheLargeLogit = try CalibrationFit.calibrationInTheLarge(p: p, y: y, w: w).logisticIntercept } catch {
                notes.append("\(label): logistic calibration-in-the-large undefined: \(error)")
            }
            return s
        } catch { throw .metric(error) }
    }
}
