/// Customer resamples: `--bootstrap B --seed S` for the cluster bootstrap of a backtest's
/// out-of-sample figures, `--validate V` (same seed) for the optimism refits.
public struct BootstrapOptions: Sendable, Equatable {
    /// Resamples B (0: none).
    public var count: Int
    public var seed: UInt64
    /// Test hook: read the resampled customer ids from this file instead of drawing them
    /// (`CustomerResamples.init(path:customers:index:)`); `count` is then the file's line count.
    public var resampleFile: String?

    public init(count: Int = 0, seed: UInt64 = 42, resampleFile: String? = nil) {
        self.count = count
        self.seed = seed
        self.resampleFile = resampleFile
    }

    /// The default resamples of `recalibrate` (other commands: 0).
    public static let recalibrateDefault = 200
}

public enum BacktestBootstrap {
    /// Percentile intervals of the calibrated out-of-sample figures of `run` over resamples of
    /// the customers that have out-of-sample rows, with `champion`'s on the same resamples (only
    /// the ranking figures when its scores are not probabilities). `healthiest[k]`: run row k was in the healthiest
    /// band (nil: the false-healthy share is left out).
    public static func run(panel: Panel, run: BacktestRun, champion: ModelScores?, healthiest: [Bool]?,
                           options: BootstrapOptions) throws(BootstrapError) -> BootstrapReport? {
        guard options.count > 0 || options.resampleFile != nil else { return nil }
        let clusters = ClusterCodes(labels: run.rows.lazy.map { panel.customerCodes[$0] })
        let resamples: CustomerResamples
        if let path = options.resampleFile {
            var index: [String: Int] = [:]
            for (k, r) in run.rows.enumerated() { index[panel.customerID(ofRow: r)] = Int(clusters.codes[k]) }
            resamples = try CustomerResamples(path: path, customers: clusters.count, index: index)
        } else {
            resamples = try CustomerResamples(count: options.count, customers: clusters.count, seed: options.seed)
        }
        let y = run.rows.map { panel.outcome[$0] }
        let w = panel.weights.map { ws in run.rows.map { ws[$0] } }
        let championScores = champion.map { ClusterBootstrap.Scores(p: $0.values, isProbability: $0.isProbability) }
        return ClusterBootstrap.run(challenger: ClusterBootstrap.Scores(p: run.calibratedProbability, healthiest: healthiest),
                                    champion: championScores, y: y, w: w, customer: clusters.codes, resamples: resamples)
    }

    /// Rejects a resample count before any work (below 1, or beyond `CustomerResamples`' bounds
    /// for this panel's customers).
    public static func check(_ options: BootstrapOptions, panel: Panel, allowZero: Bool) throws(BootstrapError) {
        guard options.resampleFile == nil else { return }
        if options.count == 0 && allowZero { return }
        try CustomerResamples.check(count: options.count, customers: panel.customerIDs.count)
    }
}
