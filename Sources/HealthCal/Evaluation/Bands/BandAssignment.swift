/// The complete band rule of a model: the default scheme, per-segment schemes, and the gate.
///
/// The gate is the one metric without which a customer cannot be healthy (for example "sent an
/// invoice in the period"): a row that fails it, or whose gate value is missing, goes to the
/// riskiest band whatever its probability.
public struct BandAssignment: Sendable, Codable, Equatable {
    public var scheme: BandScheme
    /// Segment name → that segment's scheme; segments not listed use `scheme`.
    public var perSegment: [String: BandScheme]
    public var gate: BandOptions.Gate?

    enum CodingKeys: String, CodingKey { case scheme, perSegment = "per_segment", gate }

    public init(scheme: BandScheme, perSegment: [String: BandScheme] = [:], gate: BandOptions.Gate? = nil) {
        self.scheme = scheme
        self.perSegment = perSegment
        self.gate = gate
    }

    /// Builds the rule from the spec's `bands:` section. `referenceProbabilities` are the scores
    /// of the reference period (needed only for the quantile scheme).
    public init(options: BandOptions, referenceProbabilities: [Double]) throws(BandError) {
        switch options.scheme {
        case .fixed: scheme = BandScheme(fixed: options.fixed)
        case .quantile: scheme = try BandScheme(quantile: options.quantile, referenceProbabilities: referenceProbabilities)
        }
        perSegment = options.perSegment.mapValues { BandScheme(fixed: $0) }
        gate = options.gate
    }

    /// The scheme that applies to `segment`.
    public func scheme(forSegment segment: String?) -> BandScheme {
        if let segment, let s = perSegment[segment] { return s }
        return scheme
    }

    /// Whether a gate value passes (a missing value, NaN, fails).
    public func passesGate(_ value: Double?) -> Bool {
        guard let gate else { return true }
        guard let value, !value.isNaN else { return false }
        return value >= gate.min
    }

    /// The band index (0 = riskiest of the segment's scheme) for one row.
    public func index(probability p: Double, segment: String?, gateValue: Double?) -> Int {
        let s = scheme(forSegment: segment)
        return passesGate(gateValue) ? s.index(probability: p) : s.riskiest
    }

    /// The band's name for one row.
    public func name(probability p: Double, segment: String?, gateValue: Double?) -> String {
        let s = scheme(forSegment: segment)
        return s.bands[index(probability: p, segment: segment, gateValue: gateValue)].name
    }
}
