/// A spline feature's design columns beyond the value and missing indicator (`SplineBasis`).
extension FittedFeature {
    /// Where the nonlinear columns start within this feature's columns: after the value column
    /// and the missing indicator, so every reader of those two keeps its offsets.
    var splineOffset: Int { 1 + (missingIndicator == true ? 1 : 0) }

    /// Fills the k − 2 nonlinear columns of `values[rows[i]]`; `columns` holds them one after
    /// the other, `rows.count` cells each. Each cell goes through `cleanNumber`, the scalar
    /// path's own function, so the design and `FittedEncoding.encode` give the same bits. A cell
    /// that cannot be encoded is written as 0 (`fillNumeric` has reported it).
    func fillSpline(_ values: [Double], rows: [Int], firstRow: Int? = nil, columns: UnsafeMutableBufferPointer<Double>) {
        guard let knots, knots.count >= 3 else { return }
        let n = rows.count
        precondition(columns.count >= (knots.count - 2) * n)
        values.withUnsafeBufferPointer { vp in
            for i in 0..<n {
                let r = firstRow.map { $0 + i } ?? rows[i]
                guard let x = try? cleanNumber(vp[r]).value else {
                    for j in 0..<(knots.count - 2) { columns[j * n + i] = 0 }
                    continue
                }
                SplineBasis.nonlinear(x, knots: knots) { j, b in columns[j * n + i] = b }
            }
        }
    }
}
