import Foundation

/// The out-of-sample figures a report shows, recomputed on a customer resample without refitting:
/// each row keeps its out-of-sample score and is weighted by (its row weight) x (times its
/// customer was drawn). Every figure is then the weighted form of its definition in
/// docs/metrics.md, computed in passes over rows sorted once (no sort per resample).
public enum BootstrapFigure: String, Sendable, Codable, CaseIterable {
    case auc, brier, logLoss = "log_loss", calibrationSlope = "calibration_slope"
    case calibrationIntercept = "calibration_intercept", ece, topDecileLift = "top_decile_lift"
    case falseHealthyShare = "false_healthy_share"
}

/// One model's out-of-sample scores, prepared for many weighted evaluations.
struct ResampledFigures: Sendable {
    let p: [Double], y: [Double]
    /// Row indices by p, highest first (ties adjacent).
    let descending: [Int]
    /// Per-row Brier and log-loss terms, ECE bin (10 equal-width bins) and logit of p.
    let brierTerm: [Double], logLossTerm: [Double]
    let bin: [Int]
    let logit: [Double]?
    /// Rows in the healthiest band, for the false-healthy share; nil when bands are unknown.
    let healthiest: [Bool]?

    init(p: [Double], y: [Double], healthiest: [Bool]?) {
        self.p = p
        self.y = y
        descending = p.indices.sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
        brierTerm = p.indices.map { (y[$0] - p[$0]) * (y[$0] - p[$0]) }
        let eps = ProbabilisticScores.logLossEpsilon
        logLossTerm = p.indices.map { i in
            let q = y[i] == 1 ? p[i] : 1 - p[i]
            return -log(min(max(q, eps), 1 - eps))
        }
        bin = Binning.assign(p: p, edges: Binning.edges(sortedP: [], bins: 10, strategy: .uniform))
        logit = try? CalibrationFit.logits(p)
        self.healthiest = healthiest
    }

    /// Every `BootstrapFigure` (in `allCases` order) under row weights `w`; NaN where a figure
    /// is undefined on this resample (one class only, separation).
    func figures(_ w: [Double]) -> [Double] {
        let n = p.count
        var total = 0.0, churn = 0.0, brier = 0.0, ll = 0.0
        var sp = [Double](repeating: 0, count: 10), sy = sp, sw = sp
        for i in 0..<n where w[i] > 0 {
            let wi = w[i]
            total += wi
            churn += wi * y[i]
            brier += wi * brierTerm[i]
            ll += wi * logLossTerm[i]
            sp[bin[i]] += wi * p[i]
            sy[bin[i]] += wi * y[i]
            sw[bin[i]] += wi
        }
        guard total > 0 else { return BootstrapFigure.allCases.map { _ in .nan } }
        var ece = 0.0
        for b in 0..<10 where sw[b] > 0 { ece += sw[b] / total * abs(sy[b] / sw[b] - sp[b] / sw[b]) }

        // AUC and top-decile lift in one pass over the rows by p, highest first, tie block by tie block.
        var auc = 0.0, positivesAbove = 0.0
        let target = 0.1 * total
        var taken = 0.0, takenChurn = 0.0
        var k = 0
        while k < n {
            var j = k, blockW = 0.0, blockC = 0.0
            let v = p[descending[k]]
            while j < n && p[descending[j]] == v {
                let r = descending[j]
                blockW += w[r]
                blockC += w[r] * y[r]
                j += 1
            }
            let blockN = blockW - blockC
            auc += blockN * positivesAbove + 0.5 * blockN * blockC
            positivesAbove += blockC
            if taken < target && blockW > 0 {
                let share = min(1, (target - taken) / blockW)
                taken += share * blockW
                takenChurn += share * blockC
            }
            k = j
        }
        let negatives = total - churn
        let aucValue = churn > 0 && negatives > 0 ? auc / (churn * negatives) : .nan
        let lift = churn > 0 ? (takenChurn / taken) / (churn / total) : .nan

        var slope = Double.nan, intercept = Double.nan
        if let logit, churn > 0, negatives > 0,
           let cox = try? CalibrationFit.cox(x: logit, y: y, w: w, rows: 0..<n) {
            slope = cox.slope
            intercept = cox.intercept
        }
        var falseHealthy = Double.nan
        if let healthiest, churn > 0 {
            var green = 0.0
            for i in 0..<n where healthiest[i] { green += w[i] * y[i] }
            falseHealthy = green / churn
        }
        return [aucValue, brier / total, ll / total, slope, intercept, ece, lift, falseHealthy]
    }
}
