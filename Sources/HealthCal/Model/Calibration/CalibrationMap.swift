import Foundation

/// A recalibration of churn probabilities, estimated on out-of-sample scores (DESIGN.md,
/// "Calibration"). A model can rank well and still say 30% where 15% churn; the map fixes the
/// probabilities without changing the ranking (Platt with b > 0, intercept, isotonic are all
/// monotone non-decreasing).
///
/// Probabilities of exactly 0 or 1 have an infinite logit; every map that works on the logit
/// scale first clips p to [`pClip`, 1 - `pClip`] (1e-15, the clip scikit-learn's `log_loss`
/// used before 1.5), so a saturated score maps to a finite, extreme probability instead of NaN.
public enum CalibrationMap: Sendable, Equatable {
    /// p' = p.
    case identity
    /// Logistic (Platt) recalibration p' = sigmoid(a + b·logit p); a in log-odds, b unitless.
    case platt(a: Double, b: Double)
    /// Base-rate shift p' = sigmoid(a + logit p): Platt with b fixed at 1.
    case intercept(a: Double)
    /// Isotonic (PAV) table: p' = linear interpolation of the table at p, constant beyond its ends.
    case isotonic(table: IsotonicFit)

    /// Lower clip applied to p before taking its logit (upper clip: 1 - pClip).
    public static let pClip = 1e-15

    /// The method's name as the spec spells it (`calibration: method:`).
    public var method: CalibrationOptions.Method {
        switch self {
        case .identity: .none
        case .platt: .platt
        case .intercept: .intercept
        case .isotonic: .isotonic
        }
    }

    /// The calibrated probability of a raw probability `p` in [0, 1].
    public func apply(_ p: Double) -> Double {
        switch self {
        case .identity: p
        case .isotonic(let table): table.predict(p)
        case .platt, .intercept: apply(logit: Self.clippedLogit(p))
        }
    }

    /// The calibrated probability of a raw linear score (log-odds) η, without ever forming
    /// p = sigmoid(η) for the logit-scale maps (so no precision is lost for extreme η).
    public func apply(logit eta: Double) -> Double {
        switch self {
        case .identity: Self.sigmoid(eta)
        case let .platt(a, b): Self.sigmoid(a + b * eta)
        case let .intercept(a): Self.sigmoid(a + eta)
        case .isotonic(let table): table.predict(Self.sigmoid(eta))
        }
    }

    public func apply(_ p: [Double]) -> [Double] { p.map { apply($0) } }
    public func apply(logits: [Double]) -> [Double] { logits.map { apply(logit: $0) } }

    /// Folds a logit-scale map into a linear score β0 + Σ wⱼ xⱼ, so that any linear scorer
    /// (SQL, PMML, a spreadsheet) emits calibrated probabilities without knowing about the map:
    /// - Platt: a + b(β0 + w·x) = (a + bβ0) + (bw)·x, so β0' = a + b·β0 and w' = b·w;
    /// - intercept: β0' = a + β0, weights unchanged;
    /// - identity: unchanged.
    /// Isotonic cannot be folded (it is not linear on the logit scale): it throws
    /// `.cannotFold`, and the weight file keeps the table, applied after the linear score.
    public func folded(intercept beta0: Double, weights: [Double]) throws(CalibrationError) -> (intercept: Double, weights: [Double]) {
        switch self {
        case .identity: return (beta0, weights)
        case let .platt(a, b): return (a + b * beta0, weights.map { b * $0 })
        case let .intercept(a): return (a + beta0, weights)
        case .isotonic: throw .cannotFold(method: "isotonic")
        }
    }

    /// True when `folded(intercept:weights:)` succeeds.
    public var isFoldable: Bool { if case .isotonic = self { false } else { true } }

    /// logit(clip(p, pClip, 1 - pClip)).
    public static func clippedLogit(_ p: Double) -> Double {
        let q = min(max(p, pClip), 1 - pClip)
        return log(q / (1 - q))
    }

    /// 1 / (1 + e^−η), without overflow for large |η|.
    /// One `exp` either way (e^η is computed once for η < 0).
    public static func sigmoid(_ eta: Double) -> Double {
        if eta >= 0 { return 1 / (1 + exp(-eta)) }
        let e = exp(eta)
        return e / (1 + e)
    }
}

/// Codable as a flat object, the shape the weight file carries:
/// `{"method": "platt", "a": -0.2, "b": 0.8}`, `{"method": "intercept", "a": 0.3}`,
/// `{"method": "isotonic", "x": [...], "y": [...]}`, `{"method": "none"}`.
extension CalibrationMap: Codable {
    enum CodingKeys: String, CodingKey { case method, a, b, x, y }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(CalibrationOptions.Method.self, forKey: .method) {
        case .none: self = .identity
        case .platt: self = .platt(a: try c.decode(Double.self, forKey: .a), b: try c.decode(Double.self, forKey: .b))
        case .intercept: self = .intercept(a: try c.decode(Double.self, forKey: .a))
        case .isotonic:
            let x = try c.decode([Double].self, forKey: .x), y = try c.decode([Double].self, forKey: .y)
            guard !x.isEmpty, x.count == y.count, zip(x, x.dropFirst()).allSatisfy({ $0 < $1 }),
                  zip(y, y.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw DecodingError.dataCorruptedError(forKey: .x, in: c, debugDescription:
                    "an isotonic table needs equally many x and y knots (at least one), x strictly increasing and y non-decreasing")
            }
            self = .isotonic(table: IsotonicFit(thresholdsX: x, thresholdsY: y))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        switch self {
        case .identity: break
        case let .platt(a, b): try c.encode(a, forKey: .a); try c.encode(b, forKey: .b)
        case let .intercept(a): try c.encode(a, forKey: .a)
        case .isotonic(let t): try c.encode(t.thresholdsX, forKey: .x); try c.encode(t.thresholdsY, forKey: .y)
        }
    }
}
