/// The generating model of the sample panel (docs/sample-data.md): customer segments, how the
/// metrics follow a latent health, and the true churn model on the encoded features.
///
/// Everything the truth depends on is a fixed constant here, not a statistic of the data: the
/// sample spec encodes every numeric feature with a fixed transform, `standardize: false` and
/// `impute: constant` with the values below, so the design columns the fit sees are exactly the
/// columns the churn draws were made from, and the true weights are on the fitted weights' scale.
enum SampleModel {
    struct Segment {
        var name: String
        /// Share of customers.
        var share: Double
        /// Mean of the customer's latent health.
        var healthMean: Double
        /// ln(seats) ~ N(seatsLogMean, 0.6).
        var seatsLogMean: Double
        /// P(basic), P(pro), P(enterprise).
        var planProbabilities: [Double]
        /// Logit of an executive meeting taking place (three chances a quarter) at health 0.
        var execLogit: Double
    }

    static let segments: [Segment] = [
        Segment(name: "enterprise", share: 0.15, healthMean: 0.3, seatsLogMean: 5.5,
                planProbabilities: [0.05, 0.35, 0.60], execLogit: 0.0),
        Segment(name: "mid-market", share: 0.35, healthMean: 0.0, seatsLogMean: 3.8,
                planProbabilities: [0.25, 0.55, 0.20], execLogit: -1.0),
        Segment(name: "SMB", share: 0.50, healthMean: -0.2, seatsLogMean: 2.0,
                planProbabilities: [0.65, 0.32, 0.03], execLogit: -2.5),
    ]
    static let plans = ["basic", "pro", "enterprise"]
    /// Feature adoption is easier on richer plans (logit shift per plan).
    static let planAdoptionShift = [-0.4, 0.0, 0.4]

    /// Latent health is AR(1) around the customer's mean: a_t = φ a_{t-1} + sqrt(1 - φ²) ε_t, so
    /// its variance stays 1 and a bad quarter tends to be followed by another.
    static let persistence = 0.75

    /// Probability that a cell is missing (at random), per metric.
    static let missingRate: [String: Double] = [
        "logins_30d": 0.010, "active_user_share": 0.015, "support_tickets": 0.008,
        "payment_delay_days": 0.005, "nps": 0.30,
    ]

    /// Share of customers with at least 3 (false-healthy) or 4 (persistent-red) periods ahead of
    /// them at entry that are planted.
    static let falseHealthyRate = 0.006
    static let persistentRedRate = 0.010
    /// Shift of the planted customers' latent health: false-healthy look good, persistent-red bad.
    static let falseHealthyShift = 1.8
    static let persistentRedShift = -1.6
    /// A false-healthy customer churns in the first quarter (from its third) whose true churn
    /// probability is below this: about the healthiest quartile's bound (p25 of the true
    /// probability is ~0.009 in the committed sample), so it is healthy by the model's own measure.
    static let falseHealthyMaxProbability = 0.008

    /// The first period of the sample: 2023Q1.
    static let firstQuarter = Period(unit: .quarter, ordinal: 2023 * 4)
    /// Share of customers present in the first period; the rest enter evenly later.
    static let initialShare = 0.75

    /// How a feature is encoded by the sample spec, and its true weight(s).
    struct Feature {
        var name: String
        var kind: FeatureSpec.Kind
        var transform: FeatureSpec.Transform = .none
        /// On the transformed scale, as `impute_value`; nil for features that are never missing.
        var imputeValue: Double?
        var group: String
        /// Weight of the encoded value (numeric/boolean).
        var weight: Double = 0
        /// Weight of the missing indicator, when the feature can be missing.
        var missingWeight: Double = 0
    }

    /// Spec order = design column order (after `const`).
    static let features: [Feature] = [
        Feature(name: "logins_30d", kind: .numeric, transform: .log1p, imputeValue: 3, group: "engagement",
                weight: -0.30, missingWeight: 0),
        Feature(name: "active_user_share", kind: .numeric, imputeValue: 0.6, group: "engagement",
                weight: -1.6, missingWeight: 0),
        Feature(name: "feature_adoption", kind: .numeric, group: "adoption", weight: -0.07),
        Feature(name: "support_tickets", kind: .numeric, transform: .log1p, imputeValue: 1, group: "support",
                weight: 0.35, missingWeight: 0),
        Feature(name: "nps", kind: .numeric, imputeValue: 0, group: "sentiment", weight: -0.012, missingWeight: 0.30),
        Feature(name: "payment_delay_days", kind: .numeric, transform: .log1p, imputeValue: 0, group: "billing",
                weight: 0.40, missingWeight: 0),
        Feature(name: "exec_meetings", kind: .numeric, group: "relationship", weight: -0.25),
        Feature(name: "seats", kind: .numeric, transform: .log1p, group: "deployment", weight: -0.10),
        Feature(name: "plan", kind: .categorical, group: "deployment"),
        Feature(name: "invoice_sent", kind: .boolean, group: "billing", weight: -0.70),
    ]
    static let intercept = 0.0
    /// plan=level weights against the reference `basic`, in the design's column order.
    static let planWeights: [(String, Double)] = [("plan=enterprise", -0.35), ("plan=pro", -0.20)]

    /// The true weights under the design's column names, in the design's order.
    static var trueWeights: [(name: String, weight: Double)] {
        var out: [(String, Double)] = [("const", intercept)]
        for f in features {
            switch f.kind {
            case .categorical: out += planWeights
            case .numeric, .boolean:
                out.append((f.name, f.weight))
                if f.imputeValue != nil { out.append(("\(f.name) (missing)", f.missingWeight)) }
            }
        }
        return out
    }
}
