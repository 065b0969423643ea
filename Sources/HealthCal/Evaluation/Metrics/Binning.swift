/// How predicted probabilities are grouped into bins for reliability curves, ECE, Murphy's
/// decomposition and Hosmer-Lemeshow.
public enum BinStrategy: String, Sendable, Codable, CaseIterable {
    /// Equal-width bins on [0, 1]: edges i/k (numpy `linspace(0, 1, k + 1)`).
    case uniform
    /// Equal-mass bins: edges are the (unweighted) sample quantiles of p at i/k, numpy's
    /// default "linear" method (Hyndman-Fan type 7, R's default). Tied p can make edges
    /// coincide; the bins between them are empty and dropped.
    case quantile
}

enum Binning {
    /// Bin edges as `sklearn.calibration.calibration_curve` computes them. Quantile edges read
    /// only a few order statistics of p, found by selection (`QuickSelect`) instead of a sort.
    static func edges(p: [Double], bins k: Int, strategy: BinStrategy) -> [Double] {
        guard strategy == .quantile else { return edges(sortedP: [], bins: k, strategy: .uniform) }
        let positions = quantilePositions(count: p.count, bins: k)
        let values = Dictionary(uniqueKeysWithValues: zip(positions, QuickSelect.values(p, at: positions)))
        return quantileEdges(count: p.count, bins: k) { values[$0] ?? .nan }
    }

    /// The same from p sorted ascending (only the quantile strategy reads it).
    static func edges(sortedP sorted: [Double], bins k: Int, strategy: BinStrategy) -> [Double] {
        switch strategy {
        case .uniform:
            // numpy.linspace: i * step, with the last edge set to exactly 1.
            let step = 1.0 / Double(k)
            var e = (0...k).map { Double($0) * step }
            e[k] = 1
            return e
        case .quantile:
            return quantileEdges(count: sorted.count, bins: k) { sorted[$0] }
        }
    }

    /// Quantile edges of n values, reading the i-th smallest through `sorted(i)`.
    static func quantileEdges(count n: Int, bins k: Int, sorted: (Int) -> Double) -> [Double] {
        let step = 1.0 / Double(k)
        var e = (0...k).map { i -> Double in
            // sklearn passes linspace(0,1,k+1)*100 to np.percentile, which divides by 100.
            let q = (i == k ? 1.0 : Double(i) * step) * 100 / 100
            return quantileLinear(count: n, q, sorted)
        }
        e[0] = sorted(0)
        return e
    }

    /// The sorted positions `quantileEdges` reads: they depend on the count alone.
    static func quantilePositions(count n: Int, bins k: Int) -> [Int] {
        var read = Set<Int>()
        _ = quantileEdges(count: n, bins: k) { read.insert($0); return 0 }
        return read.sorted()
    }

    /// numpy.quantile(method="linear") of n sorted values (the i-th smallest is `sorted(i)`),
    /// reproducing numpy's `_lerp` rounding (from the upper neighbour when the fraction is >= 0.5).
    static func quantileLinear(count n: Int, _ q: Double, _ sorted: (Int) -> Double) -> Double {
        let virtual = Double(n - 1) * q
        if virtual >= Double(n - 1) { return sorted(n - 1) }
        if virtual < 0 { return sorted(0) }
        let lo = virtual.rounded(.down)
        let i = Int(lo)
        let gamma = virtual - lo
        let a = sorted(i), b = sorted(i + 1)
        let diff = b - a
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
    }

    /// Bin index of each row: the number of inner edges strictly below p
    /// (`numpy.searchsorted(edges[1:-1], p, side="left")`), so a p equal to an edge falls in
    /// the lower bin, and bin 0 also holds p = 0.
    /// With few edges (10 bins: 9 inner edges) counting the edges below p without branches is
    /// faster than a binary search and gives the same index, the edges being sorted.
    static func assign(p: [Double], edges: [Double]) -> [Int] {
        let inner = Array(edges.dropFirst().dropLast())
        if inner.count <= 16 {
            // Through a buffer, so the count over the edges is a plain loop the compiler unrolls.
            return inner.withUnsafeBufferPointer { e in
                p.map { v in
                    var k = 0
                    for edge in e where edge < v { k &+= 1 }
                    return k
                }
            }
        }
        return p.map { v in
            var lo = 0, hi = inner.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if inner[mid] < v { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
    }

    static func checkBins(_ k: Int) throws(MetricError) {
        guard k >= 1 else { throw .invalidArgument("number of bins must be at least 1 (got \(k))") }
    }
}

/// One non-empty bin of a reliability (calibration) curve.
public struct ReliabilityBin: Sendable, Codable, Equatable {
    /// Index of the bin among all `bins` (0 = lowest probabilities); empty bins are omitted.
    public var index: Int
    /// Lower and upper edge; the bin holds lower < p <= upper (bin 0 also holds p = lower).
    public var lower: Double
    public var upper: Double
    /// Weighted mean predicted probability in the bin (sklearn's `prob_pred`).
    public var meanPredicted: Double
    /// Weighted share of churners in the bin (sklearn's `prob_true`).
    public var observedFrequency: Double
    /// Number of rows in the bin.
    public var count: Int
    /// Total row weight in the bin (equals `count` when unweighted).
    public var weight: Double

    enum CodingKeys: String, CodingKey {
        case index, lower, upper, meanPredicted = "mean_predicted", observedFrequency = "observed_frequency"
        case count, weight
    }
}

/// Reliability curve plus the expected calibration error computed from it.
public struct ReliabilityCurve: Sendable, Codable, Equatable {
    public var strategy: BinStrategy
    /// Number of bins requested (non-empty bins are listed in `bins`).
    public var binCount: Int
    public var bins: [ReliabilityBin]
    /// ECE = Σ_b (W_b / W) |observed_b − predicted_b|, in probability units (0 = calibrated).
    public var expectedCalibrationError: Double

    enum CodingKeys: String, CodingKey {
        case strategy, binCount = "bin_count", bins, expectedCalibrationError = "expected_calibration_error"
    }
}

public enum CalibrationCurve {
    /// Reliability curve as `sklearn.calibration.calibration_curve(y, p, n_bins: bins,
    /// strategy:)`: `meanPredicted` and `observedFrequency` of the non-empty bins equal its
    /// `prob_pred` and `prob_true`. With weights, bin means are weighted (sklearn has no
    /// sample_weight here); edges do not depend on the weights.
    public static func reliability(p: [Double], y: [Double], w: [Double]? = nil, bins: Int = 10,
                                   strategy: BinStrategy = .uniform) throws(MetricError) -> ReliabilityCurve {
        let rows = try ScoredRows(p: p, y: y, w: w)
        try Binning.checkBins(bins)
        let edges = Binning.edges(p: p, bins: bins, strategy: strategy)
        return reliability(rows, edges: edges, bins: Binning.assign(p: p, edges: edges), strategy: strategy)
    }

    /// The curve of validated rows whose bin edges and bin of each row (`Binning`) are known.
    static func reliability(_ r: ScoredRows, edges: [Double], bins ids: [Int], strategy: BinStrategy) -> ReliabilityCurve {
        let bins = edges.count - 1
        let p = r.p, y = r.y, weights = r.weights
        var sp = [Double](repeating: 0, count: bins), sy = sp, sw = sp
        var counts = [Int](repeating: 0, count: bins)
        var total = 0.0
        for i in p.indices {
            sp[ids[i]] += weights[i] * p[i]
            sy[ids[i]] += weights[i] * y[i]
            sw[ids[i]] += weights[i]
            counts[ids[i]] += 1
            total += weights[i]
        }
        var out: [ReliabilityBin] = []
        var ece = 0.0
        for b in 0..<bins where counts[b] > 0 && sw[b] > 0 {
            let pred = sp[b] / sw[b], obs = sy[b] / sw[b]
            out.append(ReliabilityBin(index: b, lower: edges[b], upper: edges[b + 1], meanPredicted: pred,
                                      observedFrequency: obs, count: counts[b], weight: sw[b]))
            ece += sw[b] / total * abs(obs - pred)
        }
        return ReliabilityCurve(strategy: strategy, binCount: bins, bins: out, expectedCalibrationError: ece)
    }

    /// Expected calibration error alone (see `ReliabilityCurve.expectedCalibrationError`).
    public static func expectedCalibrationError(p: [Double], y: [Double], w: [Double]? = nil, bins: Int = 10,
                                                strategy: BinStrategy = .uniform) throws(MetricError) -> Double {
        try reliability(p: p, y: y, w: w, bins: bins, strategy: strategy).expectedCalibrationError
    }
}
