/// Judging a score that already exists (another model's churn probability, or the 0–100 health
/// score a customer-success platform computes today) before replacing it.
public enum ScoreScale: String, Sendable, Codable, CaseIterable {
    /// Decide from the values: in [0, 1] a churn probability; with `higherIsHealthier` and
    /// values in [0, 100] a health score; otherwise ranks only.
    case auto
    /// A churn probability in [0, 1].
    case probability
    /// A 0–100 health score, higher healthier: p = (100 − score) / 100.
    case health100 = "health-100"
    /// Only the order means something: ranking metrics only.
    case rank
}

public struct ScoreEvaluation: Sendable, Codable {
    /// How the score was read.
    public var scale: ScoreScale
    /// Metrics over all rows (probabilities), or nil for a rank-only score.
    public var overall: MetricsReport?
    /// Ranking metrics, always: AUC (DeLong CI), average precision, top-decile lift.
    public var auc: Double
    public var aucDeLong: DeLongAUC?
    public var averagePrecision: Double
    public var topDecileLift: TopLift?
    /// Per period (chronological), when a period column was given.
    public var perPeriod: [PeriodMetrics]
    public var notes: [String]

    public struct PeriodMetrics: Sendable, Codable {
        public var period: String
        public var rows: Int
        public var churnRate: Double
        public var auc: Double?
        public var brier: Double?
        public var logLoss: Double?

        enum CodingKeys: String, CodingKey {
            case period, rows, churnRate = "churn_rate", auc, brier, logLoss = "log_loss"
        }
    }

    /// Evaluates `score` against outcomes `y` (0/1), optional weights and period labels.
    public static func evaluate(score: [Double], y: [Double], w: [Double]? = nil, periods: [String]? = nil,
                                higherIsHealthier: Bool, scale requested: ScoreScale = .auto) throws -> ScoreEvaluation {
        var notes: [String] = []
        let finite = score.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 0
        var scale = requested
        if scale == .auto {
            if higherIsHealthier { scale = lo >= 0 && hi <= 100 ? .health100 : .rank }
            else { scale = lo >= 0 && hi <= 1 ? .probability : .rank }
            notes.append("score read as \(scale.rawValue) (values from \(MetricsText.num(lo, 4)) to \(MetricsText.num(hi, 4)))")
        }
        // A churn-risk number that grows with risk, for the ranking metrics.
        let risk: [Double]
        switch scale {
        case .probability: risk = score
        case .health100: risk = score.map { (100 - $0) / 100 }
        case .rank, .auto: risk = higherIsHealthier ? score.map { -$0 } : score
        }
        // Ranking metrics need values in [0, 1]: map the risk order to (0, 1) by rank.
        let rankRisk = scale == .rank ? normalizedRanks(risk) : risk
        let auc = try RankingMetrics.rocAUC(p: rankRisk, y: y, w: w)
        let delong = w == nil ? try? DeLong.auc(p: rankRisk, y: y) : nil
        let ap = try RankingMetrics.averagePrecision(p: rankRisk, y: y, w: w)
        let lift = try? LiftMetrics.topLift(p: rankRisk, y: y, w: w)
        let overall = scale == .rank ? nil : try MetricsReport.compute(p: risk, y: y, w: w)
        if scale == .rank { notes.append("rank-only score: log loss, Brier and calibration need probabilities and are not computed") }

        var perPeriod: [PeriodMetrics] = []
        if let periods {
            let order = periodOrder(periods)
            for label in order {
                let idx = periods.indices.filter { periods[$0] == label }
                let py = idx.map { y[$0] }, pr = idx.map { rankRisk[$0] }, pw = w.map { ws in idx.map { ws[$0] } }
                let total = pw?.reduce(0, +) ?? Double(idx.count)
                let churn = zip(py, pw ?? Array(repeating: 1, count: idx.count)).reduce(0) { $0 + $1.0 * $1.1 } / total
                let isProb = scale != .rank
                perPeriod.append(PeriodMetrics(
                    period: label, rows: idx.count, churnRate: churn,
                    auc: try? RankingMetrics.rocAUC(p: pr, y: py, w: pw),
                    brier: isProb ? try? ProbabilisticScores.brier(p: pr, y: py, w: pw) : nil,
                    logLoss: isProb ? try? ProbabilisticScores.logLoss(p: pr, y: py, w: pw) : nil))
            }
        }
        return ScoreEvaluation(scale: scale, overall: overall, auc: auc, aucDeLong: delong, averagePrecision: ap,
                               topDecileLift: lift, perPeriod: perPeriod, notes: notes)
    }

    /// Midranks scaled into (0, 1): the order of `x` (ties shared), as values the
    /// probability-based ranking metrics accept.
    static func normalizedRanks(_ x: [Double]) -> [Double] {
        let n = Double(x.count + 1)
        return DeLong.midranks(x).map { $0 / n }
    }

    /// Period labels in chronological order when they parse as periods, else as first seen.
    static func periodOrder(_ labels: [String]) -> [String] {
        var seen: [String] = [], set = Set<String>()
        for l in labels where !set.contains(l) { set.insert(l); seen.append(l) }
        let parsed = seen.map { Period.parse($0) }
        if parsed.allSatisfy({ $0 != nil }) {
            return zip(seen, parsed).sorted { ($0.1?.ordinal ?? 0) < ($1.1?.ordinal ?? 0) }.map(\.0)
        }
        return seen
    }

    enum CodingKeys: String, CodingKey {
        case scale, overall, auc, aucDeLong = "auc_delong", averagePrecision = "average_precision"
        case topDecileLift = "top_decile_lift", perPeriod = "per_period", notes
    }
}
