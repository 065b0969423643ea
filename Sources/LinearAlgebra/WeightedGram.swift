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
    public mutating func add(
        _ x: Matrix, rows range: Range<Int>, weights w: [Double], vector v: [Double]
    ) throws(LinearAlgebraError) {
        guard x.cols == cols, w.count == x.rows, v.count == x.rows,
              range.lowerBound >= 0, range.upperBound <= x.rows
        else { throw .dimensionMismatch("weighted gram of \(x.rows) x \(x.cols) rows \(range)") }
        let n = x.rows, p = cols, bs = blockRows
        let root = UnsafeMutablePointer<Double>.allocate(capacity: bs)
        defer { root.deallocate() }
        x.storage.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                v.withUnsafeBufferPointer { vp in
                    scratch.withUnsafeMutableBufferPointer { sp in
                        gram.storage.withUnsafeMutableBufferPointer { gp in
                            vector.withUnsafeMutableBufferPointer { gv in
                                var start = range.lowerBound
                                while start < range.upperBound {
                                    let m = min(bs, range.upperBound - start)
                                    // √w of the block's rows, once, then each column scaled by it.
                                    for i in 0..<m { root[i] = wp[start + i].squareRoot() }
                                    for j in 0..<p {
                                        let src = xp.baseAddress! + (start + j * n)
                                        let dst = sp.baseAddress! + j * bs
                                        for i in 0..<m { dst[i] = src[i] * root[i] }
                                    }
                                    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, Int32(p), Int32(m),
                                                1.0, sp.baseAddress, Int32(bs), 1.0, gp.baseAddress, Int32(p))
                                    // vector += X[block]ᵀ v[block]
                                    cblas_dgemv(CblasColMajor, CblasTrans, Int32(m), Int32(p), 1.0,
                                                xp.baseAddress! + start, Int32(n),
                                                vp.baseAddress! + start, 1, 1.0, gv.baseAddress, 1)
                                    start += m
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Σ over all rows of `x`, the rows split across the cores (`Parallel`), each chunk with its
    /// own accumulator, the p x p partial sums added at the end in chunk order.
    public static func parallelSum(_ x: Matrix, weights w: [Double], vector v: [Double]) throws(LinearAlgebraError) -> WeightedGramAccumulator {
        guard w.count == x.rows, v.count == x.rows else {
            throw .dimensionMismatch("weighted gram of \(x.rows) rows with \(w.count) weights and \(v.count) values")
        }
        let slots = ChunkSlots<WeightedGramAccumulator>(count: Parallel.chunkCount(x.rows))
        let chunks = Parallel.forEachChunk(of: 0..<x.rows) { k, rows in
            var acc = WeightedGramAccumulator(cols: x.cols)
            try? acc.add(x, rows: rows, weights: w, vector: v)
            slots.items[k] = acc
        }
        var total = WeightedGramAccumulator(cols: x.cols)
        for k in 0..<chunks {
            guard let part = slots.items[k] else { throw .dimensionMismatch("a chunk of rows was not summed") }
            try total.merge(part)
        }
        return total
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
