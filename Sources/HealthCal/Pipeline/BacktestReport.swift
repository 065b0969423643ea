/// The machine-readable record of a backtest (`healthcal backtest --format json`, and part of
/// `recalibrate`'s metrics.json).
public struct BacktestReport: Sendable, Codable {
    public var folds: [BacktestRun.FoldResult]
    /// Out-of-sample scores as the models produced them.
    public var pooledRaw: MetricsReport
    /// Out-of-sample scores after the calibration a manager would have seen at the time.
    public var pooledCalibrated: MetricsReport
    public var perSegment: [String: MetricsReport]
    public var calibration: CalibrationAssessment?
    /// The calibration map estimated on all out-of-sample scores (goes into the weight file).
    public var finalCalibration: CalibrationMap
    public var champion: ChampionComparison?
    /// Percentile intervals over customer resamples (`--bootstrap`); absent without one.
    public var bootstrap: BootstrapReport?
    public var notes: [String]

    public init(run: BacktestRun, champion: ChampionComparison?, bootstrap: BootstrapReport? = nil) {
        self.bootstrap = bootstrap
        folds = run.folds
        pooledRaw = run.pooled
        pooledCalibrated = run.pooledCalibrated
        perSegment = run.perSegment
        calibration = run.calibration
        finalCalibration = run.finalCalibration
        self.champion = champion
        notes = run.notes
    }

    enum CodingKeys: String, CodingKey {
        case folds, pooledRaw = "pooled_raw", pooledCalibrated = "pooled_calibrated", perSegment = "per_segment"
        case calibration, finalCalibration = "final_calibration", champion, bootstrap, notes
    }
}
