/// One customer's scored periods, in order, reduced to what the period-to-period flags look at.
/// Kept apart from the panel so the streak and drop rules can be tested on hand-made sequences.
///
/// `period` is the index in the panel's chronological period list; two points are *adjacent*
/// when their indices differ by exactly 1. The period list is the panel's own (the distinct
/// periods that occur in the file), so a quarter that no customer has is not a gap, while a
/// quarter this customer lacks (left and came back, or a period the backtest did not score) is.
public struct ScoredSequence: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var period: Int
        public var score: Double
        /// Band index (0 = riskiest).
        public var band: Int
        public var churned: Bool

        public init(period: Int, score: Double, band: Int, churned: Bool) {
            self.period = period
            self.score = score
            self.band = band
            self.churned = churned
        }
    }

    /// A maximal run of adjacent points in the riskiest band: `points[range]`.
    public struct Streak: Sendable, Equatable {
        public var range: Range<Int>
        public var length: Int { range.count }
    }

    /// A fall of the health score between adjacent points `from` and `to` (= from + 1).
    public struct Drop: Sendable, Equatable {
        public var from: Int
        public var to: Int
        /// Points lost: score[from] − score[to] (> 0).
        public var points: Double
    }

    /// Points sorted by period, at most one per period.
    public var points: [Point]

    public init(points: [Point]) {
        self.points = points.sorted { $0.period < $1.period }
    }

    /// Score comparisons allow this much floating-point slack, so a fall computed as
    /// 100·(1 − 0.70) − 100·(1 − 0.85) = 14.999999999999986 still counts as the 15 points it is.
    public static let scoreSlack = 1e-9

    /// Maximal runs of adjacent riskiest-band points, split wherever a period is missing.
    public func riskiestRuns() -> [Streak] {
        var runs: [Streak] = []
        var start: Int? = nil
        for i in points.indices {
            let red = points[i].band == 0
            let continues = i > 0 && points[i].period == points[i - 1].period + 1
            if let s = start, !(red && continues) {
                runs.append(Streak(range: s..<i))
                start = nil
            }
            if red && start == nil { start = i }
        }
        if let s = start { runs.append(Streak(range: s..<points.count)) }
        return runs
    }

    /// Persistently at-risk non-churner streaks: maximal runs of at least `k` adjacent scored
    /// periods in the riskiest band with churned = 0 in every one of them.
    ///
    /// A run that ends with the customer churning is not reported, not even its first k
    /// non-churned periods: the red calls came true (a customer has no rows after it churns, so
    /// a churn can only end a run), and calling them wasted attention would penalize the score
    /// for warning early. A run is reported once, with its first and last points.
    public func persistentStreaks(minLength k: Int) -> [Streak] {
        riskiestRuns().filter { run in
            run.length >= max(1, k) && !points[run.range].contains(where: \.churned)
        }
    }

    /// Score-drop alerts: the health score fell by at least `d` points between adjacent scored
    /// periods. Non-adjacent points (a gap) are never compared: the fall could have happened
    /// gradually in the missing period.
    public func scoreDrops(atLeast d: Double) -> [Drop] {
        var out: [Drop] = []
        for i in points.indices.dropFirst() where points[i].period == points[i - 1].period + 1 {
            let fall = points[i - 1].score - points[i].score
            if fall >= d - Self.scoreSlack { out.append(Drop(from: i - 1, to: i, points: fall)) }
        }
        return out
    }
}
