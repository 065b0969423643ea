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
        _ = try validatedWeights(p: p, y: y, w: nil)
        return try auc(p: p, y: y, descending: SortOrder.rows(by: p, descending: true))
    }

    /// The same for validated rows whose order by p, highest first, is already known.
    static func auc(p: [Double], y: [Double], descending: [Int]) throws(MetricError) -> DeLongAUC {
        let s = try structuralComponents(scores: [p], y: y, orders: [descending])
        let variance = s.s10[0][0] / Double(s.m) + s.s01[0][0] / Double(s.n)
        return interval(auc: s.aucs[0], variance: variance)
    }

    /// DeLong's test of AUC(p1) = AUC(p2) on the same rows and outcomes.
    public static func compare(p1: [Double], p2: [Double], y: [Double]) throws(MetricError) -> DeLongComparison {
        guard p2.count == p1.count else {
            throw .lengthMismatch(name: "second score", expected: p1.count, actual: p2.count)
        }
        for p in [p1, p2] { _ = try validatedWeights(p: p, y: y, w: nil) }
        let s = try structuralComponents(scores: [p1, p2], y: y,
                                         orders: [p1, p2].map { SortOrder.rows(by: $0, descending: true) })
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
    /// The scores must be validated; `orders[k]` is every row ordered by `scores[k]`, highest first,
    /// and gives all three midranks without sorting again.
    static func structuralComponents(scores: [[Double]], y: [Double], orders: [[Int]]) throws(MetricError)
        -> (aucs: [Double], s10: [[Double]], s01: [[Double]], m: Int, n: Int) {
        let pos = y.indices.filter { y[$0] == 1 }
        let neg = y.indices.filter { y[$0] == 0 }
        if pos.isEmpty { throw .singleClass(outcome: 0) }
        if neg.isEmpty { throw .singleClass(outcome: 1) }
        guard pos.count >= 2, neg.count >= 2 else {
            throw .invalidArgument("DeLong variance needs at least 2 churners and 2 non-churners (got \(pos.count) and \(neg.count))")
        }
        let m = pos.count, n = neg.count
        var v10 = [[Double]](), v01 = [[Double]](), aucs = [Double]()
        for (p, order) in zip(scores, orders) {
            // tz: rank among all rows; tc: rank within the row's own class.
            var tz = [Double](repeating: 0, count: y.count), tc = tz
            midranks(of: p, descending: order, into: &tz)
            midranks(of: p, descending: order.filter { y[$0] == 1 }, into: &tc)
            midranks(of: p, descending: order.filter { y[$0] == 0 }, into: &tc)
            var a = [Double](repeating: 0, count: m), b = [Double](repeating: 0, count: n)
            for (i, row) in pos.enumerated() { a[i] = (tz[row] - tc[row]) / Double(n) }
            for (j, row) in neg.enumerated() { b[j] = 1 - (tz[row] - tc[row]) / Double(m) }
            aucs.append(a.reduce(0, +) / Double(m))
            v10.append(a)
            v01.append(b)
        }
        return (aucs, covarianceMatrix(v10), covarianceMatrix(v01), m, n)
    }

    /// 1-based ranks with ties given the mean of the ranks they span (midranks).
    static func midranks(_ x: [Double]) -> [Double] {
        var ranks = [Double](repeating: 0, count: x.count)
        midranks(of: x, descending: SortOrder.rows(by: x, descending: true), into: &ranks)
        return ranks
    }

    /// Midranks among the rows of `order` (ordered by x, highest first), written at
    /// `ranks[row]`. A tie block at descending positions i...j of k rows spans the ascending
    /// ranks k − j ... k − i, whose mean k − (i + j)/2 is exact in floating point.
    static func midranks(of x: [Double], descending order: [Int], into ranks: inout [Double]) {
        let k = order.count
        var i = 0
        while i < k {
            var j = i
            while j + 1 < k && x[order[j + 1]] == x[order[i]] { j += 1 }
            let mid = Double(k) - Double(i + j) / 2
            for t in i...j { ranks[order[t]] = mid }
            i = j + 1
        }
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
