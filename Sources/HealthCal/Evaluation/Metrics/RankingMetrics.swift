/// Cumulative (weighted) counts at each distinct score, highest score first: the shared core
/// of the ROC and precision-recall curves (`sklearn.metrics._ranking._binary_clf_curve`).
struct ThresholdCounts {
    /// Distinct scores in decreasing order.
    var thresholds: [Double]
    /// Weight of churners (true positives) with score >= threshold.
    var truePositives: [Double]
    /// Weight of non-churners (false positives) with score >= threshold.
    var falsePositives: [Double]

    /// One pass over the ranked rows; tied scores are one threshold, so tie order never matters.
    /// Rows of weight 0 are left out (as sklearn does), so they create no threshold.
    init(_ r: RankedRows) {
        var p = r.p, y = r.y, w = r.weights
        if w.contains(0) {
            let keep = w.indices.filter { w[$0] != 0 }
            p = keep.map { r.p[$0] }; y = keep.map { r.y[$0] }; w = keep.map { r.weights[$0] }
        }
        thresholds = []
        truePositives = []
        falsePositives = []
        var tp = 0.0, fp = 0.0
        for k in p.indices {
            if y[k] == 1 { tp += w[k] } else { fp += w[k] }
            if k == p.count - 1 || p[k + 1] != p[k] {
                thresholds.append(p[k])
                truePositives.append(tp)
                falsePositives.append(fp)
            }
        }
    }
}

/// Points of the ROC curve, for charts and for the area under it.
public struct ROCCurve: Sendable, Codable, Equatable {
    /// False-positive rate (share of non-churner weight flagged) at each threshold, from 0 to 1.
    public var falsePositiveRate: [Double]
    /// True-positive rate (share of churner weight flagged) at each threshold, from 0 to 1.
    public var truePositiveRate: [Double]
    /// Probability thresholds, decreasing; a row is flagged when p >= threshold. The first is
    /// +infinity (nothing flagged) as in scikit-learn >= 1.3; JSON encoders need a non-conforming
    /// float strategy for it, so `MetricsReport` does not embed curves.
    public var thresholds: [Double]

    enum CodingKeys: String, CodingKey {
        case falsePositiveRate = "false_positive_rate", truePositiveRate = "true_positive_rate", thresholds
    }
}

public enum RankingMetrics {
    /// ROC curve as `sklearn.metrics.roc_curve(y, p, sample_weight=w, drop_intermediate=...)`.
    ///
    /// With `dropIntermediate` (sklearn's default) points that lie on a straight segment between
    /// their neighbours are dropped: the chart and the area are unchanged, the curve is smaller.
    public static func rocCurve(p: [Double], y: [Double], w: [Double]? = nil,
                                dropIntermediate: Bool = true) throws(MetricError) -> ROCCurve {
        let rows = try ScoredRows(p: p, y: y, w: w)
        try requireBothClasses(y: y, w: rows.weights)
        return rocCurve(RankedRows(rows), dropIntermediate: dropIntermediate)
    }

    /// `rocCurve(p:y:w:)` with p's descending order already computed: `order` must be
    /// `SortOrder.rows(by: p, descending: true)` (the report's lift uses the same order).
    static func rocCurve(p: [Double], y: [Double], w: [Double]?, order: [Int]) throws(MetricError) -> ROCCurve {
        let rows = try ScoredRows(p: p, y: y, w: w)
        try requireBothClasses(y: y, w: rows.weights)
        return rocCurve(RankedRows(rows, order: order), dropIntermediate: true)
    }

    private static func rocCurve(_ ranked: RankedRows, dropIntermediate: Bool) -> ROCCurve {
        let c = ThresholdCounts(ranked)
        var keep = [Int](c.thresholds.indices)
        if dropIntermediate && c.thresholds.count > 2 {
            // sklearn keeps index i when the second difference of fps or tps at i is non-zero.
            keep = [0]
            for i in 1..<(c.thresholds.count - 1) {
                let d2f = (c.falsePositives[i + 1] - c.falsePositives[i]) - (c.falsePositives[i] - c.falsePositives[i - 1])
                let d2t = (c.truePositives[i + 1] - c.truePositives[i]) - (c.truePositives[i] - c.truePositives[i - 1])
                if d2f != 0 || d2t != 0 { keep.append(i) }
            }
            keep.append(c.thresholds.count - 1)
        }
        let totalFP = c.falsePositives[c.falsePositives.count - 1]
        let totalTP = c.truePositives[c.truePositives.count - 1]
        var curve = ROCCurve(falsePositiveRate: [0], truePositiveRate: [0], thresholds: [.infinity])
        for i in keep {
            curve.falsePositiveRate.append(c.falsePositives[i] / totalFP)
            curve.truePositiveRate.append(c.truePositives[i] / totalTP)
            curve.thresholds.append(c.thresholds[i])
        }
        return curve
    }

    /// Area under the ROC curve, as `sklearn.metrics.roc_auc_score(y, p, sample_weight=w)`.
    ///
    /// Trapezoid rule over the distinct thresholds, so a tie between a churner and a non-churner
    /// counts one half (the Mann-Whitney convention). Unitless, in [0, 1]; 0.5 is chance.
    /// O(n log n). Throws `.singleClass` when only one outcome occurs (AUC is undefined).
    public static func rocAUC(p: [Double], y: [Double], w: [Double]? = nil) throws(MetricError) -> Double {
        let rows = try ScoredRows(p: p, y: y, w: w)
        try requireBothClasses(y: y, w: rows.weights)
        return rocAUC(ThresholdCounts(RankedRows(rows)))
    }

    /// The trapezoid area over the points (0, 0), (FPRᵢ, TPRᵢ) of every threshold, in the same
    /// arithmetic as `rocCurve(dropIntermediate: false)`; both classes must carry weight.
    static func rocAUC(_ c: ThresholdCounts) -> Double {
        let totalFP = c.falsePositives[c.falsePositives.count - 1]
        let totalTP = c.truePositives[c.truePositives.count - 1]
        var area = 0.0, fpr = 0.0, tpr = 0.0
        for i in c.thresholds.indices {
            let nextFPR = c.falsePositives[i] / totalFP, nextTPR = c.truePositives[i] / totalTP
            area += (nextFPR - fpr) * (nextTPR + tpr) / 2
            fpr = nextFPR
            tpr = nextTPR
        }
        return area
    }

    /// Average precision, as `sklearn.metrics.average_precision_score(y, p, sample_weight=w)`:
    /// AP = Σₖ (Rₖ − Rₖ₋₁) Pₖ over distinct thresholds from the highest, with R₀ = 0.
    ///
    /// Step-wise (no interpolation), so it is not the trapezoidal area under the PR curve, which
    /// is optimistic. Unitless, in [0, 1]; a random score gets about the churn rate.
    /// Throws `.singleClass(outcome: 0)` when there is no churner (recall undefined).
    public static func averagePrecision(p: [Double], y: [Double], w: [Double]? = nil) throws(MetricError) -> Double {
        try averagePrecision(ThresholdCounts(RankedRows(try ScoredRows(p: p, y: y, w: w))))
    }

    static func averagePrecision(_ c: ThresholdCounts) throws(MetricError) -> Double {
        let totalTP = c.truePositives[c.truePositives.count - 1]
        guard totalTP > 0 else { throw .singleClass(outcome: 0) }
        var ap = 0.0, previousRecall = 0.0
        for i in c.thresholds.indices {
            let flagged = c.truePositives[i] + c.falsePositives[i]
            let precision = flagged > 0 ? c.truePositives[i] / flagged : 0
            let recall = c.truePositives[i] / totalTP
            ap += (recall - previousRecall) * precision
            previousRecall = recall
        }
        return ap
    }
}
