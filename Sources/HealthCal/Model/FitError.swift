import Foundation

/// Why a logistic fit could not produce trustworthy coefficients. Each case names the columns
/// involved and says what to do.
public enum FitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The outcome takes one value in every row.
    case oneClass(outcome: String, value: Int)
    /// A column holds one value in every row; it carries no information beside the intercept.
    case constantColumn(name: String, value: Double)
    /// Columns that are exact linear combinations of others; `relations` spells them out.
    case collinear(columns: [String], relations: [String])
    /// A direction in which the likelihood keeps rising forever: the columns separate churners
    /// from non-churners (completely or quasi-completely), so the maximum-likelihood weights are
    /// infinite. A ridge penalty gives finite, usable weights.
    case separation(columns: [String], perfectlyPredictedRows: Int)
    /// `firth` together with a ridge (L2) penalty: the two priors are not combined.
    case firthWithRidge(Double)
    /// A NaN or infinity in the data handed to the fit.
    case nonFinite(column: String, row: Int, value: Double)
    /// An outcome that is not 0 or 1, or a row weight that is not positive.
    case invalidValue(column: String, row: Int, value: Double, expected: String)
    /// Shapes that do not fit together (a bug in the caller, reported rather than crashed).
    case shape(String)
    /// The Newton iterations could not continue (e.g. a Hessian that lost positive definiteness).
    case numerical(String)

    public var description: String {
        switch self {
        case .oneClass(let outcome, let value):
            return "outcome '\(outcome.shownInMessage)' is \(value) in every row: a churn model needs both churners and non-churners"
        case .constantColumn(let name, let value):
            return "column '\(name.shownInMessage)' is constant (every row is \(formatNumber(value))): it carries no information beside the intercept; drop it"
        case .collinear(let columns, let relations):
            let list = columns.map { "'\($0.shownInMessage)'" }.joined(separator: ", ")
            let how = relations.isEmpty ? "" : " (" + relations.joined(separator: "; ") + ")"
            return "collinear columns: \(list) \(columns.count == 1 ? "is a linear combination" : "are linear combinations") of other columns\(how); drop \(columns.count == 1 ? "it" : "them") or add a ridge penalty (--ridge)"
        case .separation(let columns, let rows):
            let list = columns.map { "'\($0.shownInMessage)'" }.joined(separator: ", ")
            return "perfect or quasi-complete separation: \(list.isEmpty ? "a combination of columns" : list) predict\(columns.count == 1 ? "s" : "") the outcome exactly for \(rows) row\(rows == 1 ? "" : "s"), so the maximum-likelihood weights are infinite; set `firth: true` under `model:` in the spec (Firth's penalized likelihood: finite, nearly unbiased weights with profile intervals) or add a ridge penalty (for example --ridge 1) to get finite weights"
        case .firthWithRidge(let ridge):
            return "model.firth and a ridge penalty (\(formatNumber(ridge))) cannot be combined: Firth's penalty already keeps the weights finite under separation, and stacking an L2 prior on it would make its intervals and tests mean neither; set ridge to 0 or firth to false"
        case .nonFinite(let column, let row, let value):
            return "column '\(column.shownInMessage)' has the non-finite value \(value) in row \(row + 1)"
        case .invalidValue(let column, let row, let value, let expected):
            return "column '\(column.shownInMessage)' has \(formatNumber(value)) in row \(row + 1); expected \(expected)"
        case .shape(let what):
            return "inconsistent fit input: \(what)"
        case .numerical(let what):
            return "the fit failed numerically: \(what)"
        }
    }
}

/// A number as an analyst would write it: integers without ".0", others with up to 10 significant digits.
func formatNumber(_ v: Double) -> String {
    if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    var s = String(format: "%.10g", v)
    if s.hasPrefix("+") { s.removeFirst() }
    return s
}
