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

/// One model's out-of-sample scores, prepared once for many weighted evaluations: every per-row
/// quantity is stored in the order of p, highest first (ties adjacent), so a resample is a few
/// sequential passes and AUC and lift need no sort.
struct ResampledFigures: Sendable {
    /// `order[k]`: the row at rank k.
    let order: [Int]
    let p: [Double], y: [Double]
    /// Brier and log-loss terms, ECE bin (10 equal-width bins), logit of p, by rank.
    let brierTerm: [Double], logLossTerm: [Double]
    let bin: [Int32]
    let logit: [Double]?
    /// Whether the row at rank k is in the healthiest band; nil when bands are unknown.
    let healthiest: [Bool]?
    /// Cox fit on the full rows: each resample's Newton iterations start there.
    var coxStart = (intercept: 0.0, slope: 1.0)

    init(p rowP: [Double], y rowY: [Double], healthiest rowHealthiest: [Bool]?) {
        let order = rowP.indices.sorted { rowP[$0] > rowP[$1] || (rowP[$0] == rowP[$1] && $0 < $1) }
        let p = order.map { rowP[$0] }, y = order.map { rowY[$0] }
        let eps = ProbabilisticScores.logLossEpsilon
        self.order = order
        self.p = p
        self.y = y
        brierTerm = order.indices.map { k in (y[k] - p[k]) * (y[k] - p[k]) }
        logLossTerm = order.indices.map { k in
            let q = y[k] == 1 ? p[k] : 1 - p[k]
            return -log(min(max(q, eps), 1 - eps))
        }
        bin = Binning.assign(p: p, edges: Binning.edges(sortedP: [], bins: 10, strategy: .uniform)).map { Int32($0) }
        let logit = try? CalibrationFit.logits(p)
        self.logit = logit
        healthiest = rowHealthiest.map { h in order.map { h[$0] } }
        if let logit, let cox = try? CalibrationFit.cox(x: logit, y: y, w: [Double](repeating: 1, count: p.count), rows: 0..<p.count) {
            coxStart = (cox.intercept, cox.slope)
        }
    }

    /// Row weights (indexed by row) gathered into rank order.
    func ranked(_ rowWeights: [Double]) -> [Double] { order.map { rowWeights[$0] } }

    /// Every `BootstrapFigure` (in `allCases` order) under rank-ordered weights `w`; NaN where a
    /// figure is undefined on this resample (one class only, separation).
    func figures(ranked w: [Double]) -> [Double] {
        let n = p.count
        var total = 0.0, churn = 0.0, brier = 0.0, ll = 0.0, green = 0.0
        var sp = [Double](repeating: 0, count: 10), sy = sp, sw = sp
        var auc = 0.0, positivesAbove = 0.0
        // One pass in rank order: sums, ECE bins, and AUC tie block by tie block.
        var k = 0
        while k < n {
            var j = k, blockW = 0.0, blockC = 0.0
            let v = p[k]
            while j < n && p[j] == v {
                let wj = w[j]
                if wj > 0 {
                    let c = wj * y[j]
                    blockW += wj
                    blockC += c
                    brier += wj * brierTerm[j]
                    ll += wj * logLossTerm[j]
                    let b = Int(bin[j])
                    sp[b] += wj * p[j]
                    sy[b] += c
                    sw[b] += wj
                    if let healthiest, healthiest[j] { green += c }
                }
                j += 1
            }
            let blockN = blockW - blockC
            auc += blockN * positivesAbove + 0.5 * blockN * blockC
            positivesAbove += blockC
            total += blockW
            churn += blockC
            k = j
        }
        guard total > 0 else { return BootstrapFigure.allCases.map { _ in .nan } }
        var ece = 0.0
        for b in 0..<10 where sw[b] > 0 { ece += sw[b] / total * abs(sy[b] / sw[b] - sp[b] / sw[b]) }
        let negatives = total - churn
        let aucValue = churn > 0 && negatives > 0 ? auc / (churn * negatives) : .nan

        // Top-decile lift: from the highest p down to 10% of the weight, the tie block at the
        // cut included in proportion (`LiftMetrics.topLift`).
        let (taken, takenChurn) = LiftMetrics.riskiest(0.1 * total, p: p, y: y, w: w)
        let lift = churn > 0 ? (takenChurn / taken) / (churn / total) : .nan

        var slope = Double.nan, intercept = Double.nan
        if let logit, churn > 0, negatives > 0, let fit = cox(logit, w) {
            (intercept, slope) = fit
        }
        let falseHealthy = healthiest != nil && churn > 0 ? green / churn : .nan
        return [aucValue, brier / total, ll / total, slope, intercept, ece, lift, falseHealthy]
    }

    /// Weighted logistic fit of y on logit(p) (Cox), Newton from the full rows' fit, to the same
    /// stopping rule as `CalibrationFit.cox`; nil when it does not converge.
    func cox(_ x: [Double], _ w: [Double]) -> (Double, Double)? {
        var (a, b) = coxStart
        let n = x.count
        for _ in 0..<CalibrationFit.maxIterations {
            var g0 = 0.0, g1 = 0.0, h00 = 0.0, h01 = 0.0, h11 = 0.0
            for i in 0..<n where w[i] > 0 {
                let xi = x[i]
                let s = 1 / (1 + exp(-(a + b * xi)))
                let r = w[i] * (y[i] - s), h = w[i] * s * (1 - s)
                g0 += r; g1 += r * xi
                h00 += h; h01 += h * xi; h11 += h * xi * xi
            }
            guard let (d0, d1) = CalibrationFit.solve2x2(h00, h01, h11, g0, g1), d0.isFinite, d1.isFinite else { return nil }
            a += d0; b += d1
            if abs(d0) <= 1e-13 * max(1, abs(a)) && abs(d1) <= 1e-13 * max(1, abs(b)) { return (a, b) }
        }
        return nil
    }
}
