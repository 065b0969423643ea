/// A fitted isotonic (monotone non-decreasing) map, as a piecewise-linear table.
///
/// Matches `sklearn.isotonic.IsotonicRegression(increasing=True, out_of_bounds="clip")`:
/// `thresholdsX`/`thresholdsY` are its `X_thresholds_`/`y_thresholds_`, and `predict` is linear
/// interpolation between them with x clipped to [first, last]. This table is what the weight
/// file exports for isotonic calibration; any scorer can evaluate it.
public struct IsotonicFit: Sendable, Codable, Equatable {
    /// Increasing x knots (for calibration: raw probabilities).
    public var thresholdsX: [Double]
    /// Non-decreasing fitted values at the knots (for calibration: calibrated probabilities).
    public var thresholdsY: [Double]

    /// Fitted value at `x`: linear interpolation between knots, constant beyond the ends.
    public func predict(_ x: Double) -> Double {
        let n = thresholdsX.count
        if n == 1 || x <= thresholdsX[0] { return thresholdsY[0] }
        if x >= thresholdsX[n - 1] { return thresholdsY[n - 1] }
        var lo = 0, hi = n - 1 // invariant: X[lo] < x < X[hi]
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if thresholdsX[mid] <= x { lo = mid } else { hi = mid }
        }
        if thresholdsX[lo] == x { return thresholdsY[lo] }
        let slope = (thresholdsY[hi] - thresholdsY[lo]) / (thresholdsX[hi] - thresholdsX[lo])
        return slope * (x - thresholdsX[lo]) + thresholdsY[lo]
    }

    public func predict(_ x: [Double]) -> [Double] { x.map { predict($0) } }

    enum CodingKeys: String, CodingKey {
        case thresholdsX = "thresholds_x", thresholdsY = "thresholds_y"
    }
}

public enum IsotonicRegression {
    /// Weighted isotonic regression of `y` on `x` by pool-adjacent-violators, following
    /// scikit-learn's `IsotonicRegression.fit` step by step:
    /// 1. rows with weight 0 are dropped;
    /// 2. rows are sorted by x (then y) and rows whose x differs from the first x of the current
    ///    run by less than 1e-15 (numpy `finfo(float64).resolution`) are merged into one point
    ///    at that first x, with the weighted mean y and the summed weight ("ties in x");
    /// 3. weighted PAV on those points (adjacent blocks are pooled while a block's mean is >=
    ///    the next one's, so equal neighbouring means become one block);
    /// 4. interior points whose fitted y equals both neighbours' are removed (they lie on a
    ///    flat segment and do not change the interpolation).
    /// `x` and `y` may be any finite numbers (for calibration: p and the 0/1 outcome).
    public static func fit(x: [Double], y: [Double], w: [Double]? = nil) throws(MetricError) -> IsotonicFit {
        guard !x.isEmpty else { throw .empty }
        guard y.count == x.count else { throw .lengthMismatch(name: "y", expected: x.count, actual: y.count) }
        for (i, v) in x.enumerated() where !v.isFinite {
            throw .invalidArgument("isotonic regression: x at row \(i) is \(v); expected a finite number")
        }
        for (i, v) in y.enumerated() where !v.isFinite {
            throw .invalidArgument("isotonic regression: y at row \(i) is \(v); expected a finite number")
        }
        var weights = [Double](repeating: 1, count: x.count)
        if let w {
            guard w.count == x.count else { throw .lengthMismatch(name: "weights", expected: x.count, actual: w.count) }
            for (i, v) in w.enumerated() where !(v.isFinite && v >= 0) { throw .invalidWeight(index: i, value: v) }
            weights = w
        }
        let rows = x.indices.filter { weights[$0] > 0 }
            .sorted { x[$0] != x[$1] ? x[$0] < x[$1] : y[$0] < y[$1] }
        guard let first = rows.first else { throw .zeroTotalWeight }

        // Step 2: merge ties in x.
        let resolution = 1e-15
        var ux: [Double] = [], uy: [Double] = [], uw: [Double] = []
        var cx = x[first], cy = 0.0, cw = 0.0
        for i in rows {
            if x[i] - cx >= resolution {
                ux.append(cx); uw.append(cw); uy.append(cy / cw)
                cx = x[i]; cw = weights[i]; cy = y[i] * weights[i]
            } else {
                cw += weights[i]; cy += y[i] * weights[i]
            }
        }
        ux.append(cx); uw.append(cw); uy.append(cy / cw)

        let fitted = poolAdjacentViolators(uy, uw)

        // Step 4: drop interior points on flat runs.
        var tx: [Double] = [], ty: [Double] = []
        for i in fitted.indices {
            let interior = i > 0 && i < fitted.count - 1
            if !interior || fitted[i] != fitted[i - 1] || fitted[i] != fitted[i + 1] {
                tx.append(ux[i]); ty.append(fitted[i])
            }
        }
        return IsotonicFit(thresholdsX: tx, thresholdsY: ty)
    }

    /// Weighted PAV (Barlow et al. 1972): the non-decreasing sequence minimising Σ w (y − f)².
    /// O(n) amortised with a stack of blocks (weighted sum, weight, length).
    static func poolAdjacentViolators(_ y: [Double], _ w: [Double]) -> [Double] {
        var sum: [Double] = [], weight: [Double] = [], length: [Int] = []
        for i in y.indices {
            sum.append(w[i] * y[i]); weight.append(w[i]); length.append(1)
            while sum.count > 1 {
                let k = sum.count - 1
                if sum[k - 1] / weight[k - 1] < sum[k] / weight[k] { break }
                sum[k - 1] += sum[k]; weight[k - 1] += weight[k]; length[k - 1] += length[k]
                sum.removeLast(); weight.removeLast(); length.removeLast()
            }
        }
        var out: [Double] = []
        out.reserveCapacity(y.count)
        for k in sum.indices {
            out.append(contentsOf: repeatElement(sum[k] / weight[k], count: length[k]))
        }
        return out
    }
}
