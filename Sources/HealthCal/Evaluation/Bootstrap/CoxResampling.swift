import Foundation

/// The Cox calibration fit (logit P(y = 1) = a + b·logit p, weighted) on many customer
/// resamples of the same rows, exact to the last digits but with about one pass over the drawn
/// customers' rows per resample instead of the three or four of Newton from a fixed start.
///
/// - Start: the full rows' fit θ₀, moved by the root of the third-order Taylor expansion of the
///   resample's score equations around θ₀. The expansion's coefficients are sums over each
///   customer's rows (Σ w (y − s) xʳ and Σ w s⁽ᵏ⁾ xʲ, s = sigmoid at θ₀), so the start costs one
///   pass over customers, not rows. They are stored as `Float`: they only place the start.
/// - Then exact passes over the drawn customers' rows at the current θ (gradient, Hessian and the
///   third derivatives, from one `exp` per row), each taking the root of the local quadratic
///   model, until the Newton step is below `acceptedStep` relative to θ. The step then bounds
///   the error: the quadratic model's root is within about C·|step|³ of the fit (C of order
///   the cube of the larger logits), far below 1e-12.
/// A resample whose fit does not converge (separation, or a singular Hessian) gives nil.
struct CoxResampling: Sendable {
    /// Rows of cluster c at rowStart[c]..<rowStart[c + 1] of x, y, base (customer order); base
    /// is empty when every row weighs 1.
    let rowStart: [Int]
    let x: [Double], y: [Double], base: [Double]
    /// The fit on every row once (the estimate), or (0, 1) when it does not converge.
    private(set) var start: (intercept: Double, slope: Double)
    /// Per cluster, the 14 Taylor coefficients at `start` (nil without a full fit), padded to 16.
    private(set) var taylor: [SIMD16<Float>]?

    static let coefficients = 14
    /// The Newton step, relative to max(1, |θ|), below which the fit is accepted.
    static let acceptedStep = 1e-6

    init(x rowX: [Double], y rowY: [Double], base rowBase: [Double], cluster: [Int32], clusters: Int) {
        let (order, start) = SortOrder.grouped(by: cluster, buckets: clusters)
        rowStart = start
        x = order.map { rowX[$0] }
        y = order.map { rowY[$0] }
        base = rowBase.allSatisfy { $0 == 1 } ? [] : order.map { rowBase[$0] }
        self.start = (0, 1)
        taylor = nil
        let everyone = [Int32](repeating: 1, count: clusters)
        guard let full = iterate(from: (0, 1), everyone) else { return }
        self.start = (full.intercept, full.slope)
        taylor = Self.taylorCoefficients(at: self.start, x: x, y: y, base: base, rowStart: rowStart)
    }

    /// The fit when customer c is drawn m[c] times; nil when it does not converge.
    func fit(_ m: [Int32]) -> (Double, Double)? {
        fitCountingPasses(m).map { ($0.intercept, $0.slope) }
    }

    /// `fit`, with the passes over the rows it took.
    func fitCountingPasses(_ m: [Int32]) -> (intercept: Double, slope: Double, passes: Int)? {
        iterate(from: taylorStart(m) ?? start, m)
    }

    private func iterate(from theta: (Double, Double), _ m: [Int32]) -> (intercept: Double, slope: Double, passes: Int)? {
        var (a, b) = theta
        for passes in 1...CalibrationFit.maxIterations {
            let s = pass(a: a, b: b, m)
            guard let d = CalibrationFit.solve2x2(s.h00, s.h01, s.h11, s.g0, s.g1), d.0.isFinite, d.1.isFinite else { return nil }
            var step = d
            if abs(d.0) <= 0.1 * max(1, abs(a)) && abs(d.1) <= 0.1 * max(1, abs(b)) {
                // Near the root: the root of the quadratic model g − H·δ − ½T[δ, δ].
                for _ in 0..<3 {
                    let t = Self.second(s.t0, s.t1, s.t2, s.t3, step)
                    guard let r = CalibrationFit.solve2x2(s.h00, s.h01, s.h11, s.g0 - 0.5 * t.0, s.g1 - 0.5 * t.1),
                          r.0.isFinite, r.1.isFinite else { break }
                    step = r
                }
            }
            a += step.0; b += step.1
            if abs(d.0) <= Self.acceptedStep * max(1, abs(a)) && abs(d.1) <= Self.acceptedStep * max(1, abs(b)) { return (a, b, passes) }
        }
        return nil
    }

    /// Gradient, Hessian and third-derivative sums at (a, b) over the drawn customers' rows.
    private func pass(a: Double, b: Double, _ m: [Int32]) -> (g0: Double, g1: Double, h00: Double, h01: Double, h11: Double,
                                                              t0: Double, t1: Double, t2: Double, t3: Double) {
        var g0 = 0.0, g1 = 0.0, h00 = 0.0, h01 = 0.0, h11 = 0.0, t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0
        let unweighted = base.isEmpty
        x.withUnsafeBufferPointer { x in
        y.withUnsafeBufferPointer { y in
        base.withUnsafeBufferPointer { base in
        rowStart.withUnsafeBufferPointer { start in
        m.withUnsafeBufferPointer { m in
            for c in 0..<m.count where m[c] != 0 {
                let k = Double(m[c])
                for i in start[c]..<start[c + 1] {
                    // 1/(1 + e^−η) without a branch: e^−η overflows to +inf for η < −709,
                    // giving 0, the limit.
                    let xi = x[i], s = 1 / (1 + exp(-(a + b * xi)))
                    let w = unweighted ? k : k * base[i]
                    let r = w * (y[i] - s), h = w * s * (1 - s), t = h * (1 - 2 * s)
                    g0 += r; g1 += r * xi
                    h00 += h; h01 += h * xi; h11 += h * xi * xi
                    t0 += t; t1 += t * xi; t2 += t * xi * xi; t3 += t * xi * xi * xi
                }
            }
        }
        }
        }
        }
        }
        return (g0, g1, h00, h01, h11, t0, t1, t2, t3)
    }

    /// T[δ, δ] for the symmetric third-derivative sums Tₖ = Σ w s'' xᵏ: component r is
    /// T_r δ₀² + 2 T_{r+1} δ₀δ₁ + T_{r+2} δ₁².
    private static func second(_ t0: Double, _ t1: Double, _ t2: Double, _ t3: Double, _ d: (Double, Double)) -> (Double, Double) {
        let aa = d.0 * d.0, ab = 2 * d.0 * d.1, bb = d.1 * d.1
        return (t0 * aa + t1 * ab + t2 * bb, t1 * aa + t2 * ab + t3 * bb)
    }

    /// Per customer: Σ w (y − s)·(1, x), Σ w s'·(1, x, x²), Σ w s''·(1…x³), Σ w s'''·(1…x⁴) at θ.
    private static func taylorCoefficients(at theta: (Double, Double), x: [Double], y: [Double], base: [Double],
                                           rowStart: [Int]) -> [SIMD16<Float>] {
        let clusters = rowStart.count - 1
        var out = [SIMD16<Float>](repeating: .zero, count: clusters)
        var sums = [Double](repeating: 0, count: coefficients)
        for c in 0..<clusters {
            for j in sums.indices { sums[j] = 0 }
            for i in rowStart[c]..<rowStart[c + 1] {
                let xi = x[i], s = CalibrationFit.sigmoid(theta.0 + theta.1 * xi), w = base.isEmpty ? 1 : base[i]
                let s1 = s * (1 - s), s2 = s1 * (1 - 2 * s), s3 = s1 * (1 - 6 * s + 6 * s * s)
                var power = 1.0
                for k in 0...4 {
                    if k <= 1 { sums[k] += w * (y[i] - s) * power }
                    if k <= 2 { sums[2 + k] += w * s1 * power }
                    if k <= 3 { sums[5 + k] += w * s2 * power }
                    sums[9 + k] += w * s3 * power
                    power *= xi
                }
            }
            for j in sums.indices { out[c][j] = Float(sums[j]) }
        }
        return out
    }

    /// `start` moved to the root of the resample's third-order Taylor expansion; nil without
    /// coefficients or when the expansion gives no usable root.
    private func taylorStart(_ m: [Int32]) -> (Double, Double)? {
        guard let taylor else { return nil }
        var s = SIMD16<Double>.zero
        taylor.withUnsafeBufferPointer { t in
            m.withUnsafeBufferPointer { m in
                for c in 0..<m.count where m[c] != 0 { s += Double(m[c]) * SIMD16<Double>(t[c]) }
            }
        }
        // g(δ) = G − H·δ − ½T[δ, δ] − ⅙Q[δ, δ, δ], solved by fixed point from the Newton step.
        guard var d = CalibrationFit.solve2x2(s[2], s[3], s[4], s[0], s[1]) else { return nil }
        for _ in 0..<6 {
            let t = Self.second(s[5], s[6], s[7], s[8], d)
            let aaa = d.0 * d.0 * d.0, aab = 3 * d.0 * d.0 * d.1, abb = 3 * d.0 * d.1 * d.1, bbb = d.1 * d.1 * d.1
            let q0 = s[9] * aaa + s[10] * aab + s[11] * abb + s[12] * bbb
            let q1 = s[10] * aaa + s[11] * aab + s[12] * abb + s[13] * bbb
            guard let r = CalibrationFit.solve2x2(s[2], s[3], s[4], s[0] - 0.5 * t.0 - q0 / 6, s[1] - 0.5 * t.1 - q1 / 6) else { return nil }
            d = r
        }
        guard d.0.isFinite, d.1.isFinite, abs(d.0) <= 1, abs(d.1) <= 1 else { return nil }
        return (start.intercept + d.0, start.slope + d.1)
    }
}
