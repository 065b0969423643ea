import LinearAlgebra

/// An encoded design matrix ready for the fit: n rows x p columns, column-major, with the
/// intercept (when present) as column 0 and a name per column.
public struct Design: Sendable {
    public var x: Matrix
    /// One name per column: "const" for the intercept, then e.g. "logins", "plan=pro",
    /// "nps (missing)".
    public var names: [String]
    /// True when column 0 is the constant 1 (never penalized).
    public var hasIntercept: Bool

    public init(x: Matrix, names: [String], hasIntercept: Bool) {
        self.x = x
        self.names = names
        self.hasIntercept = hasIntercept
    }

    public var rowCount: Int { x.rows }
    public var columnCount: Int { x.cols }
}
