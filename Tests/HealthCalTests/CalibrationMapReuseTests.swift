import Testing
@testable import HealthCal
import TestSupport

/// The backtest's final map, read from the pooled report's fits, against the map fitted again.
/// Exact: the same Newton steps on the same logits.
@Suite("Calibration map read from a report equals the map fitted again")
struct CalibrationMapReuseTests {
    @Test("every method, weighted and not, with and without a p that needs clipping",
          arguments: [CalibrationOptions.Method.platt, .intercept, .isotonic, .none])
    func reusedMap(method: CalibrationOptions.Method) throws {
        let d = CalibrationAssessmentTests.miscalibrated()
        let w = d.p.indices.map { Double($0 % 3) }
        for weights in [nil, w] {
            let report = try MetricsReport.compute(p: d.p, y: d.y, w: weights)
            #expect(try CalibrationMap.fit(method, p: d.p, y: d.y, w: weights, reusing: report)
                == CalibrationMap.fit(method, p: d.p, y: d.y, w: weights))
            // p = 0: the report has no logit-scale fits, the map clips and is fitted.
            var clipped = d.p
            clipped[3] = 0
            let clippedReport = try MetricsReport.compute(p: clipped, y: d.y, w: weights)
            #expect(try CalibrationMap.fit(method, p: clipped, y: d.y, w: weights, reusing: clippedReport)
                == CalibrationMap.fit(method, p: clipped, y: d.y, w: weights))
        }
    }
}
