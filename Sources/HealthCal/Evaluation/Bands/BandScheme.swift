import Foundation

/// A frozen list of bands, riskiest first, each holding the health scores from its `minScore` up
/// to the next band's. Quantile bands are computed once from a reference period and then stored
/// here as fixed cut points, so the backtest, the weight file and production agree.
///
/// Assignment compares probabilities, not scores: band k holds p ≤ `maxProbability` of band k
/// (= 1 − minScore/100), and a row goes to the healthiest band whose bound it meets. Comparing
/// in probability avoids the rounding of 100 × (1 − p) and is what the SQL and PMML exports do.
public struct BandScheme: Sendable, Codable, Equatable {
    public struct Band: Sendable, Codable, Equatable {
        public var name: String
        public var color: String?
        /// Lowest health score in the band (0 for the riskiest band).
        public var minScore: Double
        /// Highest churn probability in the band: 1 − minScore / 100.
        public var maxProbability: Double

        public init(name: String, color: String?, minScore: Double) {
            self.name = name
            self.color = color
            self.minScore = minScore
            self.maxProbability = HealthScore.toProbability(minScore)
        }

        enum CodingKeys: String, CodingKey {
            case name, color, minScore = "min_score", maxProbability = "max_probability"
        }
    }

    /// Riskiest first; `bands[0].minScore == 0`.
    public var bands: [Band]

    public init(bands: [Band]) {
        self.bands = bands
    }

    /// Fixed stoplight bands, as an analyst set them.
    public init(fixed: [BandOptions.FixedBand]) {
        bands = fixed.map { Band(name: $0.name, color: $0.color, minScore: $0.minScore) }
    }

    /// Quantile bands: the cut points are the health-score quantiles (numpy's linear method) of
    /// the reference scores at the cumulative shares, riskiest first. With the default
    /// 25/50/25 split the riskiest band starts at 0, the middle band at the 25th percentile and
    /// the healthiest at the 75th.
    public init(quantile: [BandOptions.QuantileBand], referenceProbabilities p: [Double]) throws(BandError) {
        let scores = p.filter(\.isFinite).map(HealthScore.fromProbability).sorted()
        guard !scores.isEmpty else { throw .noReferenceScores }
        var cumulative = 0.0
        var result: [Band] = []
        for (k, band) in quantile.enumerated() {
            let minScore = k == 0 ? 0 : OrderStatistics.quantile(sorted: scores, cumulative)
            result.append(Band(name: band.name, color: band.color, minScore: minScore))
            cumulative += band.share
        }
        bands = result
    }

    /// The band index (0 = riskiest) of churn probability `p`.
    public func index(probability p: Double) -> Int {
        var k = 0
        for (j, band) in bands.enumerated() where j > 0 && p <= band.maxProbability { k = j }
        return k
    }

    public var riskiest: Int { 0 }
    public var healthiest: Int { max(0, bands.count - 1) }
    public var names: [String] { bands.map(\.name) }
}

/// Why bands could not be built.
public enum BandError: Error, Sendable, Equatable, CustomStringConvertible {
    case noReferenceScores
    case unknownReferencePeriod(String, available: [String])

    public var description: String {
        switch self {
        case .noReferenceScores:
            return "no scores in the reference period to derive quantile bands from"
        case .unknownReferencePeriod(let label, let available):
            return "bands.reference_period '\(label)' is not a scored period (scored: \(available.joined(separator: ", ")))"
        }
    }
}
