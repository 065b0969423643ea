/// A failure reported by a BLAS/LAPACK routine (its `info` argument) or by a shape check
/// before one is called.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `dpotrf`: the leading minor of order `order` is not positive definite.
    case notPositiveDefinite(order: Int)
    /// `dpotri`/`dpotrs`: the factor has a zero on its diagonal at `index` (1-based).
    case singular(index: Int)
    /// A routine rejected its argument number `position` (LAPACK's `info < 0`); a bug, not bad data.
    case illegalArgument(routine: String, position: Int)
    /// Shapes that cannot be combined.
    case dimensionMismatch(String)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let order):
            return "matrix is not positive definite (leading minor of order \(order))"
        case .singular(let index):
            return "matrix is singular (zero pivot at position \(index))"
        case .illegalArgument(let routine, let position):
            return "\(routine) rejected argument \(position)"
        case .dimensionMismatch(let what):
            return "dimension mismatch: \(what)"
        }
    }
}
