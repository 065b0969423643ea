import Testing
@testable import HealthCal

/// A hand-made scorecard's points that are equal on paper tie, as they would by hand: 0.1 · 7
/// and 0.7 · 1 are both 0.7, though in binary 0.1 · 7 is 0.7000000000000001.
@Suite("Scorecard points equal on paper tie")
struct ScorecardTieTests {
    /// Weights a: 0.1, b: 0.7 per unit.
    static let card = Scorecard(name: "paper", weights: ["a": 0.1, "b": 0.7])
    static let a: [Double] = [7, 0, 1, 3, 0, 2]
    static let b: [Double] = [0, 1, 0, 1, 0.5, 0]
    static let y: [Double] = [1, 0, 0, 1, 1, 0]

    /// The AUC as the Mann-Whitney probability, pair by pair, a tie counting one half
    /// (Hanley & McNeil 1982): the reference, independent of `RankingMetrics`.
    static func pairwiseAUC(_ s: [Double], _ y: [Double]) -> Double {
        var credit = 0.0, pairs = 0.0
        for i in s.indices where y[i] == 1 {
            for j in s.indices where y[j] == 0 {
                credit += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0
                pairs += 1
            }
        }
        return credit / pairs
    }

    @Test func equalOnPaperTiesAndTheAUCCountsTheTie() throws {
        // The case is real: summed in binary, the first two rows would be ranked apart.
        let first: Double = 0.1 * 7.0, second: Double = 0.7 * 1.0
        #expect(first != second)
        let s = try Self.card.score(rawColumns: ["a": Self.a, "b": Self.b])
        #expect(s[0] == s[1])
        #expect(s[0] == 0.7)  // the decimal 0.7, correctly rounded
        let paper: [Double] = [0.7, 0.7, 0.1, 1.0, 0.35, 0.2]
        #expect(s == paper)
        // Positives 0.7, 1.0, 0.35 against negatives 0.7, 0.1, 0.2: 7.5 of 9 pairs (by hand).
        let reference = Self.pairwiseAUC(s, Self.y)
        let byHand: Double = 7.5 / 9
        #expect(abs(reference - byHand) < 1e-15)
        #expect(abs(try RankingMetrics.rocAUC(p: s, y: Self.y) - reference) < 1e-15)
    }

    /// Through an intercept (probabilities), the health direction and a missing cell filled with
    /// a decimal: equal paper sums stay equal scores.
    @Test func tiesSurviveInterceptDirectionAndMissing() throws {
        let card = Scorecard(name: "paper", intercept: -2.2, direction: .health, weights: ["a": 0.1, "b": 0.7], missing: ["b": 0.5])
        let s = try card.score(rawColumns: ["a": [7, 0, 3.5], "b": [0, 1, .nan]])
        #expect(s[0] == s[1])
        #expect(s[0] == CalibrationMap.sigmoid(-2.2 - 0.7))
        #expect(s[2] == s[0])  // 0.35 + 0.7 · 0.5 = 0.7 on paper
    }

    /// A value with more than nine decimals is summed in binary, as before: no error, and the
    /// result is the plain sum.
    @Test func longDecimalsFallBackToTheBinarySum() throws {
        let third = 1.0 / 3
        let s = try Self.card.score(rawColumns: ["a": [third, 7], "b": [0.25, 0]])
        let binary: Double = 0.1 * third + 0.7 * 0.25
        #expect(s[0] == binary)
        #expect(s[1] == 0.7)
        #expect(PaperDecimal(third) == nil)
        #expect(PaperDecimal(-0.01) == PaperDecimal(mantissa: -1, decimals: 2))
        #expect(PaperDecimal(0.734) == PaperDecimal(mantissa: 734, decimals: 3))
    }
}
