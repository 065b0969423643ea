import Foundation
import Testing
@testable import HealthCal
import TestSupport

@Suite("Champion vs challenger on the same rows")
struct ChampionComparisonTests {
    @Test("against scikit-learn and numpy on a 40-row fixture", arguments: ["unweighted", "weighted"])
    func fixture(name: String) throws {
        let c = try #require(try CalibrationReference.shared.get().champion.first { $0.name == name })
        let r = try ChampionComparison.compare(champion: ModelScores(name: "production", values: c.champion),
                                               challenger: ModelScores(name: "refit", values: c.challenger),
                                               y: c.y, w: c.w)
        // Reference: sklearn roc_auc_score / brier_score_loss / log_loss (sample_weight=w);
        // 1e-12 relative.
        #expect(relativeError(r.champion.auc, c.champAuc) < 1e-12)
        #expect(relativeError(r.challenger.auc, c.challAuc) < 1e-12)
        #expect(relativeError(try #require(r.brierDifference), c.challBrier - c.champBrier) < 1e-12)
        #expect(relativeError(try #require(r.logLossDifference), c.challLogLoss - c.champLogLoss) < 1e-12)
        #expect(relativeError(r.aucDifference, c.challAuc - c.champAuc) < 1e-12)
        // Reference: the top-25% rule in numpy (fixture script); 1e-12 absolute.
        for (got, want) in [(r.champion.capture, c.champCapture), (r.challenger.capture, c.challCapture)] {
            #expect(abs(got.bandShare - want.bandShare) < 1e-12)
            #expect(abs(got.churnerShare - want.churnerShare) < 1e-12)
            #expect(abs(try #require(got.bandChurnRate) - want.bandChurnRate) < 1e-12)
        }
        if c.w == nil {
            // DeLong is the metrics module's (tested against numpy placement values); here: wired right.
            let d = try DeLong.compare(p1: c.champion, p2: c.challenger, y: c.y)
            #expect(r.delongTest == d && r.champion.delong == d.first && r.challenger.delong == d.second)
            #expect(r.notes.isEmpty)
        } else {
            #expect(r.delongTest == nil && r.champion.delong == nil)
            #expect(r.notes.contains { $0.contains("unweighted rows only") })
        }
    }

    @Test("hand example: ties at the band cut stay together")
    func handExample() throws {
        // y = 1, 0, 1, 0; champion 0.9, 0.9, 0.5, 0.1; challenger 0.8, 0.3, 0.6, 0.2.
        // Champion AUC: pairs (churner, stayer) = (.9,.9) ½, (.9,.1) 1, (.5,.9) 0, (.5,.1) 1 → 2.5/4.
        // Challenger AUC: all 4 pairs ordered → 1. Top 25% of 4 rows = 1 row; the champion's top
        // row is tied with the second, so its band holds 2 rows (1 churner of 2).
        // Brier: champion (0.01 + 0.81 + 0.25 + 0.01)/4 = 0.27; challenger (0.04 + 0.09 + 0.16 + 0.04)/4 = 0.0825.
        let y = [1.0, 0, 1, 0]
        let r = try ChampionComparison.compare(champion: ModelScores(name: "a", values: [0.9, 0.9, 0.5, 0.1]),
                                               challenger: ModelScores(name: "b", values: [0.8, 0.3, 0.6, 0.2]), y: y)
        // Exact up to rounding: 1e-15 absolute.
        #expect(abs(r.champion.auc - 0.625) < 1e-15 && abs(r.challenger.auc - 1) < 1e-15)
        #expect(abs(r.champion.capture.bandShare - 0.5) < 1e-15 && abs(r.champion.capture.churnerShare - 0.5) < 1e-15)
        #expect(abs(r.challenger.capture.bandShare - 0.25) < 1e-15 && r.challenger.capture.bandChurnRate == 1)
        #expect(abs(try #require(r.brierDifference) - (0.0825 - 0.27)) < 1e-15)
    }

    @Test("explicit band flags are used as given")
    func flags() throws {
        let r = try ChampionComparison.compare(champion: ModelScores(name: "a", values: [0.9, 0.7, 0.5, 0.1]),
                                               challenger: ModelScores(name: "b", values: [0.8, 0.3, 0.6, 0.2]),
                                               y: [1, 0, 1, 0], riskiestBand: .flags(champion: [true, true, true, false],
                                                                                      challenger: [false, false, false, false]))
        #expect(r.champion.capture == BandCapture(bandShare: 0.75, churnerShare: 1, bandChurnRate: 2.0 / 3))
        #expect(r.challenger.capture == BandCapture(bandShare: 0, churnerShare: 0, bandChurnRate: nil))
    }

    @Test("a rank-only champion: AUC and capture as for the probabilities it ranks like; Brier and log loss skipped")
    func rankOnly() throws {
        let c = try #require(try CalibrationReference.shared.get().champion.first { $0.name == "unweighted" })
        // Points = 100 p − 7: the same order, not probabilities.
        let points = ModelScores(name: "CS scorecard", values: c.champion.map { 100 * $0 - 7 }, isProbability: false)
        let r = try ChampionComparison.compare(champion: points, challenger: ModelScores(name: "refit", values: c.challenger), y: c.y)
        // Reference: sklearn roc_auc_score of the original probabilities (1e-12 relative), and
        // the DeLong test of the probabilities themselves (ranks preserve it; 1e-12 relative).
        #expect(relativeError(r.champion.auc, c.champAuc) < 1e-12)
        let d = try DeLong.compare(p1: c.champion, p2: c.challenger, y: c.y)
        #expect(relativeError(try #require(r.delongTest).z, d.z) < 1e-12)
        #expect(abs(r.champion.capture.churnerShare - c.champCapture.churnerShare) < 1e-12)
        #expect(r.champion.brier == nil && r.brierDifference == nil && r.logLossDifference == nil)
        #expect(r.challenger.brier != nil)
        #expect(r.notes.contains { $0.contains("CS scorecard is a rank-only score") })
    }

    @Test("input errors are typed")
    func errors() {
        let a = ModelScores(name: "a", values: [0.2, 0.4, 0.6])
        #expect(throws: MetricError.lengthMismatch(name: "challenger scores", expected: 3, actual: 2)) {
            try ChampionComparison.compare(champion: a, challenger: ModelScores(name: "b", values: [0.1, 0.2]), y: [0, 1, 0])
        }
        #expect(throws: MetricError.probabilityOutOfRange(index: 1, value: 1.5)) {
            try ChampionComparison.compare(champion: a, challenger: ModelScores(name: "b", values: [0.1, 1.5, 0.2]), y: [0, 1, 0])
        }
        #expect(throws: MetricError.singleClass(outcome: 0)) { try ChampionComparison.compare(champion: a, challenger: a, y: [0, 0, 0]) }
        #expect(throws: MetricError.self) {
            try ChampionComparison.compare(champion: a, challenger: a, y: [0, 1, 0], riskiestBand: .topShare(0))
        }
    }
}

@Suite("Hand-made scorecard (YAML)")
struct ScorecardTests {
    static let example = """
    scorecard: v1
    name: CS team health score 2025
    intercept: -2.0          # optional; log-odds at all-zero metrics
    direction: risk
    weights: {logins_30d: -0.02, support_tickets: 0.15, nps: -0.03}
    missing: {nps: 0}
    """

    @Test("parses the documented example and scores with the intercept as probabilities")
    func parseAndScore() throws {
        let card = try Scorecard.parse(yaml: Self.example)
        #expect(card.name == "CS team health score 2025" && card.intercept == -2 && card.direction == .risk)
        #expect(card.weights == ["logins_30d": -0.02, "support_tickets": 0.15, "nps": -0.03] && card.producesProbabilities)
        let p = try card.score(rawColumns: ["logins_30d": [10, 0], "support_tickets": [2, 0], "nps": [.nan, 50], "arr": [1, 2]])
        // Hand: row 0: −2 − 0.2 + 0.3 + 0 (nps missing → 0) = −1.9; row 1: −2 − 1.5 = −3.5.
        // 1e-15 relative against the sigmoid written out.
        #expect(relativeError(p[0], 1 / (1 + exp(1.9))) < 1e-15)
        #expect(relativeError(p[1], 1 / (1 + exp(3.5))) < 1e-15)
    }

    @Test("health direction negates the points; no intercept gives rank-only points")
    func healthRankOnly() throws {
        let card = try Scorecard.parse(yaml: "scorecard: v1\nname: health points\ndirection: health\nweights: {logins_30d: 0.5, nps: 1}\nmissing: {nps: 3}")
        #expect(!card.producesProbabilities)
        let s = try card.score(rawColumns: ["logins_30d": [10, 2], "nps": [1, .nan]])
        // Hand: risk = −(0.5·10 + 1) = −6; −(0.5·2 + 3) = −4 (nps missing → 3). Exact.
        #expect(s == [-6, -4])
        #expect(try card.modelScores(rawColumns: ["logins_30d": [1], "nps": [1]]).isProbability == false)
    }

    @Test("an unknown metric names the available columns and the closest one")
    func unknownMetric() throws {
        let card = try Scorecard.parse(yaml: Self.example)
        do {
            _ = try card.score(rawColumns: ["logins_30d": [1], "support_ticket": [1], "nps": [1]])
            Issue.record("expected an error")
        } catch {
            #expect(error == .unknownMetric(name: "support_tickets", suggestion: "support_ticket",
                                            available: ["logins_30d", "nps", "support_ticket"]))
            #expect(error.description.contains("Available columns: logins_30d, nps, support_ticket"))
        }
    }

    @Test("format errors are clear", arguments: [
        ("scorecard: v2\nweights: {a: 1}", "only v1"),
        ("scorecard: v1\nweights: {}", "weights is empty"),
        ("scorecard: v1\nwieghts: {a: 1}", "did you mean 'weights'"),
        ("name: x\nweights: {a: 1}", "missing key 'scorecard'"),
        ("scorecard: v1\ndirection: up\nweights: {a: 1}", "direction is 'up'"),
        ("scorecard: v1\nweights: {a: 1}\nmissing: {b: 0}", "'b', which has no weight"),
        ("scorecard: v1\nweights: {a: heavy}", "'weights.a' has the wrong type: expected a number"),
        ("scorecard: [\n", "not valid YAML"),
        ("", "empty"),
    ])
    func formatErrors(yaml: String, message: String) {
        do {
            _ = try Scorecard.parse(yaml: yaml)
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test("bad cells and ragged columns are errors, not crashes")
    func badCells() throws {
        let card = try Scorecard.parse(yaml: "scorecard: v1\nweights: {a: 1, b: 2}")
        #expect(throws: ScorecardError.self) { try card.score(rawColumns: ["a": [1, .infinity], "b": [1, 1]]) }
        #expect(throws: ScorecardError.self) { try card.score(rawColumns: ["a": [1, 2], "b": [1]]) }
        // Built in code, never parsed: still validated, not a crash on an empty weight list.
        #expect(throws: ScorecardError.self) { try Scorecard(name: "empty", weights: [:]).score(rawColumns: ["a": [1]]) }
    }
}
