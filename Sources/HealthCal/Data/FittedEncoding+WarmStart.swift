import LinearAlgebra

extension FittedEncoding {
    /// Weights fitted under `old` restated for this encoding's columns: a standardized
    /// column's weight scales by scale / old scale and the intercept absorbs the move of its
    /// center, so every present value keeps its linear predictor. Columns whose transform or
    /// clip bounds changed keep their weight. Also returns the map back, D = ∂β_old/∂β_new
    /// (β_old = D β_new). nil when the two encodings do not have the same columns.
    func carried(_ beta: [Double], from old: FittedEncoding) -> ([Double], Matrix)? {
        guard names == old.names, beta.count == names.count, names.first == "const",
              features.map(\.name) == old.features.map(\.name) else { return nil }
        var out = beta
        var back = Matrix.identity(beta.count)
        var j = 1
        for (f, g) in zip(features, old.features) {
            defer { j += f.width }
            guard f.type != .categorical, let c = f.center, let s = f.scale, let c0 = g.center, let s0 = g.scale,
                  f.transform == g.transform, f.lower == g.lower, f.upper == g.upper, s > 0, s0 > 0 else { continue }
            // β_j (x − c0)/s0 = (β_j s/s0)(x − c)/s + β_j (c − c0)/s0
            out[j] = beta[j] * s / s0
            out[0] += beta[j] * (c - c0) / s0
            back[j, j] = s0 / s
            back[0, j] = -(c - c0) / s
        }
        return (out, back)
    }
}
