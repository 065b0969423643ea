import Testing
import TestSupport
@testable import HealthCal

@Suite struct BandTests {
    @Test func healthScoreIsHundredTimesOneMinusP() {
        #expect(HealthScore.fromProbability(0.25) == 75)
        #expect(HealthScore.toProbability(40) == 0.6)
    }

    @Test func fixedStoplightBands() {
        let scheme = BandScheme(fixed: BandOptions.defaultFixed)  // red 0, orange 40, yellow 60, green 80
        // score 85 -> green, 80 exactly -> green (lower bound inclusive), 79.9 -> yellow, 10 -> red.
        #expect(scheme.index(probability: 0.15) == 3)
        #expect(scheme.index(probability: 0.2) == 3)
        #expect(scheme.index(probability: 0.201) == 2)
        #expect(scheme.index(probability: 0.5) == 1)
        #expect(scheme.index(probability: 0.9) == 0)
        #expect(scheme.names == ["red", "orange", "yellow", "green"])
    }

    @Test func quantileBandsFreezeReferenceCutPoints() throws {
        // Scores 0, 10, ..., 100 (p = 1, 0.9, ..., 0): numpy.quantile(scores, [0.25, 0.75]) = 25, 75.
        let p = (0...10).map { 1 - Double($0) / 10 }
        let scheme = try BandScheme(quantile: BandOptions.defaultQuantile, referenceProbabilities: p)
        #expect(scheme.bands.map(\.minScore) == [0, 25, 75])
        #expect(abs(scheme.bands[1].maxProbability - 0.75) < 1e-15)
        // On the reference, shares are 3/11 red (0,10,20), 5/11 yellow, 3/11 green (80,90,100).
        let counts = p.reduce(into: [0, 0, 0]) { $0[scheme.index(probability: $1)] += 1 }
        #expect(counts == [3, 5, 3])
    }

    @Test func perSegmentThresholdsAndGate() throws {
        var options = BandOptions(scheme: .fixed)
        options.perSegment = ["enterprise": [.init(name: "red", color: "red", minScore: 0),
                                             .init(name: "green", color: "green", minScore: 90)]]
        options.gate = .init(column: "invoice_sent", min: 1)
        let rule = try BandAssignment(options: options, referenceProbabilities: [])
        // p = 0.15 (score 85): green under the default bands, red under enterprise's (needs 90).
        #expect(rule.name(probability: 0.15, segment: "smb", gateValue: 1) == "green")
        #expect(rule.name(probability: 0.15, segment: "enterprise", gateValue: 1) == "red")
        #expect(rule.name(probability: 0.05, segment: "enterprise", gateValue: 1) == "green")
        // Failing or missing gate: riskiest band whatever the score.
        #expect(rule.name(probability: 0.01, segment: "smb", gateValue: 0) == "red")
        #expect(rule.name(probability: 0.01, segment: "smb", gateValue: nil) == "red")
        #expect(rule.name(probability: 0.01, segment: "smb", gateValue: .nan) == "red")
    }
}
