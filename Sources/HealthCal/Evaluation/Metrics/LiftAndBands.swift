/// Churn concentration among the highest-risk rows.
public struct TopLift: Sendable, Codable, Equatable {
    /// Share of total weight in the top group (0.1 for the top decile).
    public var fraction: Double
    /// Weighted churn rate in the top group.
    public var topRate: Double
    /// Weighted churn rate overall.
    public var overallRate: Double
    /// topRate / overallRate: how many times the base rate the top group churns.
    public var lift: Double

    enum CodingKeys: String, CodingKey {
        case fraction, topRate = "top_rate", overallRate = "overall_rate", lift
    }
}

/// Churn in one band (e.g. "red", "yellow", "green").
public struct BandChurn: Sendable, Codable, Equatable {
    public var band: String
    public var count: Int
    public var weight: Double
    /// Weighted number of churners.
    public var churners: Double
    /// churners / weight: the observed churn rate of the band (nil when the band has no weight).
    public var churnRate: Double?
    /// Weighted mean predicted probability in the band, to set beside `churnRate` (nil when the
    /// band has no weight).
    public var meanPredicted: Double?

    enum CodingKeys: String, CodingKey {
        case band, count, weight, churners, churnRate = "churn_rate", meanPredicted = "mean_predicted"
    }
}

public enum LiftMetrics {
    /// Lift of the `fraction` of weight with the highest p (default: top decile).
    ///
    /// Ties: rows are taken from the highest p down until `fraction` of the total weight is
    /// reached; the block of rows tied at the cut point is included in proportion, each with the
    /// same share, so exactly `fraction` of the weight is in the group and the answer does not
    /// depend on the order of tied rows. Throws when nobody churned (lift undefined).
    public static func topLift(p: [Double], y: [Double], w: [Double]? = nil, fraction: Double = 0.1) throws(MetricError) -> TopLift {
        let rows = try ScoredRows(p: p, y: y, w: w)
        guard fraction > 0, fraction <= 1 else { throw .invalidArgument("lift fraction must be in (0, 1] (got \(fraction))") }
        return try topLift(RankedRows(rows), fraction: fraction)
    }

    /// The same on validated rows ranked by p.
    static func topLift(_ ranked: RankedRows, fraction: Double) throws(MetricError) -> TopLift {
        let rows = ranked.rows, p = ranked.p, y = ranked.y, w = ranked.weights
        let total = rows.weights.reduce(0, +)
        let churn = rows.p.indices.reduce(0.0) { $0 + rows.weights[$1] * rows.y[$1] }
        guard churn > 0 else { throw .singleClass(outcome: 0) }
        let (taken, takenChurn) = riskiest(fraction * total, p: p, y: y, w: w)
        let topRate = takenChurn / taken
        let overall = churn / total
        return TopLift(fraction: fraction, topRate: topRate, overallRate: overall, lift: topRate / overall)
    }

    /// The weight, and the churners' weight, of the riskiest rows up to `target` weight, the tie
    /// block at the cut included in proportion (so the answer does not depend on the order of
    /// tied rows). `p`, `y`, `w` in rank order, riskiest first. Also the bootstrap's, under each
    /// resample's weights (`ResampledFigures`).
    static func riskiest(_ target: Double, p: [Double], y: [Double], w: [Double]) -> (weight: Double, churn: Double) {
        var taken = 0.0, takenChurn = 0.0
        var k = 0
        while k < p.count && taken < target {
            var j = k
            var blockW = 0.0, blockC = 0.0
            while j < p.count && p[j] == p[k] {
                blockW += w[j]
                blockC += w[j] * y[j]
                j += 1
            }
            let share = blockW > 0 ? min(1, (target - taken) / blockW) : 1
            taken += share * blockW
            takenChurn += share * blockC
            k = j
        }
        return (taken, takenChurn)
    }

    /// Churn rate per band label (one label per row), bands in order of first appearance
    /// unless `order` lists them (labels missing from `order` follow in first-appearance order;
    /// bands listed in `order` but absent from the data appear with count 0).
    public static func churnByBand(p: [Double], y: [Double], w: [Double]? = nil, bands: [String],
                                   order: [String] = []) throws(MetricError) -> [BandChurn] {
        try churnByBand(ScoredRows(p: p, y: y, w: w), bands: bands, order: order)
    }

    static func churnByBand(_ r: ScoredRows, bands: [String], order: [String]) throws(MetricError) -> [BandChurn] {
        guard bands.count == r.count else { throw .lengthMismatch(name: "band labels", expected: r.count, actual: bands.count) }
        var names = order
        var position: [String: Int] = [:]
        for (i, n) in names.enumerated() where position[n] == nil { position[n] = i }
        for b in bands where position[b] == nil {
            position[b] = names.count
            names.append(b)
        }
        var rows = names.map { BandChurn(band: $0, count: 0, weight: 0, churners: 0, churnRate: nil, meanPredicted: nil) }
        var predicted = [Double](repeating: 0, count: names.count)
        for i in r.p.indices {
            guard let k = position[bands[i]] else { continue }
            rows[k].count += 1
            rows[k].weight += r.weights[i]
            rows[k].churners += r.weights[i] * r.y[i]
            predicted[k] += r.weights[i] * r.p[i]
        }
        for k in rows.indices where rows[k].weight > 0 {
            rows[k].churnRate = rows[k].churners / rows[k].weight
            rows[k].meanPredicted = predicted[k] / rows[k].weight
        }
        return rows
    }
}
