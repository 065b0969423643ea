import Foundation

/// ROC AUC with its DeLong (1988) variance and 95% confidence interval.
public struct DeLongAUC: Sendable, Codable, Equatable {
    /// Area under the ROC curve (ties count one half), unitless in [0, 1].
    public var auc: Double
    /// DeLong's nonparametric variance of the AUC estimate.
    public var variance: Double
    /// Standard error √variance.
    public var standardError: Double
    /// AUC − z₀.₉₇₅·SE, clipped to [0, 1] (z₀.₉₇₅ = 1.959963984540054, as pROC's `ci.auc`).
    public var lower95: Double
    /// AUC + z₀.₉₇₅·SE, clipped to [0, 1].
    public var upper95: Double

    enum CodingKeys: String, CodingKey {
        case auc, variance, standardError = "standard_error", lower95, upper95
    }
}

/// DeLong's test that two scores have the same AUC on the same rows (champion vs challenger).
public struct DeLongComparison: Sendable, Codable, Equatable {
    /// The first score's AUC with its own interval.
    public var first: DeLongAUC
    /// The second score's AUC with its own interval.
    public var second: DeLongAUC
    /// AUC₁ − AUC₂.
    public var difference: Double
    /// Covariance of the two AUC estimates (they share rows, so they are correlated).
    public var covariance: Double
    /// SE of the difference, √(V₁ + V₂ − 2·Cov).
    public var standardError: Double
    /// difference / SE; 0 when SE is 0 and the difference is 0.
    public var z: Double
    /// Two-sided normal p-value P(|Z| ≥ |z|).
    public var pValue: Double
    /// difference ∓ z₀.₉₇₅·SE, clipped to [−1, 1].
    public var lower95: Double
    public var upper95: Double

    enum CodingKeys: String, CodingKey {
        case first, second, difference, covariance, standardError = "standard_error", z, pValue = "p_value"
        case lower95, upper95
    }
}

/// DeLong, DeLong & Clarke-Pearson (1988), "Comparing the areas under two or more correlated
/// ROC curves", computed with the fast midrank algorithm of Sun & Xu (2014), IEEE SPL 21(11):
/// O(n log n) per score instead of the O(m·n) placement-value double loop.
///
/// Unweighted by construction: DeLong's variance is a U-statistic variance with no standard
/// weighted form, so these functions take no weights (the report uses it only when unweighted).
public enum DeLong {
    /// AUC, variance and 95% interval of one score.
    public static func auc(p: [Double], y: [Double]) throws(MetricError) -> DeLongAUC {
        try auc(RankedRows(ScoredRows(p: p, y: y, w: nil)))
    }

    /// The same for validated rows already ranked by p (their weights are ignored).
    static func auc(_ ranked: RankedRows) throws(MetricError) -> DeLongAUC {
        let s = try structuralComponents([ranked])
        let variance = s.s10[0][0] / Double(s.m) + s.s01[0][0] / Double(s.n)
        return interval(auc: s.aucs[0], variance: variance)
    }

    /// DeLong's test of AUC(p1) = AUC(p2) on the same rows and outcomes.
    public static func compare(p1: [Double], p2: [Double], y: [Double]) throws(MetricError) -> DeLongComparison {
        guard p2.count == p1.count else {
            throw .lengthMismatch(name: "second score", expected: p1.count, actual: p2.count)
        }
        let rows = [try ScoredRows(p: p1, y: y, w: nil), try ScoredRows(p: p2, y: y, w: nil)]
        let s = try structuralComponents(rows.map(RankedRows.init))
        let m = Double(s.m), n = Double(s.n)
        func cov(_ a: Int, _ b: Int) -> Double { s.s10[a][b] / m + s.s01[a][b] / n }
        let v1 = cov(0, 0), v2 = cov(1, 1), c12 = cov(0, 1)
        let diff = s.aucs[0] - s.aucs[1]
        let se = max(0, v1 + v2 - 2 * c12).squareRoot()
        let z: Double = se > 0 ? diff / se : (diff == 0 ? 0 : (diff > 0 ? .infinity : -.infinity))
        let half = Distributions.z975 * se
        return DeLongComparison(
            first: interval(auc: s.aucs[0], variance: v1),
            second: interval(auc: s.aucs[1], variance: v2),
            difference: diff, covariance: c12, standardError: se, z: z,
            pValue: Distributions.twoSidedNormalPValue(z),
            lower95: max(-1, diff - half), upper95: min(1, diff + half))
    }

    static func interval(auc: Double, variance: Double) -> DeLongAUC {
        let se = max(0, variance).squareRoot()
        let half = Distributions.z975 * se
        return DeLongAUC(auc: auc, variance: variance, standardError: se,
                         lower95: max(0, auc - half), upper95: min(1, auc + half))
    }

    /// Sun & Xu's algorithm. For positives X (m rows) and negatives Y (n rows) of each score:
    /// T_X, T_Y, T_Z are midranks within X, within Y and within X∪Y; the placement values are
    /// V10ᵢ = (T_Zᵢ − T_Xᵢ)/n and V01ⱼ = 1 − (T_Zⱼ − T_Yⱼ)/m; AUC = mean V10; S10, S01 are the
    /// sample covariance matrices (denominator m−1, n−1) of the placement values across scores.
    ///
    /// All three midranks come from one walk down the ranked rows: a block of k tied rows at
    /// ranks i...j (from the top, of N) spans the ascending ranks N − j ... N − i, whose mean
    /// N − (i + j)/2 is exact in floating point; within a class, the same with the class's own
    /// running count. Placement values are stored in row order, as the definition lists them.
    static func structuralComponents(_ scores: [RankedRows]) throws(MetricError)
        -> (aucs: [Double], s10: [[Double]], s01: [[Double]], m: Int, n: Int) {
        let y = scores[0].rows.y
        let m = y.count(where: { $0 == 1 }), n = y.count - m
        if m == 0 { throw .singleClass(outcome: 0) }
        if n == 0 { throw .singleClass(outcome: 1) }
        guard m >= 2, n >= 2 else {
            throw .invalidArgument("DeLong variance needs at least 2 churners and 2 non-churners (got \(m) and \(n))")
        }
        var v10 = [[Double]](), v01 = [[Double]](), aucs = [Double]()
        for r in scores {
            // Each row's placement value, stored by row (a scattered store, which unlike a
            // scattered load does not stall), then split by class in row order.
            var placement = [Double](repeating: 0, count: y.count)
            let total = r.p.count
            var start = 0, posBefore = 0, negBefore = 0
            while start < total {
                var end = start
                var pos = r.y[start] == 1 ? 1 : 0
                while end + 1 < total && r.p[end + 1] == r.p[start] {
                    end += 1
                    if r.y[end] == 1 { pos += 1 }
                }
                let neg = end - start + 1 - pos
                let tz = Double(total) - Double(start + end) / 2
                let tx = Double(m) - Double(2 * posBefore + pos - 1) / 2
                let ty = Double(n) - Double(2 * negBefore + neg - 1) / 2
                for k in start...end {
                    placement[r.order[k]] = r.y[k] == 1 ? (tz - tx) / Double(n) : 1 - (tz - ty) / Double(m)
                }
                posBefore += pos
                negBefore += neg
                start = end + 1
            }
            var a: [Double] = [], b: [Double] = []
            a.reserveCapacity(m)
            b.reserveCapacity(n)
            for i in y.indices { if y[i] == 1 { a.append(placement[i]) } else { b.append(placement[i]) } }
            aucs.append(a.reduce(0, +) / Double(m))
            v10.append(a)
            v01.append(b)
        }
        return (aucs, covarianceMatrix(v10), covarianceMatrix(v01), m, n)
    }

    /// 1-based ranks with ties given the mean of the ranks they span (midranks), computed as in
    /// `structuralComponents` from the order highest first.
    static func midranks(_ x: [Double]) -> [Double] {
        let order = SortOrder.rows(by: x, descending: true)
        var ranks = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            for t in i...j { ranks[order[t]] = Double(order.count) - Double(i + j) / 2 }
            i = j + 1
        }
        return ranks
    }

    /// Sample covariance matrix (denominator count − 1) of rows `v[k]` (one row per score).
    static func covarianceMatrix(_ v: [[Double]]) -> [[Double]] {
        let k = v.count
        let means = v.map { $0.reduce(0, +) / Double($0.count) }
        var c = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for a in 0..<k {
            for b in a..<k {
                var s = 0.0
                for i in v[a].indices { s += (v[a][i] - means[a]) * (v[b][i] - means[b]) }
                c[a][b] = s / Double(v[a].count - 1)
                c[b][a] = c[a][b]
            }
        }
        return c
    }
}
