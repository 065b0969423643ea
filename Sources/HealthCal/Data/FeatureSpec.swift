/// One entry of `features:`: a column of the panel and how it is encoded (docs/encodings.md).
///
/// Options that the spec may leave out are stored as optionals so validation can tell "not
/// given" from "given": a categorical feature with `transform:` is an error, not a silent no-op.
/// Use the `effective...` accessors for the values the encoder applies.
public struct FeatureSpec: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case numeric, categorical, boolean }
    /// `bins`: monotone bins (Data/MonotoneBins.swift); `spline`: a restricted cubic spline with
    /// `knots` knots (Data/SplineBasis.swift).
    public enum Transform: String, Sendable, Codable, CaseIterable { case none, log1p, bins, spline }
    /// What a missing cell becomes. `mode` (the most frequent of 0/1) is the boolean default.
    public enum Impute: String, Sendable, Codable, CaseIterable { case median, mean, zero, constant, error, mode }
    public enum Unseen: String, Sendable, Codable, CaseIterable { case reference, error }

    /// `missing_indicator`: `auto` (when the training rows had a missing cell), `true`, `false`.
    public enum MissingIndicator: Sendable, Equatable, Codable {
        case auto, always, never

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) {
                self = b ? .always : .never
                return
            }
            let s = try c.decode(String.self)
            switch s.lowercased() {
            case "auto": self = .auto
            case "true", "yes": self = .always
            case "false", "no": self = .never
            default:
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected auto, true or false, not '\(s)'")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .auto: try c.encode("auto")
            case .always: try c.encode(true)
            case .never: try c.encode(false)
            }
        }
    }

    public var name: String
    public var type: Kind
    /// Sub-score group (deployment, engagement, ...), carried into the weight file.
    public var group: String?
    public var transform: Transform?
    /// Fixed bounds [lower, upper] applied after the transform.
    public var clip: [Double]?
    /// Quantiles [lower, upper] of the training rows, frozen as bounds.
    public var winsorize: [Double]?
    public var impute: Impute?
    public var imputeValue: Double?
    public var missingIndicator: MissingIndicator?
    public var standardize: Bool?
    public var reference: String?
    public var minCount: Int?
    public var unseen: Unseen?
    /// `transform: bins` (MonotoneBins): at most this many bins of present values.
    public var maxBins: Int?
    /// `transform: bins`: the direction the churn rate must follow across the bins.
    public var monotone: MonotoneBins.Direction?
    /// `transform: bins`: the smallest share of the present training rows a bin may hold.
    public var minBinShare: Double?
    /// Number of spline knots (3...7) with `transform: spline`.
    public var knots: Int?

    /// Knots of a spline when `knots:` is not given (Harrell's default).
    public static let defaultKnots = 4
    public static let knotRange = 3...7

    /// Levels seen fewer times than this in training pool into "(other)" unless `min_count` says otherwise.
    public static let defaultMinCount = 20

    public init(name: String, type: Kind, group: String? = nil, transform: Transform? = nil,
                clip: [Double]? = nil, winsorize: [Double]? = nil, impute: Impute? = nil,
                imputeValue: Double? = nil, missingIndicator: MissingIndicator? = nil,
                standardize: Bool? = nil, reference: String? = nil, minCount: Int? = nil,
                unseen: Unseen? = nil, knots: Int? = nil) {
        self.name = name
        self.type = type
        self.group = group
        self.transform = transform
        self.clip = clip
        self.winsorize = winsorize
        self.impute = impute
        self.imputeValue = imputeValue
        self.missingIndicator = missingIndicator
        self.standardize = standardize
        self.reference = reference
        self.minCount = minCount
        self.unseen = unseen
        self.knots = knots
    }

    /// A numeric feature under `transform: bins`.
    public static func bins(_ name: String, maxBins: Int? = nil, monotone: MonotoneBins.Direction? = nil,
                            minBinShare: Double? = nil, impute: Impute? = nil, group: String? = nil) -> FeatureSpec {
        var f = FeatureSpec(name: name, type: .numeric, group: group, transform: .bins, impute: impute)
        f.maxBins = maxBins
        f.monotone = monotone
        f.minBinShare = minBinShare
        return f
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, type, group, transform, clip, winsorize, impute, imputeValue = "impute_value",
             missingIndicator = "missing_indicator", standardize, reference, minCount = "min_count", unseen, knots
        case maxBins = "max_bins", monotone, minBinShare = "min_bin_share"
    }

    /// The keys that make sense for each type; others are rejected by validation.
    static func keys(for kind: Kind) -> Set<String> {
        let common: Set<String> = ["name", "type", "group"]
        switch kind {
        case .numeric:
            return common.union(["transform", "clip", "winsorize", "impute", "impute_value", "missing_indicator", "standardize",
                                 "max_bins", "monotone", "min_bin_share", "knots"])
        case .categorical:
            return common.union(["reference", "min_count", "unseen"])
        case .boolean:
            return common.union(["impute", "impute_value", "missing_indicator"])
        }
    }

    public var effectiveTransform: Transform { transform ?? .none }
    public var effectiveImpute: Impute { impute ?? (type == .boolean ? .mode : .median) }
    public var effectiveMissingIndicator: MissingIndicator { missingIndicator ?? .auto }
    /// Numeric features standardize by default; booleans stay 0/1. Binned features are indicator
    /// columns and are never standardized. A spline does not by default: with `standardize: true`
    /// only its linear column is standardized (docs/encodings.md).
    public var effectiveStandardize: Bool { type == .numeric && transform != .bins && (standardize ?? (transform != .spline)) }
    public var effectiveMaxBins: Int { maxBins ?? MonotoneBins.defaultMaxBins }
    public var effectiveMonotone: MonotoneBins.Direction { monotone ?? .auto }
    public var effectiveMinBinShare: Double { minBinShare ?? MonotoneBins.defaultMinShare }
    public var effectiveKnots: Int { knots ?? Self.defaultKnots }
    public var effectiveMinCount: Int { minCount ?? Self.defaultMinCount }
    public var effectiveUnseen: Unseen { unseen ?? .reference }
}

/// `bands:` how probabilities become named groups.
public struct BandOptions: Sendable, Equatable, Codable {
    public enum Scheme: String, Sendable, Codable, CaseIterable { case quantile, fixed }

    /// A quantile band: the riskiest `share` of the reference period, riskiest band first.
    public struct QuantileBand: Sendable, Equatable, Codable {
        public var name: String
        public var color: String?
        public var share: Double
        public init(name: String, color: String? = nil, share: Double) {
            self.name = name
            self.color = color
            self.share = share
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case name, color, share }
    }

    /// A fixed band: health scores >= `minScore` up to the next band's `minScore`.
    public struct FixedBand: Sendable, Equatable, Codable {
        public var name: String
        public var color: String?
        public var minScore: Double
        public init(name: String, color: String? = nil, minScore: Double) {
            self.name = name
            self.color = color
            self.minScore = minScore
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case name, color, minScore = "min_score" }
    }

    /// A pass/fail column: failing (value < min, or missing) puts the row in the riskiest band.
    public struct Gate: Sendable, Equatable, Codable {
        public var column: String
        public var min: Double
        public init(column: String, min: Double) {
            self.column = column
            self.min = min
        }
        enum CodingKeys: String, CodingKey, CaseIterable { case column, min }
    }

    /// Which cut points band each *backtest* period under the quantile scheme (production always
    /// uses the thresholds frozen from `referencePeriod`).
    public enum BacktestCuts: String, Sendable, Codable, CaseIterable {
        /// The cut points of the previous scored period's calibrated out-of-sample scores, as a
        /// weight file shipped then would have held; the first scored period uses its own ranks.
        case previous
        /// Each period's own ranks (relative groups: every period splits at the target shares).
        case own
    }

    public var scheme: Scheme
    /// "latest" or a period label such as "2025Q3".
    public var referencePeriod: String
    public var backtestCuts: BacktestCuts
    public var quantile: [QuantileBand]
    public var fixed: [FixedBand]
    /// Segment name -> its own fixed bands. Encode with sorted keys for byte-identical output.
    public var perSegment: [String: [FixedBand]]
    public var gate: Gate?

    public static let defaultQuantile: [QuantileBand] = [
        .init(name: "requires attention", color: "red", share: 0.25),
        .init(name: "take notice", color: "yellow", share: 0.50),
        .init(name: "doing well", color: "green", share: 0.25),
    ]
    public static let defaultFixed: [FixedBand] = [
        .init(name: "red", color: "red", minScore: 0),
        .init(name: "orange", color: "orange", minScore: 40),
        .init(name: "yellow", color: "yellow", minScore: 60),
        .init(name: "green", color: "green", minScore: 80),
    ]

    public init(scheme: Scheme = .quantile, referencePeriod: String = "latest", backtestCuts: BacktestCuts = .previous,
                quantile: [QuantileBand] = BandOptions.defaultQuantile, fixed: [FixedBand] = BandOptions.defaultFixed,
                perSegment: [String: [FixedBand]] = [:], gate: Gate? = nil) {
        self.scheme = scheme
        self.referencePeriod = referencePeriod
        self.backtestCuts = backtestCuts
        self.quantile = quantile
        self.fixed = fixed
        self.perSegment = perSegment
        self.gate = gate
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case scheme, referencePeriod = "reference_period", backtestCuts = "backtest_cuts", quantile, fixed
        case perSegment = "per_segment", gate
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scheme = try c.decodeIfPresent(Scheme.self, forKey: .scheme) ?? .quantile
        referencePeriod = try c.decodeIfPresent(String.self, forKey: .referencePeriod) ?? "latest"
        backtestCuts = try c.decodeIfPresent(BacktestCuts.self, forKey: .backtestCuts) ?? .previous
        quantile = try c.decodeIfPresent([QuantileBand].self, forKey: .quantile) ?? Self.defaultQuantile
        fixed = try c.decodeIfPresent([FixedBand].self, forKey: .fixed) ?? Self.defaultFixed
        perSegment = try c.decodeIfPresent([String: [FixedBand]].self, forKey: .perSegment) ?? [:]
        gate = try c.decodeIfPresent(Gate.self, forKey: .gate)
    }

    /// `backtest_cuts` is written only when it is not the default, so a weight file of the release
    /// before it existed re-encodes to the same bytes.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scheme, forKey: .scheme)
        try c.encode(referencePeriod, forKey: .referencePeriod)
        if backtestCuts != .previous { try c.encode(backtestCuts, forKey: .backtestCuts) }
        try c.encode(quantile, forKey: .quantile)
        try c.encode(fixed, forKey: .fixed)
        try c.encode(perSegment, forKey: .perSegment)
        try c.encodeIfPresent(gate, forKey: .gate)
    }
}
