/// What one feature added to a row's churn log-odds, relative to the average training customer.
public struct FeatureContribution: Sendable, Codable, Equatable {
    public var feature: String
    /// The feature's `group` from the spec; "other" when it has none.
    public var group: String
    /// Σ over the feature's design columns of weight × (encoded value − training mean), in
    /// log-odds of churn (positive pushes towards churn). One-hot levels and the missing
    /// indicator are summed into their feature.
    public var contribution: Double
    /// The raw metric as it was in the panel ("" when missing).
    public var value: String
}

/// The explanation of one scored row: per-feature contributions and their sums per group.
public struct RowExplanation: Sendable, Codable, Equatable {
    /// Every feature, in spec order.
    public var contributions: [FeatureContribution]
    /// Log-odds of the average training customer: intercept + Σ weight × training mean. With
    /// the contributions it adds up to the row's (uncalibrated) linear predictor.
    public var baseline: Double

    /// The `n` largest contributions by absolute value (what moved the score most, either way);
    /// ties broken by feature name so the output is deterministic.
    public func top(_ n: Int) -> [FeatureContribution] {
        Array(contributions.sorted { abs($0.contribution) != abs($1.contribution) ? abs($0.contribution) > abs($1.contribution) : $0.feature < $1.feature }
            .prefix(max(0, n)))
    }

    /// The `n` most negative contributions: the features that made the row look healthiest.
    /// Only features that actually lowered the churn log-odds are listed.
    public func healthiest(_ n: Int) -> [FeatureContribution] {
        Array(contributions.filter { $0.contribution < 0 }
            .sorted { $0.contribution != $1.contribution ? $0.contribution < $1.contribution : $0.feature < $1.feature }
            .prefix(max(0, n)))
    }

    /// Sub-scores: the sum of contributions per group, in log-odds ("other" for ungrouped).
    public var groupSums: [String: Double] {
        contributions.reduce(into: [:]) { $0[$1.group, default: 0] += $1.contribution }
    }
}

extension RowExplanation {
    /// The group name for features without a `group` in the spec.
    public static let ungrouped = "other"

    /// Explains row `r` of `panel` with a fold's model: the row is encoded by that fold's
    /// fitted encoding (the same cell functions as the design matrix), then each design column
    /// contributes weight × (encoded − training mean). Contributions are on the raw model's
    /// log-odds scale; a Platt map multiplies them all by its slope b, which changes neither
    /// their order nor (for b > 0) their sign. Returns nil when the row cannot be encoded
    /// (it was scored, so that would be a bug, not bad data) or the model's shape differs.
    public static func explain(panel: Panel, row r: Int, encoding: FittedEncoding, coefficients: [Double]) -> RowExplanation? {
        RowExplainer(panel: panel, encoding: encoding, coefficients: coefficients).explain(row: r)?.full
    }
}
