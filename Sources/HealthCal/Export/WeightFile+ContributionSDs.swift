extension WeightFile {
    /// Contribution SDs of `fit` over `rows`, with the final (calibration-folded) weights.
    static func contributionSDs(panel: Panel, rows: [Int], fit: SpecFit, calibration: CalibrationMap) throws -> [String: Double] {
        let finalWeights: [Double]
        if calibration.isFoldable {
            finalWeights = try calibration.folded(intercept: fit.fit.coefficients[0],
                                                  weights: Array(fit.fit.coefficients.dropFirst())).weights
        } else {
            finalWeights = Array(fit.fit.coefficients.dropFirst())
        }
        if let sds = contributionSDs(encoding: fit.encoding, panel: panel, rows: rows, weights: finalWeights) {
            return sds
        }
        // Some cell cannot be encoded (normally unreachable after the fit): the design names it.
        let design = try fit.encoding.design(panel, rows: rows)
        return contributionSDs(encoding: fit.encoding, columns: (1..<design.x.cols).map { Array(design.x.column($0)) },
                               weights: finalWeights)
    }

    /// Population SD (ddof 0) over rows of each feature's contribution Σⱼ wⱼ xⱼ (the feature's
    /// columns j). `columns[k]` is design column k + 1 (after "const"), `weights` aligned with it.
    public static func contributionSDs(encoding: FittedEncoding, columns: [[Double]], weights: [Double]) -> [String: Double] {
        var out: [String: Double] = [:]
        var j = 0
        let n = columns.first?.count ?? 0
        for f in encoding.features {
            var c = [Double](repeating: 0, count: n)
            for k in j..<(j + f.width) where k < columns.count {
                for i in 0..<n { c[i] += weights[k] * columns[k][i] }
            }
            j += f.width
            out[f.name] = n > 0 ? populationSD(c) : 0
        }
        return out
    }

    /// `contributionSDs(encoding:columns:weights:)` over `rows` of `panel`, one feature at a time
    /// instead of through the whole design (n × p doubles, 264 MB for a million rows and 33
    /// columns): each feature's cells are encoded by the design's own fill functions and summed
    /// in the same order, so the SDs are bit-identical. nil when a feature is missing from the
    /// panel, a cell cannot be encoded, a weight is not finite or there are no rows; the caller
    /// then takes the design path, which reports the problem.
    static func contributionSDs(encoding: FittedEncoding, panel: Panel, rows: [Int], weights: [Double]) -> [String: Double]? {
        let n = rows.count
        guard n > 0, weights.count == encoding.names.count - 1, weights.allSatisfy(\.isFinite) else { return nil }
        var out: [String: Double] = [:]
        var value = [Double](repeating: 0, count: n), indicator = value
        // The contributions of up to four features, feature k's in slot k % 4 (at offset
        // slot·n); their SDs are taken together once the block is full (`populationSDs`).
        var block = [Double](repeating: 0, count: 4 * n)
        var pending: [String] = []
        var failed = false
        // All rows in order (the final fit's case): the fill reads the column straight, four
        // cells at a time, with the same operations per cell.
        let firstRow = FittedEncoding.contiguousStart(rows)
        var j = 0
        for (k, f) in encoding.features.enumerated() {
            defer { j += f.width }
            let at = pending.count * n
            guard let raw = panel.features.first(where: { $0.name == f.name }) else { return nil }
            switch (raw.values, f.type) {
            case let (.numeric(values), .numeric), let (.numeric(values), .boolean):
                let hasIndicator = f.missingIndicator == true && f.width >= 2
                guard f.cuts == nil, f.width == (hasIndicator ? 2 : 1) else { return nil }   // bins: the design path
                value.withUnsafeMutableBufferPointer { v in
                    indicator.withUnsafeMutableBufferPointer { m in
                        _ = f.fillNumeric(values, rows: rows, firstRow: firstRow, value: v, indicator: hasIndicator ? m : nil) { _, _ in
                            failed = true
                        }
                    }
                }
                // Σₖ wₖ·xₖ from 0 over the feature's columns, as the design path sums it; one loop
                // per shape, through buffer pointers, so that it vectorizes.
                let w0 = weights[j], w1 = hasIndicator ? weights[j + 1] : 0
                block.withUnsafeMutableBufferPointer { out in
                    value.withUnsafeBufferPointer { v in
                        indicator.withUnsafeBufferPointer { m in
                            if hasIndicator {
                                for i in 0..<n {
                                    var s = 0.0
                                    s += w0 * v[i]
                                    s += w1 * m[i]
                                    out[at + i] = s
                                }
                            } else {
                                for i in 0..<n {
                                    var s = 0.0
                                    s += w0 * v[i]
                                    out[at + i] = s
                                }
                            }
                        }
                    }
                }
            case let (.text(column), .categorical):
                // One-hot: the design's sum Σₖ wₖ·xₖ from 0 is exactly the level's weight (the
                // zero terms add ±0), or 0 for the reference level.
                for i in 0..<n { block[at + i] = 0 }
                f.fillCategorical(column, rows: rows, report: { _, _ in failed = true }) { i, offset in
                    block[at + i] = 0.0 + weights[j + offset]
                }
            default:
                return nil
            }
            if failed { return nil }
            pending.append(f.name)
            if pending.count == 4 || k == encoding.features.count - 1 {
                for (name, sd) in zip(pending, populationSDs(block, count: pending.count, length: n)) { out[name] = sd }
                pending.removeAll(keepingCapacity: true)
            }
        }
        return out
    }

    /// Population SD (ddof 0) of a non-empty array: the mean first, then the mean squared
    /// deviation (two passes, in index order).
    static func populationSD(_ c: [Double]) -> Double {
        let mean = c.reduce(0, +) / Double(c.count)
        let variance = c.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(c.count)
        return variance.squareRoot()
    }

    /// `populationSD` of each of the first `count` (1...4) columns of `block`, column k at
    /// offset k·n. Each column's sums still run in index order in the same expressions, so
    /// every SD is `populationSD`'s bits; the columns' sums are independent, so one loop
    /// carries four of them side by side instead of waiting on each addition in turn.
    static func populationSDs(_ block: [Double], count: Int, length n: Int) -> [Double] {
        precondition((1...4).contains(count) && n > 0 && block.count >= count * n)
        return block.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return [] }
            // Lanes beyond `count` repeat the last column; their results are dropped.
            let p0 = base, p1 = base + min(1, count - 1) * n
            let p2 = base + min(2, count - 1) * n, p3 = base + min(3, count - 1) * n
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            for i in 0..<n {
                s0 = s0 + p0[i]
                s1 = s1 + p1[i]
                s2 = s2 + p2[i]
                s3 = s3 + p3[i]
            }
            let rows = Double(n)
            let m0 = s0 / rows, m1 = s1 / rows, m2 = s2 / rows, m3 = s3 / rows
            var v0 = 0.0, v1 = 0.0, v2 = 0.0, v3 = 0.0
            for i in 0..<n {
                v0 = v0 + (p0[i] - m0) * (p0[i] - m0)
                v1 = v1 + (p1[i] - m1) * (p1[i] - m1)
                v2 = v2 + (p2[i] - m2) * (p2[i] - m2)
                v3 = v3 + (p3[i] - m3) * (p3[i] - m3)
            }
            return [v0, v1, v2, v3].prefix(count).map { ($0 / rows).squareRoot() }
        }
    }
}
