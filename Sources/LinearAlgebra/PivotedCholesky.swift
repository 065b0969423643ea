import CLapack

/// Rank-revealing Cholesky with complete pivoting, Pᵀ A P = Uᵀ U (`LAPACKE_dpstrf`).
///
/// Used to find collinear columns cheaply: factor the p x p correlation matrix of the design
/// instead of the n x p design itself. Columns whose pivots fall below the tolerance are linear
/// combinations of the ones chosen before them.
public struct PivotedCholesky: Sendable {
    /// The numerical rank found.
    public let rank: Int
    /// The pivot order, 0-based: `pivot[k]` is the original column chosen at step k. The columns
    /// `pivot[rank...]` are the dependent ones.
    public let pivot: [Int]
    public let factor: Matrix

    /// Factors the upper triangle of `a`; pivots below `tolerance` (absolute, on the diagonal of
    /// the Schur complement) stop the factorization.
    public init(_ a: Matrix, tolerance: Double) throws(LinearAlgebraError) {
        guard a.rows == a.cols else { throw .dimensionMismatch("pivoted Cholesky of \(a.rows) x \(a.cols)") }
        var u = a
        let n = Int32(a.rows)
        var piv = [Int32](repeating: 0, count: a.rows)
        var r: Int32 = 0
        let info = u.storage.withUnsafeMutableBufferPointer { p in
            piv.withUnsafeMutableBufferPointer { pp in
                LAPACKE_dpstrf(LAPACK_COL_MAJOR, upper, n, p.baseAddress, max(1, n), pp.baseAddress, &r, tolerance)
            }
        }
        if info < 0 { throw .illegalArgument(routine: "dpstrf", position: Int(-info)) }
        // info == 1 means rank deficient, which is an answer here, not a failure.
        rank = Int(r)
        pivot = piv.map { Int($0) - 1 }
        factor = u
    }
}
