/// How large a numeric feature's values may be: every number the fit sums squares and products
/// of must have a finite square. Above about 1.34e154 a square overflows double precision, and
/// the fit's sums (XᵀWX, a standard deviation) become infinite or NaN; LAPACK then refuses the
/// matrix with a message that names no column. So a value past `limit` after the transform and
/// the clip and winsorize bounds, or a design value past it (standardized, or a spline's
/// term), is an input problem that names the row, the column and the value, in memory and in
/// the database alike (`FeatureEncoder.fitNumeric`, `InDatabaseEncoding`).
public enum FeatureMagnitude {
    /// 1e154: its square, 1e308, is still below the largest double (1.8e308).
    public static let limit = 1e154

    /// Whether a cleaned value (transformed, clipped) is past the limit.
    static func tooLarge(_ x: Double) -> Bool { !(abs(x) <= limit) }

    /// The design values of numeric feature `f` at cleaned value `x` (after transform and
    /// bounds) that are past the limit, the first one; nil when all are finite and within it.
    /// Checked at the training rows' smallest and largest cleaned values: standardization is
    /// linear, and a spline's terms are zero below its first knot, bounded by the knots' range
    /// between them and linear above the last, so the extremes hold the largest.
    static func overflow(_ f: FittedFeature, at x: Double) -> Double? {
        if tooLarge(x) { return x }
        if let center = f.center, let scale = f.scale {
            guard center.isFinite, scale.isFinite else { return x }
            let z = (x - center) / scale
            if tooLarge(z) { return z }
        }
        var first: Double?
        if let knots = f.knots {
            SplineBasis.nonlinear(x, knots: knots) { _, v in if first == nil, tooLarge(v) { first = v } }
        }
        return first
    }

    /// The problem's text for a cleaned value `x` whose design value `v` (maybe `x` itself) is past the limit.
    static func message(value x: Double, design v: Double) -> String {
        let what = v == x ? "" : " (in the design, after standardization or as a spline's term: \(CellParsing.label(v)))"
        return "this value is too large for the fit\(what): the fit squares it, and past about 1e154 a square overflows double precision; rescale the column (to thousands, say), bound it with clip or winsorize, or use transform: log1p"
    }
}
