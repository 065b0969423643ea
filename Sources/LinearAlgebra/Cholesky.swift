import CLapack

/// The Cholesky factorization A = Uᵀ U of a symmetric positive-definite matrix (`LAPACKE_dpotrf`),
/// with solves (`dpotrs`) and the inverse (`dpotri`).
public struct Cholesky: Sendable {
    /// The upper-triangular factor U; the strict lower triangle is left as LAPACK leaves it.
    public let factor: Matrix

    /// Factors `a` (only its upper triangle is read). Throws `.notPositiveDefinite` when a leading
    /// minor is not positive, which for a Hessian means the problem is not strictly convex there.
    public init(_ a: Matrix) throws(LinearAlgebraError) {
        guard a.rows == a.cols else { throw .dimensionMismatch("Cholesky of a \(a.rows) x \(a.cols) matrix") }
        var u = a
        let n = Int32(a.rows)
        let info = u.storage.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotrf(LAPACK_COL_MAJOR, upper, n, p.baseAddress, max(1, n))
        }
        if info < 0 { throw .illegalArgument(routine: "dpotrf", position: Int(-info)) }
        if info > 0 { throw .notPositiveDefinite(order: Int(info)) }
        factor = u
    }

    /// Solves A x = b (`LAPACKE_dpotrs`).
    public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        guard b.count == factor.rows else { throw .dimensionMismatch("solve with \(b.count) right-hand values") }
        var x = b
        let n = Int32(factor.rows)
        let info = factor.storage.withUnsafeBufferPointer { u in
            x.withUnsafeMutableBufferPointer { xp in
                LAPACKE_dpotrs(LAPACK_COL_MAJOR, upper, n, 1, u.baseAddress, max(1, n), xp.baseAddress, max(1, n))
            }
        }
        if info < 0 { throw .illegalArgument(routine: "dpotrs", position: Int(-info)) }
        return x
    }

    /// A⁻¹, full and symmetric (`LAPACKE_dpotri`).
    public func inverse() throws(LinearAlgebraError) -> Matrix {
        var inv = factor
        let n = Int32(factor.rows)
        let info = inv.storage.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotri(LAPACK_COL_MAJOR, upper, n, p.baseAddress, max(1, n))
        }
        if info < 0 { throw .illegalArgument(routine: "dpotri", position: Int(-info)) }
        if info > 0 { throw .singular(index: Int(info)) }
        inv.symmetrizeFromUpper()
        return inv
    }

    /// log det A = 2 Σ log U_ii.
    public var logDeterminant: Double {
        factor.diagonal.reduce(0) { $0 + 2 * _log($1) }
    }
}

/// LAPACK's `uplo` argument for the upper triangle.
let upper = CChar(UInt8(ascii: "U"))

@inline(__always) func _log(_ x: Double) -> Double {
    // Foundation-free natural log through the C library the toolchain already links.
    #if canImport(Glibc)
    return Glibc.log(x)
    #else
    return Darwin.log(x)
    #endif
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
