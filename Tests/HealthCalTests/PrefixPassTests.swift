import Testing
@testable import HealthCal
import TestSupport

/// The rolling assessment's maps share their first Newton step (`PrefixPasses`): every map must
/// equal the one fitted on its prefix alone, to the bit.
@Suite("Calibration: maps on prefixes share their first Newton step")
struct PrefixPassTests {
    /// n rows, p in (0, 1) with a drift (so the prefixes' maps differ), y ~ Bernoulli of a
    /// miscalibrated p; the first `stayers` rows never churn (a prefix with one class).
    static func data(_ n: Int, stayers: Int) -> (p: [Double], y: [Double], w: [Double]) {
        var rng = SplitMix64(seed: 23)
        var p: [Double] = [], y: [Double] = [], w: [Double] = []
        for i in 0..<n {
            let q = 0.02 + 0.9 * rng.uniform() * rng.uniform()
            let truth = CalibrationMap.platt(a: -0.3 + Double(i) / Double(n), b: 0.8).apply(q)
            p.append(q)
            y.append(i >= stayers && rng.uniform() < truth ? 1 : 0)
            w.append([0.5, 1, 2][i % 3])
        }
        return (p, y, w)
    }

    @Test("each map equals the map fitted on its prefix alone", arguments: [CalibrationOptions.Method.platt, .intercept, .isotonic])
    func equalsAlone(method: CalibrationOptions.Method) throws {
        let d = Self.data(3000, stayers: 40)
        for w in [nil, d.w] {
            let rows = try CalibrationRows(p: d.p, y: d.y, w: w, method: method)
            // Unsorted, repeated, one prefix of one class only.
            let ends = [900, 20, 3000, 900, 1500, 2999]
            let shared = rows.fitPrefixes(method, ends: ends)
            let alone = ends.map { end in Result { () throws(CalibrationError) in try rows.fit(method, rows: 0..<end) } }
            #expect(shared == alone)
            if method != .isotonic { #expect(shared[1] == .failure(.metric(.singleClass(outcome: 0)))) }
        }
    }

    @Test("sums continued over the next rows equal one pass over all of them")
    func continuedSums() {
        let d = Self.data(1000, stayers: 0)
        let x = d.p.map(CalibrationMap.clippedLogit)
        var c = CoxSums(), s = InterceptSums()
        c.add(a: 0.1, b: 0.9, x: x, y: d.y, w: d.w, rows: 0..<377)
        c.add(a: 0.1, b: 0.9, x: x, y: d.y, w: d.w, rows: 377..<1000)
        s.add(a: 0.2, x: x, y: d.y, w: d.w, rows: 0..<377)
        s.add(a: 0.2, x: x, y: d.y, w: d.w, rows: 377..<1000)
        var c1 = CoxSums(), s1 = InterceptSums()
        c1.add(a: 0.1, b: 0.9, x: x, y: d.y, w: d.w, rows: 0..<1000)
        s1.add(a: 0.2, x: x, y: d.y, w: d.w, rows: 0..<1000)
        #expect(c == c1 && s == s1)
    }
}
