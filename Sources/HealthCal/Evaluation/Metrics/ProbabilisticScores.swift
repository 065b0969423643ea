import Foundation

/// Murphy's (1973) decomposition of the Brier score on probability bins.
///
/// With bins b of weight W_b, mean prediction p̄_b, churn share ō_b and overall churn share ō:
/// REL = Σ W_b (p̄_b − ō_b)² / W, RES = Σ W_b (ō_b − ō)² / W, UNC = ō(1 − ō). Binning makes
/// REL − RES + UNC differ from the Brier score by two within-bin terms (Stephenson, Coelho &
/// Jolliffe 2008): Brier = REL − RES + UNC + WBV − 2·WBC exactly, where
/// WBV = Σ w (p − p̄_b)² / W and WBC = Σ w (p − p̄_b)(y − ō_b) / W. Both vanish when every bin
/// holds a single distinct p, and then REL − RES + UNC is the Brier score.
public struct BrierDecomposition: Sendable, Codable, Equatable {
    /// Brier score Σ w (y − p)² / W, in squared probability units.
    public var brier: Double
    /// Reliability (lower is better calibrated).
    public var reliability: Double
    /// Resolution (higher means the bins separate churners better).
    public var resolution: Double
    /// Uncertainty ō(1 − ō): the Brier score of always predicting the base rate.
    public var uncertainty: Double
    /// Within-bin variance of p.
    public var withinBinVariance: Double
    /// Within-bin covariance of p and y.
    public var withinBinCovariance: Double
    /// Bins used.
    public var strategy: BinStrategy
    public var binCount: Int

    enum CodingKeys: String, CodingKey {
        case brier, reliability, resolution, uncertainty, withinBinVariance = "within_bin_variance"
        case withinBinCovariance = "within_bin_covariance", strategy, binCount = "bin_count"
    }
}

public enum ProbabilisticScores {
    /// float64 machine epsilon 2⁻⁵² (numpy `finfo(float64).eps`), scikit-learn's clip for log loss.
    public static let logLossEpsilon = Double.ulpOfOne

    /// Log loss (cross-entropy, natural log, nats per row), as
    /// `sklearn.metrics.log_loss(y, p, sample_weight=w, labels=[0, 1])` (scikit-learn >= 1.5):
    /// each row's probabilities (1 − p, p) are clipped separately to [ε, 1 − ε] with ε = 2⁻⁵²,
    /// then −Σ w [y log p̃ + (1 − y) log(1 − p)~] / W. The clip keeps p = 0 or 1 finite
    /// (−log ε ≈ 36.04) instead of infinite.
    public static func logLoss(p: [Double], y: [Double], w: [Double]? = nil) throws(MetricError) -> Double {
        logLoss(try ScoredRows(p: p, y: y, w: w))
    }

    static func logLoss(_ r: ScoredRows) -> Double {
        weightedMean(logLossTerms(r), r.weights)
    }

    /// Each row's loss −log p̃ (churners) or −log(1 − p)~ (stayers), clipped as in `logLoss`.
    static func logLossTerms(_ r: ScoredRows) -> [Double] {
        let eps = logLossEpsilon
        var loss = [Double](repeating: 0, count: r.count)
        for i in r.p.indices {
            let q = r.y[i] == 1 ? r.p[i] : 1 - r.p[i]
            loss[i] = -log(min(max(q, eps), 1 - eps))
        }
        return loss
    }

    /// Brier score Σ w (y − p)² / W, as `sklearn.metrics.brier_score_loss(y, p, sample_weight=w)`.
    /// Squared probability units; 0 is perfect, the base rate scores ō(1 − ō).
    public static func brier(p: [Double], y: [Double], w: [Double]? = nil) throws(MetricError) -> Double {
        brier(try ScoredRows(p: p, y: y, w: w))
    }

    static func brier(_ r: ScoredRows) -> Double {
        weightedMean(r.p.indices.map { (r.y[$0] - r.p[$0]) * (r.y[$0] - r.p[$0]) }, r.weights)
    }

    /// Murphy's decomposition on `bins` bins (default: 10 equal-width bins, the same bins as
    /// the uniform reliability curve). See `BrierDecomposition` for the exact identity.
    public static func brierDecomposition(p: [Double], y: [Double], w: [Double]? = nil, bins: Int = 10,
                                          strategy: BinStrategy = .uniform) throws(MetricError) -> BrierDecomposition {
        let rows = try ScoredRows(p: p, y: y, w: w)
        try Binning.checkBins(bins)
        let ids = Binning.assign(p: p, edges: Binning.edges(p: p, bins: bins, strategy: strategy))
        return brierDecomposition(rows, bins: bins, ids: ids, strategy: strategy)
    }

    /// The decomposition of validated rows whose bin of each row (`Binning`) is known.
    static func brierDecomposition(_ r: ScoredRows, bins: Int, ids: [Int], strategy: BinStrategy) -> BrierDecomposition {
        let p = r.p, y = r.y, weights = r.weights
        var sp = [Double](repeating: 0, count: bins), sy = sp, sw = sp
        var total = 0.0, totalY = 0.0, brierSum = 0.0
        for i in p.indices {
            sp[ids[i]] += weights[i] * p[i]
            sy[ids[i]] += weights[i] * y[i]
            sw[ids[i]] += weights[i]
            total += weights[i]
            totalY += weights[i] * y[i]
            brierSum += weights[i] * (y[i] - p[i]) * (y[i] - p[i])
        }
        let oBar = totalY / total
        var rel = 0.0, res = 0.0
        var pBar = [Double](repeating: 0, count: bins), yBar = pBar
        for b in 0..<bins where sw[b] > 0 {
            pBar[b] = sp[b] / sw[b]
            yBar[b] = sy[b] / sw[b]
            rel += sw[b] * (pBar[b] - yBar[b]) * (pBar[b] - yBar[b])
            res += sw[b] * (yBar[b] - oBar) * (yBar[b] - oBar)
        }
        var wbv = 0.0, wbc = 0.0
        for i in p.indices {
            let dp = p[i] - pBar[ids[i]]
            wbv += weights[i] * dp * dp
            wbc += weights[i] * dp * (y[i] - yBar[ids[i]])
        }
        return BrierDecomposition(brier: brierSum / total, reliability: rel / total, resolution: res / total,
                                  uncertainty: oBar * (1 - oBar), withinBinVariance: wbv / total,
                                  withinBinCovariance: wbc / total, strategy: strategy, binCount: bins)
    }
}
