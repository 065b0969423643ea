import Foundation
import LinearAlgebra

/// The reference production scorer: everything it does is written in the weight file, so a
/// scorer in another language that follows docs/weight-file.md gives the same numbers.
///
/// Per row: encode the raw values (the same cell functions as the training design), pick the
/// segment's model (or the pooled one), η = intercept + Σ wⱼ xⱼ, p = sigmoid(η) (then the
/// isotonic table when the calibration is not folded), health score 100 · (1 − p), band
/// (segment thresholds, gate), and the top contributions wⱼ · (xⱼ − meanⱼ) summed per feature.
public struct Scorer: Sendable {
    public let file: WeightFile

    public init(_ file: WeightFile) { self.file = file }

    /// One feature's push on a row's log-odds, relative to the training mean.
    public struct Contribution: Sendable, Equatable, Codable {
        public var feature: String
        /// The raw value as given ("" when missing).
        public var value: String
        /// Σⱼ wⱼ (xⱼ − meanⱼ) over the feature's columns, in log-odds (positive: more churn risk).
        public var logOdds: Double

        enum CodingKeys: String, CodingKey { case feature, value, logOdds = "log_odds" }
    }

    public struct Score: Sendable, Equatable {
        /// η with the final weights.
        public var linearPredictor: Double
        public var churnProbability: Double
        public var healthScore: Double
        /// nil when the weight file has no bands.
        public var band: String?
        /// The segment whose own model scored the row; nil: the pooled model.
        public var model: String?
        /// All features' contributions, largest |log-odds| first (ties: feature order).
        public var contributions: [Contribution]
    }

    /// The calibrated probability for a linear predictor η of the final weights.
    public func probability(linearPredictor eta: Double) -> Double {
        if file.calibrationFolded { return CalibrationMap.sigmoid(eta) }
        return file.calibration.apply(CalibrationMap.sigmoid(eta))
    }

    /// Scores one row. `row[i]` is the raw value of the encoding's `features[i]` (of the
    /// segment's encoding when the segment has its own; see `features(forSegment:)`).
    public func score(_ row: [RawValue], segment: String? = nil, gateValue: Double? = nil) throws(EncodingProblem) -> Score {
        let chosen = file.model(forSegment: segment)
        let x = try chosen.encoding.encode(row)
        return finish(x: x, raw: row, chosen: chosen, segment: segment, gateValue: gateValue)
    }

    /// The features whose raw values `score` expects for `segment`, in order.
    public func features(forSegment segment: String?) -> [FittedFeature] {
        file.model(forSegment: segment).encoding.features
    }

    func finish(x: [Double], raw: [RawValue], chosen: (name: String?, model: WeightFile.LinearModel, encoding: FittedEncoding),
                segment: String?, gateValue: Double?, eta precomputed: Double? = nil) -> Score {
        let m = chosen.model
        var eta = m.intercept
        if let precomputed { eta = precomputed } else {
            for j in 0..<m.weights.count { eta += m.weights[j] * x[j + 1] }
        }
        let p = probability(linearPredictor: eta)
        let band = file.bands.map { $0.name(probability: p, segment: segment, gateValue: gateValue) }
        var contributions: [Contribution] = []
        var j = 1
        for (f, value) in zip(chosen.encoding.features, raw) {
            var c = 0.0
            for k in j..<(j + f.width) { c += m.weights[k - 1] * (x[k] - chosen.encoding.contributionMeans[k]) }
            contributions.append(Contribution(feature: f.name, value: value.shown, logOdds: c))
            j += f.width
        }
        let order = contributions.indices.sorted {
            let a = abs(contributions[$0].logOdds), b = abs(contributions[$1].logOdds)
            return a != b ? a > b : $0 < $1
        }
        return Score(linearPredictor: eta, churnProbability: p, healthScore: HealthScore.fromProbability(p),
                     band: band, model: chosen.name, contributions: order.map { contributions[$0] })
    }
}
