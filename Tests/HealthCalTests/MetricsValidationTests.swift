import Testing
@testable import HealthCal

@Suite("Metrics: input validation throws typed errors")
struct MetricsValidationTests {
    @Test("each contract violation names the row and value")
    func errors() {
        #expect(throws: MetricError.empty) { try ProbabilisticScores.brier(p: [], y: []) }
        #expect(throws: MetricError.lengthMismatch(name: "outcomes", expected: 2, actual: 1)) {
            try ProbabilisticScores.brier(p: [0.1, 0.2], y: [0])
        }
        #expect(throws: MetricError.probabilityOutOfRange(index: 1, value: 1.5)) {
            try ProbabilisticScores.logLoss(p: [0.1, 1.5], y: [0, 1])
        }
        #expect(throws: MetricError.outcomeNotBinary(index: 0, value: 2)) {
            try RankingMetrics.rocAUC(p: [0.1, 0.5], y: [2, 1])
        }
        #expect(throws: MetricError.invalidWeight(index: 1, value: -1)) {
            try ProbabilisticScores.brier(p: [0.1, 0.5], y: [0, 1], w: [1, -1])
        }
        #expect(throws: MetricError.zeroTotalWeight) {
            try ProbabilisticScores.brier(p: [0.1, 0.5], y: [0, 1], w: [0, 0])
        }
        #expect(throws: MetricError.lengthMismatch(name: "weights", expected: 2, actual: 3)) {
            try ProbabilisticScores.brier(p: [0.1, 0.5], y: [0, 1], w: [1, 1, 1])
        }
        #expect(throws: MetricError.self) { try CalibrationCurve.reliability(p: [0.1], y: [0], bins: 0) }
    }

    @Test("NaN probabilities are rejected")
    func nan() {
        #expect(throws: MetricError.self) { try ProbabilisticScores.brier(p: [.nan], y: [0]) }
    }

    @Test("messages are human-readable")
    func messages() {
        let m = MetricError.outcomeNotBinary(index: 3, value: 2).description
        #expect(m.contains("row 3") && m.contains("0 (stayed) or 1 (churned)"))
    }
}
