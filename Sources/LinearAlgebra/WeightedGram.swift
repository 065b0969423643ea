import CLapack

/// The weighted cross products a Newton/IRLS step needs, Xᵀ diag(w) X and Xᵀ v, accumulated over
/// blocks of rows.
///
/// Each block of rows is scaled by √w into a small scratch buffer that stays in cache and handed
/// to `cblas_dsyrk`; the n x p matrix is never copied whole. Because the result is a sum over
/// blocks, the same accumulator serves an in-memory matrix, a stream of row chunks read from disk,
/// or partial sums computed elsewhere: only the p x p and p-vector results travel.
public struct WeightedGramAccumulator: Sendable {
    public let cols: Int
    /// Upper triangle of Σ Xᵀ diag(w) X so far (column-major p x p).
    public private(set) var gram: Matrix
    /// Σ Xᵀ v so far.
    public private(set) var vector: [Double]
    private var scratch: [Double]
    private let blockRows: Int

    public init(cols: Int, blockRows: Int = 1024) {
        self.cols = cols
        self.blockRows = max(1, blockRows)
        self.gram = Matrix(rows: cols, cols: cols)
        self.vector = [Double](repeating: 0, count: cols)
        self.scratch = [Double](repeating: 0, count: max(1, blockRows) * cols)
    }

    /// Adds the rows `range` of `x` with row weights `w` (non-negative) and vector weights `v`:
    /// gram += Σ_i w_i x_i x_iᵀ, vector += Σ_i v_i x_i. `w` and `v` are indexed like the rows of `x`.
    ///
    /// `offset` is the row of `x` that `w[0]` and `v[0]` belong to: 0 when they cover all rows,
    /// `range.lowerBound` when a caller passes the weights of just this range.
    public mutating func add(
        _ x: Matrix, rows range: Range<Int>, weights w: [Double], vector v: [Double], offset: Int = 0
    ) throws(LinearAlgebraError) {
        guard offset >= 0, range.lowerBound >= offset,
              w.count >= range.upperBound - offset, v.count >= range.upperBound - offset
        else { throw .dimensionMismatch("weighted gram of \(x.rows) x \(x.cols) rows \(range)") }
        try w.withUnsafeBufferPointer { wp throws(LinearAlgebraError) in
            try v.withUnsafeBufferPointer { vp throws(LinearAlgebraError) in
                try add(x, rows: range, weights: wp.baseAddress! + (range.lowerBound - offset),
                        vector: vp.baseAddress! + (range.lowerBound - offset))
            }
        }
    }

    /// `add(_:rows:weights:vector:)` with the weights of exactly the rows of `range`: `w[k]` and
    /// `v[k]` belong to row `range.lowerBound + k`. For a caller that computes the weights of a
    /// small block of rows just before adding it, while the block is still in cache.
    public mutating func add(
        _ x: Matrix, rows range: Range<Int>, weights w: UnsafePointer<Double>, vector v: UnsafePointer<Double>
    ) throws(LinearAlgebraError) {
        guard x.cols == cols, range.lowerBound >= 0, range.upperBound <= x.rows
        else { throw .dimensionMismatch("weighted gram of \(x.rows) x \(x.cols) rows \(range)") }
        guard !range.isEmpty else { return }
        let n = x.rows, p = cols, bs = blockRows
        let root = UnsafeMutablePointer<Double>.allocate(capacity: bs)
        defer { root.deallocate() }
        x.storage.withUnsafeBufferPointer { xp in
            scratch.withUnsafeMutableBufferPointer { sp in
                gram.storage.withUnsafeMutableBufferPointer { gp in
                    vector.withUnsafeMutableBufferPointer { gv in
                        var start = range.lowerBound
                        while start < range.upperBound {
                            let m = min(bs, range.upperBound - start), k = start - range.lowerBound
                            // √w of the block's rows, once, then each column scaled by it.
                            for i in 0..<m { root[i] = w[k + i].squareRoot() }
                            for j in 0..<p {
                                let src = xp.baseAddress! + (start + j * n)
                                let dst = sp.baseAddress! + j * bs
                                for i in 0..<m { dst[i] = src[i] * root[i] }
                            }
                            cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, Int32(p), Int32(m),
                                        1.0, sp.baseAddress, Int32(bs), 1.0, gp.baseAddress, Int32(p))
                            // vector += X[block]ᵀ v[block]
                            cblas_dgemv(CblasColMajor, CblasTrans, Int32(m), Int32(p), 1.0,
                                        xp.baseAddress! + start, Int32(n), v + k, 1, 1.0, gv.baseAddress, 1)
                            start += m
                        }
                    }
                }
            }
        }
    }

    /// Adds another accumulator's sums (from another thread, chunk or machine).
    public mutating func merge(_ other: WeightedGramAccumulator) throws(LinearAlgebraError) {
        guard other.cols == cols else { throw .dimensionMismatch("merging \(other.cols) into \(cols) columns") }
        for k in gram.storage.indices { gram.storage[k] += other.gram.storage[k] }
        for k in vector.indices { vector[k] += other.vector[k] }
    }

    /// The full symmetric Xᵀ diag(w) X.
    public var symmetricGram: Matrix {
        var g = gram
        g.symmetrizeFromUpper()
        return g
    }
}
