import Foundation

/// Cox (1958) logistic calibration: logit P(y = 1) = intercept + slope · logit(p).
/// Perfect calibration is intercept 0 and slope 1; a slope below 1 means the scores are too
/// extreme (overfitting), above 1 too timid. These are the "Intercept" and "Slope" of R's
/// `rms::val.prob` and the (a, b) of healthcal's Platt recalibration.
public struct CoxCalibration: Sendable, Codable, Equatable {
    /// a, in log-odds.
    public var intercept: Double
    /// b, unitless (log-odds per log-odds).
    public var slope: Double
    /// Standard errors from the inverse observed information (weights treated as frequencies,
    /// like statsmodels `GLM(freq_weights=w)`).
    public var interceptStandardError: Double
    public var slopeStandardError: Double
    /// Newton steps taken.
    public var iterations: Int

    enum CodingKeys: String, CodingKey {
        case intercept, slope, interceptStandardError = "intercept_standard_error"
        case slopeStandardError = "slope_standard_error", iterations
    }
}

/// Calibration-in-the-large: is the overall churn level right?
public struct CalibrationInTheLarge: Sendable, Codable, Equatable {
    /// Weighted mean observed churn − weighted mean predicted p, in probability units
    /// (positive: the score under-predicts churn).
    public var difference: Double
    /// The intercept a of logit P(y = 1) = a + offset(logit p), in log-odds: the base-rate shift
    /// that would make the mean prediction match (intercept-only recalibration). Maximum
    /// likelihood, so Σ w sigmoid(a + logit p) = Σ w y at the solution. nil (absent from JSON)
    /// where it is undefined: a p of exactly 0 or 1 (no logit), or one outcome only (an
    /// infinite intercept); the report's notes say which. `difference` is defined regardless.
    public var logisticIntercept: Double?
    public var logisticInterceptStandardError: Double?

    enum CodingKeys: String, CodingKey {
        case difference, logisticIntercept = "logistic_intercept"
        case logisticInterceptStandardError = "logistic_intercept_standard_error"
    }
}

public enum CalibrationFit {
    /// Largest number of Newton steps before `.notConverged`.
    public static let maxIterations = 100

    /// Mean difference and logistic (offset) intercept. The logistic one needs 0 < p < 1
    /// (throws `.logitUndefined`) and both outcomes (else the intercept is infinite). A metrics
    /// report keeps the difference when the intercept is undefined (`FitPart`).
    public static func calibrationInTheLarge(p: [Double], y: [Double], w: [Double]? = nil) throws(MetricError) -> CalibrationInTheLarge {
        let rows = try ScoredRows(p: p, y: y, w: w)
        try requireBothClasses(y: y, w: rows.weights)
        return try calibrationInTheLarge(rows, logits: try logits(p))
    }

    /// The same on validated rows with both outcomes, given `logits` = `logits(rows.p)`.
    static func calibrationInTheLarge(_ r: ScoredRows, logits x: [Double]) throws(MetricError) -> CalibrationInTheLarge {
        let (a, info) = try offsetIntercept(x: x, y: r.y, w: r.weights, rows: r.p.indices)
        return CalibrationInTheLarge(difference: difference(r), logisticIntercept: a,
                                     logisticInterceptStandardError: (1 / info).squareRoot())
    }

    /// Weighted mean observed − weighted mean predicted.
    static func difference(_ r: ScoredRows) -> Double {
        weightedMean(r.y, r.weights) - weightedMean(r.p, r.weights)
    }

    /// Newton-Raphson for the a of logit P(y = 1) = a + offset(x) on `rows`, started at 0;
    /// returns a and the information Σ w μ(1 − μ) at it. `firstPass`, when given, is the first
    /// step's sums at a = 0 over these rows (`PrefixPasses`), so that pass is not made again.
    static func offsetIntercept(x: [Double], y: [Double], w: [Double], rows: Range<Int>,
                                firstPass: InterceptSums? = nil) throws(MetricError) -> (Double, Double) {
        var a = 0.0
        var info = 0.0
        for iteration in 0..<maxIterations {
            var sums = InterceptSums()
            if iteration == 0, let firstPass { sums = firstPass } else { sums.add(a: a, x: x, y: y, w: w, rows: rows) }
            let g = sums.g
            info = sums.info
            let step = g / info
            a += step
            if abs(step) <= 1e-13 * max(1, abs(a)) {
                guard info > 0 else { break }
                return (a, info)
            }
        }
        throw .notConverged(what: "calibration-in-the-large intercept", iterations: maxIterations)
    }

    /// Cox calibration intercept and slope by Newton-Raphson on the weighted logistic
    /// log-likelihood Σ w [y η − log(1 + e^η)], η = a + b·logit(p), started at (0, 1).
    /// Throws `.logitUndefined` for p = 0 or 1, `.perfectSeparation` when the fitted
    /// probabilities reproduce every outcome (|y − μ| < 1e-8 on all weighted rows; Newton then
    /// creeps towards infinite estimates), `.notConverged` otherwise.
    public static func cox(p: [Double], y: [Double], w: [Double]? = nil) throws(MetricError) -> CoxCalibration {
        let rows = try ScoredRows(p: p, y: y, w: w)
        try requireBothClasses(y: y, w: rows.weights)
        return try cox(x: try logits(p), y: y, w: rows.weights, rows: p.indices)
    }

    /// The fit on `rows` of validated data with both outcomes, given the logits `x` of p.
    /// Each Newton step is one pass over the rows (gradient and Hessian together). `firstPass`,
    /// when given, is the first step's sums at (0, 1) over these rows (`PrefixPasses`), so that
    /// pass is not made again.
    static func cox(x: [Double], y: [Double], w: [Double], rows: Range<Int>,
                    firstPass: CoxSums? = nil) throws(MetricError) -> CoxCalibration {
        var a = 0.0, b = 1.0
        var h00 = 0.0, h01 = 0.0, h11 = 0.0
        for iteration in 1...maxIterations {
            var sums = CoxSums()
            if iteration == 1, let firstPass { sums = firstPass } else { sums.add(a: a, b: b, x: x, y: y, w: w, rows: rows) }
            let g0 = sums.g0, g1 = sums.g1
            h00 = sums.h00; h01 = sums.h01; h11 = sums.h11
            guard let (d0, d1) = solve2x2(h00, h01, h11, g0, g1) else { break }
            a += d0; b += d1
            if separated(a: a, b: b, x: x, y: y, w: w, rows: rows) {
                throw .perfectSeparation(what: "Cox calibration slope and intercept")
            }
            if abs(d0) <= 1e-13 * max(1, abs(a)) && abs(d1) <= 1e-13 * max(1, abs(b)) {
                let det = h00 * h11 - h01 * h01
                return CoxCalibration(intercept: a, slope: b,
                                      interceptStandardError: (h11 / det).squareRoot(),
                                      slopeStandardError: (h00 / det).squareRoot(), iterations: iteration)
            }
        }
        throw .notConverged(what: "Cox calibration slope and intercept", iterations: maxIterations)
    }

    static func separated(a: Double, b: Double, x: [Double], y: [Double], w: [Double], rows: Range<Int>) -> Bool {
        for i in rows where w[i] > 0 {
            if abs(y[i] - sigmoid(a + b * x[i])) >= 1e-8 { return false }
        }
        return true
    }

    /// Solves [[h00, h01], [h01, h11]] · d = g for a symmetric positive definite 2x2 matrix by
    /// Cramer's rule; nil when the determinant is not positive (singular or indefinite).
    static func solve2x2(_ h00: Double, _ h01: Double, _ h11: Double, _ g0: Double, _ g1: Double) -> (Double, Double)? {
        let det = h00 * h11 - h01 * h01
        guard det > 0, det.isFinite else { return nil }
        return ((h11 * g0 - h01 * g1) / det, (h00 * g1 - h01 * g0) / det)
    }

    static func logits(_ p: [Double]) throws(MetricError) -> [Double] {
        var x = [Double](repeating: 0, count: p.count)
        for i in p.indices {
            guard p[i] > 0, p[i] < 1 else { throw .logitUndefined(index: i, value: p[i]) }
            x[i] = log(p[i] / (1 - p[i]))
        }
        return x
    }

    /// 1 / (1 + e^−η), written to avoid overflow for large |η|.
    static func sigmoid(_ eta: Double) -> Double {
        CalibrationMap.sigmoid(eta)
    }
}

/// The gradient (g0, g1) and Hessian (h00, h01, h11) sums of one Newton step of the Cox fit,
/// accumulated row after row, so that a pass over rows 0..<m continued over m..<n gives the
/// pass over 0..<n to the bit.
struct CoxSums: Sendable, Equatable {
    var g0 = 0.0, g1 = 0.0, h00 = 0.0, h01 = 0.0, h11 = 0.0

    /// Adds the terms of `rows` at (a, b).
    mutating func add(a: Double, b: Double, x: [Double], y: [Double], w: [Double], rows: Range<Int>) {
        var g0 = self.g0, g1 = self.g1, h00 = self.h00, h01 = self.h01, h11 = self.h11
        for i in rows {
            let mu = CalibrationFit.sigmoid(a + b * x[i])
            let r = w[i] * (y[i] - mu), v = w[i] * mu * (1 - mu)
            g0 += r; g1 += r * x[i]
            h00 += v; h01 += v * x[i]; h11 += v * x[i] * x[i]
        }
        self = CoxSums(g0: g0, g1: g1, h00: h00, h01: h01, h11: h11)
    }
}

/// The gradient g and information sums of one Newton step of the offset-intercept fit,
/// accumulated row after row like `CoxSums`.
struct InterceptSums: Sendable, Equatable {
    var g = 0.0, info = 0.0

    /// Adds the terms of `rows` at a.
    mutating func add(a: Double, x: [Double], y: [Double], w: [Double], rows: Range<Int>) {
        var g = self.g, info = self.info
        for i in rows {
            let mu = CalibrationFit.sigmoid(a + x[i])
            g += w[i] * (y[i] - mu)
            info += w[i] * mu * (1 - mu)
        }
        self = InterceptSums(g: g, info: info)
    }
}

/// The first Newton step of the logit-scale fits (Cox/Platt at (0, 1), offset intercept at 0)
/// on each prefix 0..<end of the same rows, from one pass over the longest: the rolling
/// assessment fits a map on every prefix, and every fit starts at the same point, so its first
/// step's sums are those of the shorter prefix continued. With the class weights of each prefix
/// (for `requireBothClasses`). The fits given these sums make the same steps to the bit.
struct PrefixPasses: Sendable {
    /// Σ w of churners and of stayers in each prefix.
    var churnWeight: [Double] = [], stayWeight: [Double] = []
    var cox: [CoxSums] = []
    var intercept: [InterceptSums] = []

    /// `ends` ascending; `cox` and `intercept` choose which fits' sums to make.
    init(x: [Double], y: [Double], w: [Double], ends: [Int], cox wantCox: Bool, intercept wantIntercept: Bool) {
        var c = CoxSums(), s = InterceptSums()
        var pos = 0.0, neg = 0.0
        var from = 0
        for end in ends {
            let range = from..<max(from, end)
            for i in range { if y[i] == 1 { pos += w[i] } else { neg += w[i] } }
            if wantCox { c.add(a: 0, b: 1, x: x, y: y, w: w, rows: range) }
            if wantIntercept { s.add(a: 0, x: x, y: y, w: w, rows: range) }
            churnWeight.append(pos); stayWeight.append(neg)
            if wantCox { cox.append(c) }
            if wantIntercept { intercept.append(s) }
            from = range.upperBound
        }
    }

    /// `requireBothClasses` on prefix k.
    func requireBothClasses(_ k: Int) throws(MetricError) {
        if churnWeight[k] == 0 { throw .singleClass(outcome: 0) }
        if stayWeight[k] == 0 { throw .singleClass(outcome: 1) }
    }
}
