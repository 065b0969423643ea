/// The random numbers and elementary functions behind `SampleData`, written so that one seed
/// gives the same bytes on every machine.
///
/// `SystemRandomNumberGenerator` is not seedable, and libm's `exp`/`log` may differ in the last
/// bit between glibc, Darwin and musl, which is enough to flip a Bernoulli draw or a rounded cell
/// now and then. So the generator is xoshiro256** seeded by SplitMix64 (Blackman & Vigna), and
/// `exp`/`log` below use only +, -, *, / and exact scaling by powers of two, which IEEE 754
/// specifies bit for bit (Swift never contracts a * b + c into a fused multiply-add on its own).
/// Accuracy is ~1e-16 relative, far beyond what a simulation needs; determinism is the point.
struct SampleRandom {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator for stream `stream` of `seed`: each customer gets its own stream, so a
    /// customer's history does not depend on how many draws the others made.
    init(seed: UInt64, stream: UInt64) {
        var sm = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        _ = sm.next()   // decorrelate neighbouring seeds before filling the state
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }   // the all-zero state is the one fixed point
    }

    /// xoshiro256** (https://prng.di.unimi.it/xoshiro256starstar.c).
    mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Uniform on [0, 1) with 53 random bits.
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal by Marsaglia's polar method (needs only `log` and a square root, both
    /// exactly reproducible here; Box-Muller would need `cos`).
    mutating func normal() -> Double {
        while true {
            let u = 2 * uniform() - 1, v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 { return u * (-2 * DetMath.log(s) / s).squareRoot() }
        }
    }

    mutating func bernoulli(_ p: Double) -> Bool { uniform() < p }

    /// Binomial(n, p) as n Bernoulli draws (n is at most 20 here).
    mutating func binomial(_ n: Int, _ p: Double) -> Int {
        var k = 0
        for _ in 0..<n where uniform() < p { k += 1 }
        return k
    }

    /// Poisson(λ): Knuth's product of uniforms for λ < 30, a rounded normal above (the counts
    /// here rarely get there, and a simulation does not need the exact tail).
    mutating func poisson(_ lambda: Double) -> Int {
        guard lambda > 0 else { return 0 }
        if lambda >= 30 { return max(0, Int((lambda + lambda.squareRoot() * normal()).rounded())) }
        let limit = DetMath.exp(-lambda)
        var k = 0, product = uniform()
        while product > limit {
            k += 1
            product *= uniform()
        }
        return k
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// `exp`, `log` and the logistic function from basic IEEE operations only (see `SampleRandom`).
enum DetMath {
    /// ln 2 split in a high part with trailing zero bits (so k * ln2Hi is exact for |k| < 2^11)
    /// and the remainder (fdlibm's constants).
    static let ln2Hi = 6.93147180369123816490e-01
    static let ln2Lo = 1.90821492927058770002e-10
    static let ln2 = 0.693147180559945309417232121458

    /// e^x: x = k ln2 + r with |r| <= ln2/2, a degree-20 Taylor polynomial for e^r, then 2^k.
    static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709 { return .infinity }
        if x < -745 { return 0 }
        let k = (x / ln2).rounded()
        let r = (x - k * ln2Hi) - k * ln2Lo
        var term = 1.0, sum = 1.0
        for n in 1...20 {
            term = term * r / Double(n)
            sum += term
        }
        return scaled(sum, Int(k))
    }

    /// ln x for x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh((m-1)/(m+1)) by
    /// its odd series (|s| <= 0.172, so 14 terms reach 1e-21).
    static func log(_ x: Double) -> Double {
        guard x > 0 else { return x == 0 ? -.infinity : .nan }
        if !x.isFinite { return x }
        var e = Int(x.exponent)
        var m = x.significand   // in [1, 2), exact
        if m > 1.4142135623730951 {
            m /= 2
            e += 1
        }
        let s = (m - 1) / (m + 1), s2 = s * s
        var power = s, sum = 0.0
        for n in 0..<14 {
            sum += power / Double(2 * n + 1)
            power *= s2
        }
        return 2 * sum + Double(e) * ln2Hi + Double(e) * ln2Lo
    }

    /// ln(1 + v) for the non-negative counts of the sample (1 + v is exact for them).
    static func log1p(_ v: Double) -> Double { log(1 + v) }

    static func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

    /// v * 2^k, exact unless the result under- or overflows.
    private static func scaled(_ v: Double, _ k: Int) -> Double {
        var v = v, k = k
        while k > 1000 { v *= 0x1p1000; k -= 1000 }
        while k < -1000 { v *= 0x1p-1000; k += 1000 }
        return v * Double(sign: .plus, exponent: k, significand: 1)
    }
}
