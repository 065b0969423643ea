/// A model's scores on the comparison rows, and whether they are probabilities.
///
/// A hand-made scorecard without an intercept produces points, not probabilities: it can still
/// rank (AUC, capture of churners) but Brier score and log loss are meaningless for it.
public struct ModelScores: Sendable {
    public var name: String
    /// One score per row; higher = more churn risk. Probabilities in [0, 1] when `isProbability`.
    public var values: [Double]
    public var isProbability: Bool

    public init(name: String, values: [Double], isProbability: Bool = true) {
        self.name = name
        self.values = values
        self.isProbability = isProbability
    }
}

/// Which rows count as each model's riskiest band (red / "requires attention").
public enum RiskiestBand: Sendable {
    /// The band membership of every row, per model (e.g. from the bands each model's weight
    /// file defines).
    case flags(champion: [Bool], challenger: [Bool])
    /// The riskiest `share` of the row weight by each model's score (0.25 = top quartile).
    case topShare(Double)
}

/// How many churners a model put in its riskiest band: the attention a customer-success team
/// spends there is well spent only when churners are concentrated in it.
public struct BandCapture: Sendable, Codable, Equatable {
    /// Share of the row weight inside the band.
    public var bandShare: Double
    /// Σ w·y inside the band / Σ w·y: the share of all churners the band catches (recall).
    public var churnerShare: Double
    /// Σ w·y / Σ w inside the band (precision); nil for an empty band.
    public var bandChurnRate: Double?

    enum CodingKeys: String, CodingKey {
        case bandShare = "band_share", churnerShare = "churner_share", bandChurnRate = "band_churn_rate"
    }
}

/// One side of the comparison.
public struct ModelEvaluation: Sendable, Codable, Equatable {
    public var name: String
    public var isProbability: Bool
    /// ROC AUC (weighted when row weights are given).
    public var auc: Double
    /// DeLong AUC with 95% CI; nil with row weights (DeLong is unweighted only).
    public var delong: DeLongAUC?
    /// nil for a rank-only score.
    public var brier: Double?
    public var logLoss: Double?
    public var capture: BandCapture

    enum CodingKeys: String, CodingKey {
        case name, isProbability = "is_probability", auc, delong, brier, logLoss = "log_loss", capture
    }
}

/// Champion (what production scores with) against challenger (the new fit), on the same rows,
/// typically the pooled out-of-sample rows of the same backtest folds (DESIGN.md,
/// "Champion / challenger").
public struct ChampionComparison: Sendable, Codable, Equatable {
    public var champion: ModelEvaluation
    public var challenger: ModelEvaluation
    /// DeLong's test of AUC(champion) = AUC(challenger); its `difference` is champion − challenger
    /// as DeLong.compare(p1: champion, p2: challenger) returns it. nil with row weights.
    public var delongTest: DeLongComparison?
    /// AUC(challenger) − AUC(champion): positive means the challenger ranks better.
    public var aucDifference: Double
    /// Brier(challenger) − Brier(champion): negative means the challenger is better. nil when
    /// either score is rank-only.
    public var brierDifference: Double?
    /// LogLoss(challenger) − LogLoss(champion), nats: negative is better. nil as Brier.
    public var logLossDifference: Double?
    /// Why anything above is nil.
    public var notes: [String]

    /// Compares two scores on the same rows and outcomes `y` (0/1) with optional row weights.
    /// Rank-only scores are turned into normalized midranks before the AUC code sees them (that
    /// code wants values in [0, 1]); ranks preserve every order and tie, so the AUC and DeLong
    /// results are exactly those of the raw points.
    public static func compare(champion: ModelScores, challenger: ModelScores, y: [Double], w: [Double]? = nil,
                               riskiestBand: RiskiestBand = .topShare(0.25)) throws(MetricError) -> ChampionComparison {
        let n = y.count
        guard challenger.values.count == champion.values.count else {
            throw .lengthMismatch(name: "challenger scores", expected: champion.values.count, actual: challenger.values.count)
        }
        let pc = try probabilityScale(champion), pn = try probabilityScale(challenger)
        let weights = try validatedWeights(p: pc, y: y, w: w)
        _ = try validatedWeights(p: pn, y: y, w: w) // before any sort sees a NaN
        try requireBothClasses(y: y, w: weights)

        let (bandC, bandN): ([Bool], [Bool])
        switch riskiestBand {
        case let .flags(c, h):
            guard c.count == n else { throw .lengthMismatch(name: "champion band flags", expected: n, actual: c.count) }
            guard h.count == n else { throw .lengthMismatch(name: "challenger band flags", expected: n, actual: h.count) }
            (bandC, bandN) = (c, h)
        case .topShare(let share):
            guard share > 0, share <= 1 else { throw .invalidArgument("riskiest band share is \(share); expected a number in (0, 1]") }
            (bandC, bandN) = (topBand(champion.values, weights, share: share), topBand(challenger.values, weights, share: share))
        }

        var notes: [String] = []
        var delong: DeLongComparison?
        if w == nil {
            do { delong = try DeLong.compare(p1: pc, p2: pn, y: y) } catch {
                notes.append("DeLong intervals and test skipped: \(error)")
            }
        } else {
            notes.append("DeLong intervals and test skipped: DeLong's variance is defined for unweighted rows only; AUCs are weighted")
        }
        func evaluate(_ m: ModelScores, _ p: [Double], _ band: [Bool], _ d: DeLongAUC?) throws(MetricError) -> ModelEvaluation {
            ModelEvaluation(name: m.name, isProbability: m.isProbability,
                            auc: try RankingMetrics.rocAUC(p: p, y: y, w: w), delong: d,
                            brier: m.isProbability ? try ProbabilisticScores.brier(p: p, y: y, w: w) : nil,
                            logLoss: m.isProbability ? try ProbabilisticScores.logLoss(p: p, y: y, w: w) : nil,
                            capture: capture(band, y, weights))
        }
        let c = try evaluate(champion, pc, bandC, delong?.first)
        let h = try evaluate(challenger, pn, bandN, delong?.second)
        for m in [champion, challenger] where !m.isProbability {
            notes.append("Brier and log-loss comparison skipped: \(m.name) is a rank-only score (no intercept, so no probabilities)")
        }
        var brierDiff: Double?, logLossDiff: Double?
        if let b1 = c.brier, let b2 = h.brier, let l1 = c.logLoss, let l2 = h.logLoss {
            brierDiff = b2 - b1; logLossDiff = l2 - l1
        }
        return ChampionComparison(champion: c, challenger: h, delongTest: delong, aucDifference: h.auc - c.auc,
                                  brierDifference: brierDiff, logLossDifference: logLossDiff, notes: notes)
    }

    /// Probabilities are checked as they are; rank-only scores become midrank / (n + 1) in (0, 1).
    static func probabilityScale(_ m: ModelScores) throws(MetricError) -> [Double] {
        guard !m.isProbability else { return m.values }
        for (i, v) in m.values.enumerated() where !v.isFinite {
            throw .invalidArgument("\(m.name): score at row \(i) is \(v); expected a finite number")
        }
        let order = m.values.indices.sorted { m.values[$0] < m.values[$1] }
        var ranks = [Double](repeating: 0, count: m.values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && m.values[order[end + 1]] == m.values[order[start]] { end += 1 }
            let mid = Double(start + end) / 2 + 1
            for k in start...end { ranks[order[k]] = mid / Double(order.count + 1) }
            start = end + 1
        }
        return ranks
    }

    /// The riskiest `share` of the weight: rows are taken from the highest score down until the
    /// cumulative weight reaches share·W; every row tied with the last one taken is in the band
    /// too, so the band never splits equal scores (it can hold slightly more than `share`).
    static func topBand(_ s: [Double], _ w: [Double], share: Double) -> [Bool] {
        let order = s.indices.sorted { s[$0] > s[$1] }
        let target = share * w.reduce(0, +)
        var cumulative = 0.0
        var threshold = s[order[0]]
        for i in order {
            cumulative += w[i]
            threshold = s[i]
            if cumulative >= target * (1 - 1e-12) { break }
        }
        return s.map { $0 >= threshold }
    }

    static func capture(_ band: [Bool], _ y: [Double], _ w: [Double]) -> BandCapture {
        var inW = 0.0, inY = 0.0, totW = 0.0, totY = 0.0
        for i in y.indices {
            totW += w[i]; totY += w[i] * y[i]
            if band[i] { inW += w[i]; inY += w[i] * y[i] }
        }
        return BandCapture(bandShare: inW / totW, churnerShare: inY / totY, bandChurnRate: inW > 0 ? inY / inW : nil)
    }

    enum CodingKeys: String, CodingKey {
        case champion, challenger, delongTest = "delong_test", aucDifference = "auc_difference"
        case brierDifference = "brier_difference", logLossDifference = "log_loss_difference", notes
    }
}
