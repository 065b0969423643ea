import Foundation

/// The out-of-sample figures a report shows, recomputed on a customer resample without refitting:
/// each row keeps its out-of-sample score and is weighted by (its row weight) x (times its
/// customer was drawn). Every figure is then the weighted form of its definition in
/// docs/metrics.md.
public enum BootstrapFigure: String, Sendable, Codable, CaseIterable {
    case auc, brier, logLoss = "log_loss", calibrationSlope = "calibration_slope"
    case calibrationIntercept = "calibration_intercept", ece, topDecileLift = "top_decile_lift"
    case falseHealthyShare = "false_healthy_share"
}

/// One model's out-of-sample scores, prepared once for many customer resamples, so that a
/// resample costs little more than one pass over its rows:
/// - the additive figures (Brier, log loss, churners in the healthiest band, the weight and
///   churn totals) are sums over customers of per-customer sums, times the draw counts;
/// - AUC, ECE and the top-decile lift are one pass in rank order (highest p first, ties
///   adjacent), where each row's weight is its customer's draw count gathered by index;
/// - the Cox slope and intercept are `CoxResampling`'s (a start from per-customer Taylor sums,
///   then exact passes over the drawn customers' rows).
struct ResampledFigures: Sendable {
    let clusters: Int
    /// Rank order, one 32-bit code per row: its cluster (low 30 bits), its outcome (bit 30) and
    /// whether it ends a tie block (bit 31): a rank-order pass reads 4 bytes a row and gathers
    /// one draw count. The base weights in rank order (nil when every row weighs 1), and (read
    /// at block ends) each row's p and ECE bin (10 equal-width bins).
    let rankCode: [UInt32]
    let rankBase: [Double]?
    let rankP: [Double]
    let rankBin: [UInt8]
    /// Per cluster c, at 5c..<5c+5: Σ base x (1, y, Brier term, log-loss term, y if healthiest).
    let additive: [Double]
    let hasHealthiest: Bool
    /// False for scores that only rank: Brier, log loss and ECE are then left out.
    let isProbability: Bool
    /// nil when some p is 0 or 1 (no logit: the calibration figures are left out) or the
    /// scores are not probabilities.
    let cox: CoxResampling?

    static let eceBins = 10
    static let clusterMask: UInt32 = (1 << 30) - 1

    /// One model's scores; `cluster[i]` in 0..<clusters is row i's customer, `base` its row weight.
    init(_ scores: ClusterBootstrap.Scores, y: [Double], base: [Double], cluster: [Int32], clusters: Int) {
        self.init(p: scores.p, y: y, base: base, cluster: cluster, clusters: clusters, healthiest: scores.healthiest,
                  isProbability: scores.isProbability)
    }

    /// `y` holds 0/1 outcomes (a panel's, validated); fewer than 2³⁰ clusters.
    init(p: [Double], y: [Double], base: [Double], cluster: [Int32], clusters: Int, healthiest: [Bool]?,
         isProbability: Bool = true) {
        let n = p.count
        let order = SortOrder.rows(by: p, descending: true)
        self.clusters = clusters
        rankCode = (0..<n).map { k in
            let i = order[k]
            let ends = k == n - 1 || p[order[k + 1]] != p[i]
            return UInt32(cluster[i]) | (y[i] == 1 ? 1 << 30 : 0) | (ends ? 1 << 31 : 0)
        }
        rankBase = base.allSatisfy { $0 == 1 } ? nil : order.map { base[$0] }
        rankP = order.map { p[$0] }
        let edges = Binning.edges(sortedP: [], bins: Self.eceBins, strategy: .uniform)
        rankBin = isProbability ? Binning.assign(p: rankP, edges: edges).map { UInt8($0) } : [UInt8](repeating: 0, count: n)
        self.isProbability = isProbability

        let eps = ProbabilisticScores.logLossEpsilon
        var additive = [Double](repeating: 0, count: 5 * clusters)
        for i in 0..<n {
            let o = 5 * Int(cluster[i]), w = base[i]
            let q = y[i] == 1 ? p[i] : 1 - p[i]
            additive[o] += w
            additive[o + 1] += w * y[i]
            if isProbability {
                additive[o + 2] += w * (y[i] - p[i]) * (y[i] - p[i])
                additive[o + 3] += w * -log(min(max(q, eps), 1 - eps))
            }
            if let healthiest, healthiest[i] { additive[o + 4] += w * y[i] }
        }
        self.additive = additive
        hasHealthiest = healthiest != nil
        cox = !isProbability ? nil : (try? CalibrationFit.logits(p)).map {
            CoxResampling(x: $0, y: y, base: base, cluster: cluster, clusters: clusters)
        }
    }

    /// Every `BootstrapFigure` (in `allCases` order) when customer c was drawn `m[c]` times;
    /// NaN where a figure is undefined on this resample (one class only, separation).
    func figures(multiplicity m: [Int32]) -> [Double] {
        var total = 0.0, churn = 0.0, brier = 0.0, ll = 0.0, green = 0.0
        additive.withUnsafeBufferPointer { a in
            for c in 0..<clusters where m[c] != 0 {
                let k = Double(m[c]), o = 5 * c
                total += k * a[o]; churn += k * a[o + 1]; brier += k * a[o + 2]
                ll += k * a[o + 3]; green += k * a[o + 4]
            }
        }
        guard total > 0 else { return BootstrapFigure.allCases.map { _ in .nan } }
        let negatives = total - churn
        let ranked = rankedFigures(m, total: total)
        let aucValue = churn > 0 && negatives > 0 ? ranked.auc / (churn * negatives) : .nan
        let lift = churn > 0 ? (ranked.takenChurn / ranked.taken) / (churn / total) : .nan
        var slope = Double.nan, intercept = Double.nan
        if let cox, churn > 0, negatives > 0, let fit = cox.fit(m) { (intercept, slope) = fit }
        let falseHealthy = hasHealthiest && churn > 0 ? green / churn : .nan
        let nan = Double.nan
        return [aucValue, isProbability ? brier / total : nan, isProbability ? ll / total : nan, slope, intercept,
                isProbability ? ranked.ece : nan, lift, falseHealthy]
    }

    /// The pass in rank order: the AUC's numerator (tie block by tie block, a tie counted half),
    /// ECE, and the riskiest 10% of `total` (the tie block at the cut included in proportion, as
    /// `LiftMetrics.riskiest`). The draw counts are gathered from the narrowest integers that
    /// hold them, so that the array stays in the core's cache.
    private func rankedFigures(_ m: [Int32], total: Double) -> (auc: Double, ece: Double, taken: Double, takenChurn: Double) {
        let largest = m.max() ?? 0
        if largest <= Int32(UInt8.max) { return rankedFigures(m.map { UInt8($0) }, total: total) }
        if largest <= Int32(UInt16.max) { return rankedFigures(m.map { UInt16($0) }, total: total) }
        return rankedFigures(m, total: total)
    }

    private func rankedFigures<Count: FixedWidthInteger>(_ m: [Count], total: Double) -> (auc: Double, ece: Double, taken: Double, takenChurn: Double) {
        var sums = [Double](repeating: 0, count: 3 * Self.eceBins)   // Σw, Σwy, Σwp per bin
        var auc = 0.0, above = 0.0, blockW = 0.0, blockC = 0.0
        var taken = 0.0, takenChurn = 0.0
        let target = 0.1 * total
        m.withUnsafeBufferPointer { m in
        rankCode.withUnsafeBufferPointer { code in
        rankP.withUnsafeBufferPointer { p in
        rankBin.withUnsafeBufferPointer { bin in
        sums.withUnsafeMutableBufferPointer { bins in
            let base = rankBase
            // The current ECE bin's sums stay in registers; rows come in bin order (by p), so
            // they are stored only when the bin changes.
            var current = code.isEmpty ? 0 : Int(bin[0]), sw = 0.0, sy = 0.0, sp = 0.0
            for k in 0..<code.count {
                let c = code[k]
                var w = Double(m[Int(c & Self.clusterMask)])
                if let base { w *= base[k] }
                blockW += w
                blockC += w * Double((c >> 30) & 1)
                guard c >= 1 << 31 else { continue }
                let blockN = blockW - blockC
                auc += blockN * above + 0.5 * blockN * blockC
                above += blockC
                let b = Int(bin[k])
                if b != current {
                    bins[3 * current] += sw; bins[3 * current + 1] += sy; bins[3 * current + 2] += sp
                    (current, sw, sy, sp) = (b, 0, 0, 0)
                }
                sw += blockW; sy += blockC; sp += blockW * p[k]
                if taken < target {
                    let share = blockW > 0 ? min(1, (target - taken) / blockW) : 1
                    taken += share * blockW
                    takenChurn += share * blockC
                }
                blockW = 0; blockC = 0
            }
            bins[3 * current] += sw; bins[3 * current + 1] += sy; bins[3 * current + 2] += sp
        }
        }
        }
        }
        }
        var ece = 0.0
        for b in 0..<Self.eceBins where sums[3 * b] > 0 {
            let sw = sums[3 * b]
            ece += sw / total * abs(sums[3 * b + 1] / sw - sums[3 * b + 2] / sw)
        }
        return (auc, ece, taken, takenChurn)
    }
}
