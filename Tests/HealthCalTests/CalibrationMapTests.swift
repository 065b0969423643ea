import Foundation
import Testing
@testable import HealthCal
import TestSupport

@Suite("Calibration maps: apply, fold into linear weights, fit (Platt vs scikit-learn)")
struct CalibrationMapTests {
    /// 60 seeded rows of 3 features (SplitMix64 seed 3), for the fold-in identity.
    static func rows() -> [[Double]] {
        var rng = SplitMix64(seed: 3)
        return (0..<60).map { _ in (0..<3).map { _ in 2 * rng.normal() } }
    }

    @Test("folding Platt / intercept / identity into the weights gives the map's probabilities (1e-12 absolute)",
          arguments: [CalibrationMap.platt(a: 0.3, b: 0.8), .platt(a: -1.2, b: 1.7), .intercept(a: -0.5), .identity])
    func foldIn(map: CalibrationMap) throws {
        let beta0 = -1.3, w = [0.4, -0.2, 1.1]
        let (b0, w2) = try map.folded(intercept: beta0, weights: w)
        for x in Self.rows() {
            let eta = beta0 + zip(w, x).map(*).reduce(0, +)
            let folded = CalibrationMap.sigmoid(b0 + zip(w2, x).map(*).reduce(0, +))
            // Reference: the map applied after the original linear score. Exact algebra, so
            // only rounding differs: 1e-12 absolute on probabilities.
            #expect(abs(folded - map.apply(logit: eta)) < 1e-12)
            // apply(p) agrees with apply(logit:) away from the clip (1e-12 absolute).
            #expect(abs(map.apply(CalibrationMap.sigmoid(eta)) - map.apply(logit: eta)) < 1e-12)
        }
    }

    @Test("isotonic cannot be folded: a typed error that says to keep the table")
    func isotonicNotFoldable() {
        let map = CalibrationMap.isotonic(table: IsotonicFit(thresholdsX: [0.1, 0.5], thresholdsY: [0.05, 0.6]))
        #expect(!map.isFoldable)
        #expect(throws: CalibrationError.cannotFold(method: "isotonic")) { try map.folded(intercept: 0, weights: [1]) }
        // Clipped interpolation, hand-computed: below, between, above the knots; 1e-15 absolute.
        #expect(maxAbsoluteError(map.apply([0.0, 0.3, 0.9]), [0.05, 0.325, 0.6]) < 1e-15)
    }

    @Test("p of exactly 0 or 1 is clipped to [1e-15, 1 - 1e-15] before the logit")
    func clipping() {
        let map = CalibrationMap.platt(a: 0.2, b: 0.5)
        let low = map.apply(0.0), high = map.apply(1.0)
        #expect(low.isFinite && high.isFinite && low > 0 && high < 1)
        // Reference: sigmoid(0.2 + 0.5·logit(1e-15)) by the same formula; 1e-15 relative.
        #expect(relativeError(low, CalibrationMap.sigmoid(0.2 + 0.5 * log(1e-15 / (1 - 1e-15)))) < 1e-15)
    }

    @Test("Codable as the weight file's flat object, round trip exact")
    func codable() throws {
        let maps: [CalibrationMap] = [.identity, .platt(a: -0.25, b: 0.75), .intercept(a: 0.5),
                                      .isotonic(table: IsotonicFit(thresholdsX: [0.1, 0.4], thresholdsY: [0.0, 0.5]))]
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        for m in maps {
            let data = try enc.encode(m)
            #expect(try JSONDecoder().decode(CalibrationMap.self, from: data) == m)
        }
        #expect(String(decoding: try enc.encode(maps[1]), as: UTF8.self) == #"{"a":-0.25,"b":0.75,"method":"platt"}"#)
        let bad = Data(#"{"method":"isotonic","x":[0.5,0.1],"y":[0,1]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CalibrationMap.self, from: bad) }
    }

    @Test("Platt and intercept-only fits against scikit-learn / statsmodels (1e-8 relative)",
          arguments: ["unweighted", "weighted", "clipped"])
    func fixture(name: String) throws {
        let ref = try CalibrationReference.shared.get()
        let c = try #require(ref.platt.first { $0.name == name })
        // Reference: sklearn LogisticRegression(C=inf, solver=newton-cholesky, tol=1e-14)
        // .fit(logit(clip(p)), y, sample_weight=w), cross-checked with statsmodels to 1e-9.
        guard case let .platt(a, b) = try CalibrationMap.fitPlatt(p: c.p, y: c.y, w: c.w) else {
            Issue.record("not a Platt map"); return
        }
        #expect(relativeError(a, c.plattA) < 1e-8, "a \(a) vs \(c.plattA)")
        #expect(relativeError(b, c.plattB) < 1e-8, "b \(b) vs \(c.plattB)")
        // Reference: statsmodels GLM(y, 1, offset=logit p, Binomial, freq_weights=w).
        guard case let .intercept(a0) = try CalibrationMap.fit(.intercept, p: c.p, y: c.y, w: c.w) else {
            Issue.record("not an intercept map"); return
        }
        #expect(relativeError(a0, c.interceptA) < 1e-8, "intercept \(a0) vs \(c.interceptA)")
    }

    @Test("properties of the fitted maps on their own estimation rows")
    func inSampleProperties() throws {
        let c = try #require(try CalibrationReference.shared.get().platt.first { $0.name == "weighted" })
        let w = try #require(c.w)
        // Platt is the Cox regression, so on its own rows the recalibrated Cox fit is (0, 1);
        // 1e-8 absolute (Newton stops at 1e-13 relative steps).
        let platt = try CalibrationMap.fit(.platt, p: c.p, y: c.y, w: w)
        let cox = try CalibrationFit.cox(p: platt.apply(c.p), y: c.y, w: w)
        #expect(abs(cox.intercept) < 1e-8 && abs(cox.slope - 1) < 1e-8)
        // Intercept-only: weighted mean calibrated p = weighted churn rate (ML score equation); 1e-10 relative.
        let shifted = try CalibrationMap.fit(.intercept, p: c.p, y: c.y, w: w).apply(c.p)
        let meanP = zip(shifted, w).map(*).reduce(0, +), meanY = zip(c.y, w).map(*).reduce(0, +)
        #expect(relativeError(meanP, meanY) < 1e-10)
        // Isotonic is exactly the existing IsotonicRegression (itself tested against sklearn).
        #expect(try CalibrationMap.fit(.isotonic, p: c.p, y: c.y, w: w) == .isotonic(table: try IsotonicRegression.fit(x: c.p, y: c.y, w: w)))
        #expect(try CalibrationMap.fit(.none, p: c.p, y: c.y, w: w) == .identity)
    }

    @Test("fit errors are typed: single class, bad probability")
    func fitErrors() {
        #expect(throws: CalibrationError.metric(.singleClass(outcome: 0))) { try CalibrationMap.fitPlatt(p: [0.2, 0.3], y: [0, 0]) }
        #expect(throws: CalibrationError.metric(.probabilityOutOfRange(index: 1, value: 1.5))) {
            try CalibrationMap.fit(.intercept, p: [0.2, 1.5], y: [0, 1])
        }
    }
}
