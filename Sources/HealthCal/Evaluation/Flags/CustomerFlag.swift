/// The kinds of mistakes (or warnings) the flags point at; DESIGN.md "The flags".
public enum FlagKind: String, Sendable, Codable, CaseIterable, Comparable {
    /// Scored in the healthiest band, and churned.
    case falseHealthyChurner = "false_healthy_churner"
    /// In the riskiest band for at least k adjacent scored periods, never churning.
    case persistentAtRisk = "persistent_at_risk"
    /// The health score fell by at least d points from one period to the next.
    case scoreDrop = "score_drop"

    public static func < (a: FlagKind, b: FlagKind) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

/// One point of a customer's scored history.
public struct TrajectoryPoint: Sendable, Codable, Equatable {
    public var period: String
    public var score: Double
    public var band: String
}

/// One flagged customer-period (or streak of periods), with what an analyst needs to see why.
public struct CustomerFlag: Sendable, Codable, Equatable {
    public var kind: FlagKind
    public var customer: String
    /// Segment of the explained row (nil without a segment column).
    public var segment: String?
    /// The flagged periods: the churn period; every period of the streak; the two periods of
    /// the drop (before, after).
    public var periods: [String]
    public var startPeriod: String
    public var endPeriod: String
    /// Health score and band of the explained row: the churn row, the last period of the
    /// streak, or the period after the drop.
    public var score: Double
    public var band: String
    /// Score drops: the score before the drop and the points lost.
    public var previousScore: Double?
    public var drop: Double?
    /// Persistent streaks: the number of periods.
    public var streakLength: Int?
    /// Whether the explained row was put in its band by a failed or missing gate value.
    public var failedGate: Bool
    /// Every scored period of the customer, in order.
    public var trajectory: [TrajectoryPoint]
    /// The `top_features` largest contributions (by absolute value) of the explained row.
    public var topContributions: [FeatureContribution]
    /// False-healthy churners: the features that made the customer look healthiest (most
    /// negative contributions to the churn log-odds); empty for the other kinds.
    public var healthiestContributions: [FeatureContribution]
    /// Sum of contributions per feature group (log-odds), "other" for ungrouped features.
    public var subScores: [String: Double]

    enum CodingKeys: String, CodingKey {
        case kind, customer, segment, periods, startPeriod = "start_period", endPeriod = "end_period", score, band
        case previousScore = "previous_score", drop, streakLength = "streak_length", failedGate = "failed_gate"
        case trajectory, topContributions = "top_contributions", healthiestContributions = "healthiest_contributions"
        case subScores = "sub_scores"
    }
}
