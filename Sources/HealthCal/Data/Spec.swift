/// The spec file (docs/spec.md): which columns mean what, how each feature is encoded, and the
/// model, backtest, calibration, band and flag options.
///
/// Keys are snake_case exactly as in docs/spec.md. Every key but `data.id`, `data.outcome` and
/// `features` has a default, applied while decoding, so a `Spec` value is always complete.
/// Load one with `Spec.load(path:)` or `Spec.parse(yaml:file:)`, which also reject unknown keys
/// and invalid values with messages naming the key.
public struct Spec: Sendable, Equatable, Codable {
    public var version: Int
    public var data: DataOptions
    public var features: [FeatureSpec]
    public var model: ModelOptions
    public var backtest: BacktestOptions
    public var calibration: CalibrationOptions
    public var bands: BandOptions
    public var flags: FlagOptions

    public init(version: Int = 1, data: DataOptions, features: [FeatureSpec],
                model: ModelOptions = .init(), backtest: BacktestOptions = .init(),
                calibration: CalibrationOptions = .init(), bands: BandOptions = .init(),
                flags: FlagOptions = .init()) {
        self.version = version
        self.data = data
        self.features = features
        self.model = model
        self.backtest = backtest
        self.calibration = calibration
        self.bands = bands
        self.flags = flags
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version, data, features, model, backtest, calibration, bands, flags
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? 1
        data = try c.decode(DataOptions.self, forKey: .data)
        features = try c.decode([FeatureSpec].self, forKey: .features)
        model = try c.decodeIfPresent(ModelOptions.self, forKey: .model) ?? .init()
        backtest = try c.decodeIfPresent(BacktestOptions.self, forKey: .backtest) ?? .init()
        calibration = try c.decodeIfPresent(CalibrationOptions.self, forKey: .calibration) ?? .init()
        bands = try c.decodeIfPresent(BandOptions.self, forKey: .bands) ?? .init()
        flags = try c.decodeIfPresent(FlagOptions.self, forKey: .flags) ?? .init()
    }
}

/// `data:` which column is which, and how the file is written.
public struct DataOptions: Sendable, Equatable, Codable {
    public var id: String
    /// nil: a snapshot, one row per customer.
    public var period: String?
    public var periodFormat: PeriodFormat
    public var outcome: String
    public var segment: String?
    public var weight: String?
    public var delimiter: String
    /// Cell values read as missing, compared case-insensitively; whitespace-only is missing too.
    public var missing: [String]

    public static let defaultMissing = ["", "NA", "N/A", "null", "NaN"]

    public init(id: String, period: String? = nil, periodFormat: PeriodFormat = .auto, outcome: String,
                segment: String? = nil, weight: String? = nil, delimiter: String = ",",
                missing: [String] = DataOptions.defaultMissing) {
        self.id = id
        self.period = period
        self.periodFormat = periodFormat
        self.outcome = outcome
        self.segment = segment
        self.weight = weight
        self.delimiter = delimiter
        self.missing = missing
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, period, periodFormat = "period_format", outcome, segment, weight, delimiter, missing
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        period = try c.decodeIfPresent(String.self, forKey: .period)
        periodFormat = try c.decodeIfPresent(PeriodFormat.self, forKey: .periodFormat) ?? .auto
        outcome = try c.decode(String.self, forKey: .outcome)
        segment = try c.decodeIfPresent(String.self, forKey: .segment)
        weight = try c.decodeIfPresent(String.self, forKey: .weight)
        delimiter = try c.decodeIfPresent(String.self, forKey: .delimiter) ?? ","
        missing = try c.decodeIfPresent([String].self, forKey: .missing) ?? Self.defaultMissing
    }

    /// True when `cell` is one of the missing tokens (case-insensitive) or whitespace only.
    public func isMissingToken(_ cell: String) -> Bool {
        let t = cell.trimmingWhitespace
        if t.isEmpty { return true }
        let lower = t.lowercased()
        return missing.contains { $0.lowercased() == lower }
    }
}

/// `model:` options of the logistic fit.
public struct ModelOptions: Sendable, Equatable, Codable {
    /// L2 penalty λ on the weights (never the intercept); sklearn's C = 1/λ.
    public var ridge: Double = 0
    /// Firth's penalized likelihood (Jeffreys prior) instead of plain maximum likelihood: finite
    /// weights under separation, profile intervals. Not combined with `ridge` (a spec error).
    public var firth: Bool = false
    public var perSegment: Bool = false
    public var minSegmentRows: Int = 500
    public var maxIterations: Int = 100
    /// `model` or `cluster` (on `data.id`); nil (the key left out): `cluster` when a customer has
    /// more than one row, else `model` (see `resolvedCovariance`). Nil is not written back, so a
    /// spec embedded in an older weight file re-encodes to the same bytes.
    public var covariance: CovarianceType?
    /// `penalty: {l1, l2}`: the elastic net (`ElasticNet`), on the scale of `ridge` (l2 is
    /// ridge's λ). Not combined with `ridge` or `firth` (spec errors). Nil: not written back.
    public var penalty: PenaltyOptions?
    /// `select: path`: λ chosen on the walk-forward backtest (`PenaltyPath`). Nil: not written back.
    public var select: PenaltySelection?

    /// The L1 and L2 penalties the fit uses: `penalty`'s, or (0, `ridge`).
    public var l1: Double { penalty?.l1 ?? 0 }
    public var l2: Double { penalty?.l2 ?? ridge }

    public init(ridge: Double = 0, perSegment: Bool = false, minSegmentRows: Int = 500, maxIterations: Int = 100,
                covariance: CovarianceType? = nil) {
        self.ridge = ridge
        self.perSegment = perSegment
        self.minSegmentRows = minSegmentRows
        self.maxIterations = maxIterations
        self.covariance = covariance
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ridge, firth, perSegment = "per_segment", minSegmentRows = "min_segment_rows", maxIterations = "max_iterations"
        case covariance, penalty, select
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ridge = try c.decodeIfPresent(Double.self, forKey: .ridge) ?? 0
        firth = try c.decodeIfPresent(Bool.self, forKey: .firth) ?? false
        perSegment = try c.decodeIfPresent(Bool.self, forKey: .perSegment) ?? false
        minSegmentRows = try c.decodeIfPresent(Int.self, forKey: .minSegmentRows) ?? 500
        maxIterations = try c.decodeIfPresent(Int.self, forKey: .maxIterations) ?? 100
        covariance = try c.decodeIfPresent(CovarianceType.self, forKey: .covariance)
        penalty = try c.decodeIfPresent(PenaltyOptions.self, forKey: .penalty)
        select = try c.decodeIfPresent(PenaltySelection.self, forKey: .select)
    }

    /// `firth` and `covariance` are written only when set, so a weight file of the release
    /// before they existed re-encodes to the same bytes.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ridge, forKey: .ridge)
        if firth { try c.encode(firth, forKey: .firth) }
        try c.encode(perSegment, forKey: .perSegment)
        try c.encode(minSegmentRows, forKey: .minSegmentRows)
        try c.encode(maxIterations, forKey: .maxIterations)
        try c.encodeIfPresent(covariance, forKey: .covariance)
        try c.encodeIfPresent(penalty, forKey: .penalty)
        try c.encodeIfPresent(select, forKey: .select)
    }
}

/// `model.penalty`: minimize −log L + l1·Σ|w_j| + (l2/2)·Σw_j² over the weights (never the
/// intercept), on the design columns as the model sees them (standardized where the spec says).
public struct PenaltyOptions: Sendable, Equatable, Codable {
    public var l1: Double = 0
    public var l2: Double = 0

    public init(l1: Double = 0, l2: Double = 0) {
        self.l1 = l1
        self.l2 = l2
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case l1, l2 }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        l1 = try c.decodeIfPresent(Double.self, forKey: .l1) ?? 0
        l2 = try c.decodeIfPresent(Double.self, forKey: .l2) ?? 0
    }
}

/// `model.select`: how the penalty's size is chosen.
public enum PenaltySelection: String, Sendable, Codable, CaseIterable {
    /// The λ path, λ picked by the walk-forward backtest's out-of-sample deviance (λ_1se).
    case path
}

/// `backtest:` the walk-forward (or, for snapshots, k-fold) evaluation.
public struct BacktestOptions: Sendable, Equatable, Codable {
    public enum Window: String, Sendable, Codable, CaseIterable { case expanding, rolling }

    /// The outcome of period t is known at t + horizon, in the panel's period unit.
    public var horizon: Int = 1
    public var minTrainPeriods: Int = 4
    public var window: Window = .expanding
    public var windowPeriods: Int = 8
    /// 0: every period after the minimum window; N: the last N periods.
    public var testPeriods: Int = 0
    public var folds: Int = 5

    public init(horizon: Int = 1, minTrainPeriods: Int = 4, window: Window = .expanding,
                windowPeriods: Int = 8, testPeriods: Int = 0, folds: Int = 5) {
        self.horizon = horizon
        self.minTrainPeriods = minTrainPeriods
        self.window = window
        self.windowPeriods = windowPeriods
        self.testPeriods = testPeriods
        self.folds = folds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case horizon, minTrainPeriods = "min_train_periods", window, windowPeriods = "window_periods",
             testPeriods = "test_periods", folds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        horizon = try c.decodeIfPresent(Int.self, forKey: .horizon) ?? 1
        minTrainPeriods = try c.decodeIfPresent(Int.self, forKey: .minTrainPeriods) ?? 4
        window = try c.decodeIfPresent(Window.self, forKey: .window) ?? .expanding
        windowPeriods = try c.decodeIfPresent(Int.self, forKey: .windowPeriods) ?? 8
        testPeriods = try c.decodeIfPresent(Int.self, forKey: .testPeriods) ?? 0
        folds = try c.decodeIfPresent(Int.self, forKey: .folds) ?? 5
    }
}

/// `calibration:` how out-of-sample scores are recalibrated.
public struct CalibrationOptions: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable, CaseIterable { case platt, intercept, isotonic, none }
    public var method: Method = .platt

    public init(method: Method = .platt) { self.method = method }

    enum CodingKeys: String, CodingKey, CaseIterable { case method }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decodeIfPresent(Method.self, forKey: .method) ?? .platt
    }
}

/// `flags:` thresholds of the three flags (DESIGN.md, "The flags").
public struct FlagOptions: Sendable, Equatable, Codable {
    public var persistentPeriods: Int = 3
    /// Health-score points (0-100 scale).
    public var scoreDrop: Double = 15
    public var topFeatures: Int = 3

    public init(persistentPeriods: Int = 3, scoreDrop: Double = 15, topFeatures: Int = 3) {
        self.persistentPeriods = persistentPeriods
        self.scoreDrop = scoreDrop
        self.topFeatures = topFeatures
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case persistentPeriods = "persistent_periods", scoreDrop = "score_drop", topFeatures = "top_features"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        persistentPeriods = try c.decodeIfPresent(Int.self, forKey: .persistentPeriods) ?? 3
        scoreDrop = try c.decodeIfPresent(Double.self, forKey: .scoreDrop) ?? 15
        topFeatures = try c.decodeIfPresent(Int.self, forKey: .topFeatures) ?? 3
    }
}
