import CLapack

/// Level-2 and level-3 BLAS products used by the fit, as thin wrappers over OpenBLAS's CBLAS.
extension Matrix {
    /// y = A x (`cblas_dgemv`, no transpose).
    public func multiply(_ x: [Double]) throws(LinearAlgebraError) -> [Double] {
        var y = [Double](repeating: 0, count: rows)
        try multiply(x, into: &y)
        return y
    }

    /// y = A x written into an existing buffer, so a Newton loop allocates nothing (`cblas_dgemv`).
    public func multiply(_ x: [Double], into y: inout [Double]) throws(LinearAlgebraError) {
        guard x.count == cols, y.count == rows else {
            throw .dimensionMismatch("\(rows) x \(cols) matrix times vector of \(x.count) into \(y.count)")
        }
        guard rows > 0 else { return }
        guard cols > 0 else { for i in y.indices { y[i] = 0 }; return }
        storage.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(rows), Int32(cols), 1.0,
                                a.baseAddress, Int32(rows), xp.baseAddress, 1, 0.0, yp.baseAddress, 1)
                }
            }
        }
    }

    /// y[rows] = A[rows, :] x written to `y` at the same row indices (`cblas_dgemv` on a block
    /// of rows); for callers that already split the rows across threads.
    public func multiplyRows(_ rows: Range<Int>, _ x: [Double], into y: UnsafeMutablePointer<Double>) {
        multiplyRows(rows, x, intoStartOf: y + rows.lowerBound)
    }

    /// A[rows, :] x written to `y[0 ..< rows.count]`: for a buffer that holds only these rows.
    public func multiplyRows(_ rows: Range<Int>, _ x: [Double], intoStartOf y: UnsafeMutablePointer<Double>) {
        guard !rows.isEmpty, cols > 0, x.count == cols, rows.lowerBound >= 0, rows.upperBound <= self.rows else { return }
        storage.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xp in
                cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(rows.count), Int32(cols), 1.0,
                            a.baseAddress! + rows.lowerBound, Int32(self.rows), xp.baseAddress, 1, 0.0, y, 1)
            }
        }
    }

    /// y += A[rows, :]ᵀ v, where `v[k]` belongs to row `rows.lowerBound + k` (`cblas_dgemv`,
    /// transposed, on a block of rows): a gradient summed block by block while the block is in cache.
    public func addTransposeRows(_ rows: Range<Int>, _ v: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        guard !rows.isEmpty, cols > 0, rows.lowerBound >= 0, rows.upperBound <= self.rows else { return }
        storage.withUnsafeBufferPointer { a in
            cblas_dgemv(CblasColMajor, CblasTrans, Int32(rows.count), Int32(cols), 1.0,
                        a.baseAddress! + rows.lowerBound, Int32(self.rows), v, 1, 1.0, y, 1)
        }
    }

    /// y = Aᵀ x (`cblas_dgemv`, transposed).
    public func transposeMultiply(_ x: [Double]) throws(LinearAlgebraError) -> [Double] {
        guard x.count == rows else {
            throw .dimensionMismatch("transpose of \(rows) x \(cols) matrix times vector of \(x.count)")
        }
        var y = [Double](repeating: 0, count: cols)
        guard rows > 0, cols > 0 else { return y }
        storage.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    cblas_dgemv(CblasColMajor, CblasTrans, Int32(rows), Int32(cols), 1.0,
                                a.baseAddress, Int32(rows), xp.baseAddress, 1, 0.0, yp.baseAddress, 1)
                }
            }
        }
        return y
    }

    /// C = A B (`cblas_dgemm`).
    public func multiply(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        guard cols == b.rows else {
            throw .dimensionMismatch("\(rows) x \(cols) times \(b.rows) x \(b.cols)")
        }
        var c = Matrix(rows: rows, cols: b.cols)
        guard rows > 0, b.cols > 0, cols > 0 else { return c }
        storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(b.cols),
                                Int32(cols), 1.0, ap.baseAddress, Int32(rows), bp.baseAddress,
                                Int32(b.rows), 0.0, cp.baseAddress, Int32(rows))
                }
            }
        }
        return c
    }
}

extension Matrix {
    /// AᵀA, both triangles filled (`cblas_dsyrk` on the upper triangle, then mirrored).
    public func gram() -> Matrix {
        var g = Matrix(rows: cols, cols: cols)
        guard rows > 0, cols > 0 else { return g }
        storage.withUnsafeBufferPointer { ap in
            g.storage.withUnsafeMutableBufferPointer { gp in
                cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, Int32(cols), Int32(rows),
                            1.0, ap.baseAddress, Int32(rows), 0.0, gp.baseAddress, Int32(cols))
            }
        }
        g.symmetrizeFromUpper()
        return g
    }
}
