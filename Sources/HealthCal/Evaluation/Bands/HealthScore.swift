/// The health score customer-success teams read: 100 × (1 − p), p the calibrated churn
/// probability, so 100 is certain to stay and 0 certain to churn.
public enum HealthScore {
    public static func fromProbability(_ p: Double) -> Double { 100 * (1 - p) }
    /// (100 − score) / 100: exact for whole-number scores, so a threshold of 80 is p = 0.2 exactly.
    public static func toProbability(_ score: Double) -> Double { (100 - score) / 100 }
}
