import CLapack

extension Cholesky {
    /// xᵢᵀ A⁻¹ xᵢ for every row xᵢ of `x` (n x p, with A = UᵀU p x p): the rows of Z = X U⁻¹
    /// (`cblas_dtrsm`, right side, upper, not transposed), then their squared norms. One
    /// triangular solve over the whole design instead of a solve per row; it is the leverage
    /// of each row once multiplied by the row's IRLS weight (the hat diagonal).
    public func inverseQuadraticForms(rowsOf x: Matrix) throws(LinearAlgebraError) -> [Double] {
        let n = x.rows, p = x.cols
        guard p == factor.rows else { throw .dimensionMismatch("rows of length \(p) against a \(factor.rows) x \(factor.rows) factor") }
        var z = x
        var q = [Double](repeating: 0, count: n)
        guard n > 0, p > 0 else { return q }
        factor.storage.withUnsafeBufferPointer { u in
            z.storage.withUnsafeMutableBufferPointer { zp in
                cblas_dtrsm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, Int32(n), Int32(p),
                            1.0, u.baseAddress, Int32(p), zp.baseAddress, Int32(n))
            }
        }
        // Column by column, so the design is read in memory order.
        z.storage.withUnsafeBufferPointer { zp in
            for j in 0..<p {
                let col = zp.baseAddress! + j * n
                for i in 0..<n { q[i] += col[i] * col[i] }
            }
        }
        return q
    }
}
