import Foundation

/// Stratified k-fold assignment for snapshot panels (one row per customer, no periods).
///
/// Why stratified: churn is rare (often 5-15%), and an unstratified split can leave a fold with
/// a handful of churners, making its AUC and calibration noisy or undefined. Dealing churners and
/// non-churners separately keeps the churn share of every fold within one row of the overall
/// share.
///
/// Deterministic: the same outcomes, k and seed give the same folds on every platform and Swift
/// version, because the shuffle is our own Fisher-Yates driven by SplitMix64 (not the standard
/// library's unspecified `shuffle`).
public enum StratifiedKFold {
    /// The fold (0..<k) of each row. Non-churners are shuffled and dealt round-robin to folds
    /// 0, 1, ..., k-1, 0, ...; churners are shuffled and dealt continuing where the
    /// non-churners stopped, so fold sizes differ by at most one and each fold's count of each
    /// class differs by at most one from any other fold's. Folds may hold no churner when there
    /// are fewer churners than folds (allowed, as in scikit-learn, which only warns).
    public static func assign(y: [Double], folds k: Int, seed: UInt64 = 0) throws(BacktestError) -> [Int] {
        guard k >= 2 else { throw .invalidOption(key: "folds", value: k, requirement: "at least 2") }
        guard y.count >= k else { throw .tooFewRows(rows: y.count, folds: k) }
        for (i, v) in y.enumerated() where v != 0 && v != 1 { throw .outcomeNotBinary(index: i, value: v) }
        var rng = SplitMix64(seed: seed)
        var negatives = y.indices.filter { y[$0] == 0 }
        var positives = y.indices.filter { y[$0] == 1 }
        rng.shuffle(&negatives)
        rng.shuffle(&positives)
        var fold = [Int](repeating: 0, count: y.count)
        for (j, i) in (negatives + positives).enumerated() { fold[i] = j % k }
        return fold
    }

    /// The test row indices of each fold (ascending); the training rows of fold f are all others.
    public static func folds(y: [Double], folds k: Int, seed: UInt64 = 0) throws(BacktestError) -> [[Int]] {
        let fold = try assign(y: y, folds: k, seed: seed)
        var out = [[Int]](repeating: [], count: k)
        for (i, f) in fold.enumerated() { out[f].append(i) }
        return out
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014; the seeding generator of xoshiro): a tiny, fast,
/// fully specified generator, so seeded results are reproducible everywhere.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound by Lemire's multiply-high (bias < bound / 2⁶⁴, irrelevant here).
    mutating func below(_ bound: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal by Box-Muller (one of the pair), for seeded test data.
    mutating func normal() -> Double {
        let u1 = 1 - uniform(), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Fisher-Yates shuffle, written out so the permutation depends only on the seed.
    mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, below(i + 1))
        }
    }
}
