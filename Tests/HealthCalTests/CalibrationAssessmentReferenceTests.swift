import Testing
@testable import HealthCal
import TestSupport

/// `CalibrationAssessment.assess` (rows grouped by period once, maps fitted on prefixes, shared
/// logits) against the straightforward definition: for every step, copy the estimation rows,
/// fit the map with `CalibrationMap.fit`, and summarize with the public metric functions.
@Suite("Calibration assessment equals its straightforward definition")
struct CalibrationAssessmentReferenceTests {
    static func reference(p: [Double], y: [Double], w: [Double]?, period: [Int], method: CalibrationOptions.Method,
                          mode: CalibrationAssessment.Mode, horizon: Int) throws -> CalibrationAssessment {
        let scored = Array(Set(period)).sorted()
        var plan: [(estimation: [Int], evaluation: [Int])] = []
        switch mode {
        case .split(let holdout):
            let evaluation = Array(scored.suffix(holdout ?? max(1, scored.count / 3)))
            plan = [(scored.filter { $0 <= evaluation[0] - horizon }, evaluation)]
        case .rolling:
            plan = scored.map { t in (scored.filter { $0 <= t - horizon }, [t]) }.filter { !$0.estimation.isEmpty }
        case .crossFitted:
            plan = scored.map { t in (scored.filter { $0 != t }, [t]) }
        }
        func pick(_ x: [Double], _ rows: [Int]) -> [Double] { rows.map { x[$0] } }
        var steps: [CalibrationAssessment.Step] = [], rows: [Int] = [], after: [Double] = []
        for (estimation, evaluation) in plan {
            let est = period.indices.filter { estimation.contains(period[$0]) }
            let map = try CalibrationMap.fit(method, p: pick(p, est), y: pick(y, est), w: w.map { pick($0, est) })
            steps.append(.init(estimationPeriods: estimation, evaluationPeriods: evaluation, map: map))
            for i in period.indices where evaluation.contains(period[i]) { rows.append(i); after.append(map.apply(p[i])) }
        }
        let ey = pick(y, rows), ew = w.map { pick($0, rows) }
        var notes: [String] = []
        func summary(_ q: [Double], _ label: String) throws -> CalibrationSummary {
            let weights = ew ?? q.map { _ in 1 }
            var s = CalibrationSummary(
                rows: q.count, weight: weights.reduce(0, +),
                logLoss: try ProbabilisticScores.logLoss(p: q, y: ey, w: ew), brier: try ProbabilisticScores.brier(p: q, y: ey, w: ew),
                ece: try CalibrationCurve.expectedCalibrationError(p: q, y: ey, w: ew, strategy: .quantile),
                calibrationInTheLarge: weightedMean(ey, weights) - weightedMean(q, weights))
            do {
                let cox = try CalibrationFit.cox(p: q, y: ey, w: ew)
                s.coxIntercept = cox.intercept; s.coxSlope = cox.slope
                s.coxInterceptStandardError = cox.interceptStandardError; s.coxSlopeStandardError = cox.slopeStandardError
            } catch { notes.append("\(label): Cox slope and intercept undefined: \(error)") }
            do { s.calibrationInTheLargeLogit = try CalibrationFit.calibrationInTheLarge(p: q, y: ey, w: ew).logisticIntercept } catch {
                notes.append("\(label): logistic calibration-in-the-large undefined: \(error)")
            }
            return s
        }
        let before = try summary(pick(p, rows), "before"), afterSummary = try summary(after, "after")
        return CalibrationAssessment(method: method, mode: mode, steps: steps,
                                     evaluationPeriods: steps.flatMap(\.evaluationPeriods).sorted(),
                                     before: before, after: afterSummary, notes: notes)
    }

    static let modes: [CalibrationAssessment.Mode] = [.rolling, .split(holdout: nil), .split(holdout: 3), .crossFitted]

    /// Every 8th row of `CalibrationAssessmentTests.miscalibrated()`: 8 periods x 500 rows.
    static func data() -> (p: [Double], y: [Double], period: [Int]) {
        let d = CalibrationAssessmentTests.miscalibrated()
        let keep = Array(stride(from: 0, to: d.p.count, by: 8))
        return (keep.map { d.p[$0] }, keep.map { d.y[$0] }, keep.map { d.period[$0] })
    }

    @Test("periods in order: identical, every method and mode, weighted and not, horizon 1 and 2",
          arguments: [CalibrationOptions.Method.platt, .intercept, .isotonic, .none])
    func contiguous(method: CalibrationOptions.Method) throws {
        let d = Self.data()
        let w = d.p.indices.map { Double($0 % 3) }
        for weights in [nil, w] {
            for mode in Self.modes {
                for horizon in [1, 2] {
                    let a = try CalibrationAssessment.assess(p: d.p, y: d.y, w: weights, period: d.period,
                                                             method: method, mode: mode, horizon: horizon)
                    let b = try Self.reference(p: d.p, y: d.y, w: weights, period: d.period, method: method, mode: mode, horizon: horizon)
                    // Exact: same rows in the same order, same arithmetic.
                    #expect(a == b)
                }
            }
        }
    }

    @Test("periods interleaved: the same maps and summaries up to summation order")
    func interleaved() throws {
        let d = Self.data()
        // Rows ordered by index mod 100, so every period is spread through the input.
        var perm = Array(d.p.indices)
        perm.sort { ($0 % 100, $0) < ($1 % 100, $1) }
        let p = perm.map { d.p[$0] }, y = perm.map { d.y[$0] }, period = perm.map { d.period[$0] }
        for mode in Self.modes {
            let a = try CalibrationAssessment.assess(p: p, y: y, period: period, method: .platt, mode: mode)
            let b = try Self.reference(p: p, y: y, w: nil, period: period, method: .platt, mode: mode, horizon: 1)
            #expect(a.steps.map(\.estimationPeriods) == b.steps.map(\.estimationPeriods))
            for (s, t) in zip(a.steps, b.steps) {
                guard case let .platt(a1, b1) = s.map, case let .platt(a2, b2) = t.map else { Issue.record("not Platt"); continue }
                // Tolerance 1e-12 relative: only the order of the sums over the estimation rows differs.
                #expect(relativeError(a1, a2) < 1e-12 && relativeError(b1, b2) < 1e-12)
            }
            for (x, z) in [(a.before, b.before), (a.after, b.after)] {
                #expect(x.rows == z.rows)
                #expect(relativeError(x.logLoss, z.logLoss) < 1e-12 && relativeError(x.brier, z.brier) < 1e-12)
                #expect(relativeError(try #require(x.coxSlope), try #require(z.coxSlope)) < 1e-12)
                #expect(relativeError(try #require(x.ece), try #require(z.ece)) < 1e-12)
            }
        }
    }
}
