/// Monotone bins (`transform: bins`, docs/encodings.md): the cut points of one numeric feature,
/// chosen on the training rows so that the churn rate is monotone across the bins.
///
/// Algorithm (exact optimum on a grid):
/// 1. Candidate cuts: the training values at the quantiles k/`gridSize`, k = 1..gridSize-1,
///    by numpy's `method="higher"` (the order statistic at index ceil((n-1)·k/gridSize) of the
///    sorted present values), so that every cut is an observed value; duplicates and cuts equal
///    to the minimum (which would leave an empty first bin) are dropped.
/// 2. The candidates split the present rows into g ≤ gridSize groups; a bin is a run of
///    adjacent groups, and value x lies in the bin [lower, upper) with lower ≤ x < upper.
/// 3. Dynamic programming over (bins so far, first and last group of the last bin) finds the
///    partition into 2..`maxBins` bins that maximizes the binomial log-likelihood
///    Σ_b [y_b ln(y_b/n_b) + (n_b − y_b) ln(1 − y_b/n_b)] (the fit of one churn rate per bin),
///    subject to: every bin holds at least `minShare` of the present rows, and the bins' churn
///    rates are non-decreasing (`increasing`) or non-increasing (`decreasing`) from the lowest
///    bin up. Among partitions within 1e-9 of the best, the one with fewer bins wins.
///    `auto` solves both directions and keeps the higher log-likelihood (ties: increasing).
public enum MonotoneBins {
    public enum Direction: String, Sendable, Codable, CaseIterable { case auto, increasing, decreasing }

    public static let gridSize = 50
    public static let defaultMaxBins = 5
    public static let maxBinsRange = 2...20
    public static let defaultMinShare = 0.05

    /// The chosen partition: interior cut points (ascending; bin 0 is x < cuts[0]) and the
    /// direction the rates follow.
    public struct Result: Sendable, Equatable {
        public var cuts: [Double]
        public var direction: Direction
        public var logLikelihood: Double
    }

    /// Why no partition qualifies.
    public enum Failure: Error, Sendable, Equatable {
        /// All present training values are the same: no cut can split them.
        case constant(value: Double)
        /// No partition into at least two bins meets the share and monotonicity constraints.
        case noMonotoneSplit
    }

    /// The candidate cuts of `sorted` (ascending, no NaN), see step 1.
    public static func candidates(sorted x: [Double], gridSize: Int = gridSize) -> [Double] {
        guard let first = x.first else { return [] }
        var out: [Double] = []
        let n = x.count
        for k in 1..<gridSize {
            let index = Int((Double(n - 1) * Double(k) / Double(gridSize)).rounded(.up))
            let c = x[min(max(index, 0), n - 1)]
            if c > first, c != out.last { out.append(c) }
        }
        return out
    }

    /// The cut points for present `values` with outcomes `churned` (1 or 0), same order.
    public static func fit(values: [Double], churned: [Double], maxBins: Int, minShare: Double,
                           direction: Direction) -> Swift.Result<Result, Failure> {
        let order = values.indices.sorted { values[$0] < values[$1] }
        let sorted = order.map { values[$0] }
        guard let lo = sorted.first, let hi = sorted.last else { return .failure(.noMonotoneSplit) }
        if lo == hi { return .failure(.constant(value: lo)) }
        let cuts = candidates(sorted: sorted)
        // Rows and churners per group: group g holds cuts[g-1] <= x < cuts[g].
        var rows = [Double](repeating: 0, count: cuts.count + 1), events = rows
        var g = 0
        for i in order {
            while g < cuts.count, values[i] >= cuts[g] { g += 1 }
            rows[g] += 1
            events[g] += churned[i] == 1 ? 1 : 0
        }
        return choose(cuts: cuts, rows: rows, events: events, maxBins: maxBins, minShare: minShare, direction: direction)
    }

    /// Step 3 on the groups the candidate `cuts` make (`rows[g]`, `events[g]`: rows and churners
    /// with cuts[g-1] <= x < cuts[g]); shared with the in-database fit, whose counts come from a
    /// GROUP BY over the same candidates.
    static func choose(cuts: [Double], rows: [Double], events: [Double], maxBins: Int, minShare: Double,
                       direction: Direction) -> Swift.Result<Result, Failure> {
        let minRows = minShare * rows.reduce(0, +)
        let directions: [Direction] = direction == .auto ? [.increasing, .decreasing] : [direction]
        var best: Result? = nil
        for d in directions {
            guard let (groupEnds, ll) = solve(rows: rows, events: events, maxBins: maxBins, minRows: minRows, increasing: d == .increasing)
            else { continue }
            if best == nil || ll > (best?.logLikelihood ?? -.infinity) + 1e-9 * abs(ll) {
                best = Result(cuts: groupEnds.dropLast().map { cuts[$0] }, direction: d, logLikelihood: ll)
            }
        }
        return best.map { .success($0) } ?? .failure(.noMonotoneSplit)
    }

    /// The best partition of the groups: the last group index of each bin, and its log-likelihood.
    static func solve(rows: [Double], events: [Double], maxBins: Int, minRows: Double,
                      increasing: Bool) -> ([Int], Double)? {
        let g = rows.count
        guard g >= 2 else { return nil }
        // Prefix sums: a bin of groups s...e holds n(s, e) rows and y(s, e) churners.
        var cn = [0.0], cy = [0.0]
        for k in 0..<g { cn.append(cn[k] + rows[k]); cy.append(cy[k] + events[k]) }
        func n(_ s: Int, _ e: Int) -> Double { cn[e + 1] - cn[s] }
        func rate(_ s: Int, _ e: Int) -> Double { (cy[e + 1] - cy[s]) / n(s, e) }
        func ll(_ s: Int, _ e: Int) -> Double {
            let total = n(s, e), y = cy[e + 1] - cy[s]
            var v = 0.0
            if y > 0 { v += y * log(y / total) }
            if total - y > 0 { v += (total - y) * log((total - y) / total) }
            return v
        }
        func ordered(_ a: Double, _ b: Double) -> Bool { increasing ? a <= b : a >= b }
        // score[k][s][e]: the best log-likelihood of groups 0...e in k+1 bins, the last being s...e.
        let bins = min(maxBins, g)
        let none = -Double.infinity
        var score = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: none, count: g), count: g), count: bins)
        var from = [[[Int]]](repeating: [[Int]](repeating: [Int](repeating: -1, count: g), count: g), count: bins)
        for e in 0..<g where n(0, e) >= minRows { score[0][0][e] = ll(0, e) }
        for k in 1..<bins {
            for s in 1..<g {
                for e in s..<g where n(s, e) >= minRows {
                    let r = rate(s, e)
                    var top = none, arg = -1
                    for p in 0..<s where score[k - 1][p][s - 1] > none && ordered(rate(p, s - 1), r) && score[k - 1][p][s - 1] > top {
                        top = score[k - 1][p][s - 1]
                        arg = p
                    }
                    if arg >= 0 {
                        score[k][s][e] = top + ll(s, e)
                        from[k][s][e] = arg
                    }
                }
            }
        }
        var bestK = -1, bestS = -1, bestLL = none
        for k in 1..<bins {
            for s in 1..<g where score[k][s][g - 1] > none {
                let v = score[k][s][g - 1]
                if bestK < 0 || v > bestLL + 1e-9 * abs(v) {
                    (bestK, bestS, bestLL) = (k, s, v)
                }
            }
        }
        guard bestK >= 1 else { return nil }
        var ends = [g - 1]
        var k = bestK, s = bestS, e = g - 1
        while k > 0 {
            let p = from[k][s][e]
            ends.append(s - 1)
            (k, s, e) = (k - 1, p, s - 1)
        }
        return (ends.reversed(), bestLL)
    }

    /// The bin of `x` (not NaN): how many cuts are <= x, so a value equal to a cut lies in the
    /// bin that starts there.
    @inline(__always)
    public static func bin(_ x: Double, cuts: [Double]) -> Int {
        var lo = 0, hi = cuts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cuts[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

import Foundation
