/// Hosmer-Lemeshow goodness-of-fit test on groups of p.
public struct HosmerLemeshow: Sendable, Codable, Equatable {
    /// Ĉ = Σ_g (O_g − E_g)² / (E_g (1 − E_g / N_g)), summed over non-empty groups, where O_g is
    /// the (weighted) number of churners, E_g = Σ w p and N_g = Σ w in group g.
    public var statistic: Double
    /// Degrees of freedom: non-empty groups − 2.
    public var degreesOfFreedom: Int
    /// P(χ²_df ≥ Ĉ); small values mean the probabilities do not fit the observed churn.
    public var pValue: Double
    /// The groups, lowest probabilities first.
    public var groups: [Group]

    public struct Group: Sendable, Codable, Equatable {
        public var count: Int
        public var weight: Double
        public var observed: Double
        public var expected: Double
    }

    enum CodingKeys: String, CodingKey {
        case statistic, degreesOfFreedom = "degrees_of_freedom", pValue = "p_value", groups
    }
}

public enum HosmerLemeshowTest {
    /// Hosmer-Lemeshow with `groups` groups (default 10, "deciles of risk").
    ///
    /// Groups are cut at the type-7 sample quantiles of p (R's default `quantile`, numpy's
    /// `percentile`), with lower < p <= upper (the lowest group also holds the minimum), as
    /// `ResourceSelection::hoslem.test` does with `cut(..., include.lowest = TRUE)`. Tied p
    /// therefore always share a group, and groups can be unequal or empty; empty groups are
    /// dropped and cost a degree of freedom. Weights count as frequencies. Groups whose
    /// E_g(1 − E_g/N_g) is 0 (all p in the group 0 or 1) contribute nothing.
    public static func test(p: [Double], y: [Double], w: [Double]? = nil, groups: Int = 10) throws(MetricError) -> HosmerLemeshow {
        let rows = try ScoredRows(p: p, y: y, w: w)
        guard groups >= 3 else { throw .invalidArgument("Hosmer-Lemeshow needs at least 3 groups (got \(groups))") }
        let ids = Binning.assign(p: p, edges: Binning.edges(p: p, bins: groups, strategy: .quantile))
        return try test(rows, groups: groups, ids: ids)
    }

    /// The test on validated rows whose group of each row (`Binning`, quantile edges) is known.
    static func test(_ r: ScoredRows, groups: Int, ids: [Int]) throws(MetricError) -> HosmerLemeshow {
        guard groups >= 3 else { throw .invalidArgument("Hosmer-Lemeshow needs at least 3 groups (got \(groups))") }
        var g = [HosmerLemeshow.Group](repeating: .init(count: 0, weight: 0, observed: 0, expected: 0), count: groups)
        for i in r.p.indices {
            g[ids[i]].count += 1
            g[ids[i]].weight += r.weights[i]
            g[ids[i]].observed += r.weights[i] * r.y[i]
            g[ids[i]].expected += r.weights[i] * r.p[i]
        }
        let used = g.filter { $0.weight > 0 }
        guard used.count >= 3 else {
            throw .invalidArgument("Hosmer-Lemeshow needs at least 3 distinct groups of p; only \(used.count) are non-empty (too few distinct probabilities)")
        }
        var stat = 0.0
        for grp in used {
            let denom = grp.expected * (1 - grp.expected / grp.weight)
            if denom > 0 { stat += (grp.observed - grp.expected) * (grp.observed - grp.expected) / denom }
        }
        let df = used.count - 2
        return HosmerLemeshow(statistic: stat, degreesOfFreedom: df,
                              pValue: Distributions.chiSquareSurvival(stat, degreesOfFreedom: Double(df)),
                              groups: used)
    }
}
