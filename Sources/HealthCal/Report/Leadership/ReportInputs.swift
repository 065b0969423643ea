/// Everything the leadership report shows, gathered by the recalibration pipeline. Plain values:
/// the report computes nothing statistical beyond regrouping these numbers for charts.
public struct ReportInputs: Sendable {
    public var title: String = "Churn score recalibration"
    public var runLabel: String
    /// Supplied by the caller (never read from the clock here, so reports are reproducible).
    public var date: String?
    public var dataFile: String
    public var backtest: BacktestReport
    /// Out-of-sample rows in backtest order: calibrated and raw churn probability, outcome, period label.
    public var probability: [Double]
    public var rawProbability: [Double]
    public var outcome: [Double]
    public var weights: [Double]?
    public var periodLabels: [String]
    /// The champion's scores on the same rows (a probability, or a risk score for ranking only).
    public var champion: ModelScores?
    /// The final fit on all rows (before calibration is folded in).
    public var fit: LogisticFit
    public var calibration: CalibrationMap
    public var bands: BandDigest?
    public var flags: FlagDigest?
    /// Population stability per scored period (recalibrate on a panel with periods).
    public var drift: DriftReport? = nil
    /// The final model's optimism (`--validate`), shown under "The model".
    public var validation: OptimismReport? = nil
    /// The final fit's partial effect of each spline feature (`PartialEffect`).
    public var partialEffects: [PartialEffect] = []
    /// The final fit's λ selection (`model.select: path`), for "Which metrics matter".
    public var selection: PathSelection? = nil
    /// (what, path) of every file written, for the "where things are" list.
    public var outputs: [(String, String)]

    public init(runLabel: String, date: String?, dataFile: String, backtest: BacktestReport, probability: [Double],
                rawProbability: [Double], outcome: [Double], weights: [Double]?, periodLabels: [String],
                champion: ModelScores?, fit: LogisticFit, calibration: CalibrationMap, bands: BandDigest?,
                flags: FlagDigest?, outputs: [(String, String)]) {
        self.runLabel = runLabel
        self.date = date
        self.dataFile = dataFile
        self.backtest = backtest
        self.probability = probability
        self.rawProbability = rawProbability
        self.outcome = outcome
        self.weights = weights
        self.periodLabels = periodLabels
        self.champion = champion
        self.fit = fit
        self.calibration = calibration
        self.bands = bands
        self.flags = flags
        self.outputs = outputs
    }
}

/// Band counts per scored period, riskiest band first.
public struct BandDigest: Sendable, Codable {
    public var periods: [String]
    public var bandNames: [String]
    public var bandColors: [String?]
    /// customers[p][b], churners[p][b]: rows of period p in band b, and how many of them churned.
    public var customers: [[Double]]
    public var churners: [[Double]]

    public init(periods: [String], bandNames: [String], bandColors: [String?], customers: [[Double]], churners: [[Double]]) {
        self.periods = periods
        self.bandNames = bandNames
        self.bandColors = bandColors
        self.customers = customers
        self.churners = churners
    }
}

/// The flags in the few numbers a leader reads, plus the customers worth a look.
public struct FlagDigest: Sendable, Codable {
    public struct Customer: Sendable, Codable {
        public var kind: String
        public var customer: String
        public var segment: String?
        public var periods: String
        public var healthScore: Double
        public var scoreTrajectory: [Double]
        public var reasons: String

        public init(kind: String, customer: String, segment: String?, periods: String, healthScore: Double,
                    scoreTrajectory: [Double], reasons: String) {
            self.kind = kind
            self.customer = customer
            self.segment = segment
            self.periods = periods
            self.healthScore = healthScore
            self.scoreTrajectory = scoreTrajectory
            self.reasons = reasons
        }
    }

    public var churners: Int
    public var falseHealthy: Int
    public var riskiestBandCustomers: Int
    public var persistentAtRisk: Int
    public var persistentPeriods: Int
    public var scoreDrops: Int
    public var top: [Customer]

    public init(churners: Int, falseHealthy: Int, riskiestBandCustomers: Int, persistentAtRisk: Int,
                persistentPeriods: Int, scoreDrops: Int, top: [Customer]) {
        self.churners = churners
        self.falseHealthy = falseHealthy
        self.riskiestBandCustomers = riskiestBandCustomers
        self.persistentAtRisk = persistentAtRisk
        self.persistentPeriods = persistentPeriods
        self.scoreDrops = scoreDrops
        self.top = top
    }
}
