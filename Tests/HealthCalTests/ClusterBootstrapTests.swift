import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// The cluster bootstrap against a straightforward computation: each resample written out as
/// rows (a customer drawn twice brings its rows twice, a row of weight 3 is three rows), every
/// figure computed by the library's public metric functions on those unweighted rows, and the
/// percentiles by numpy's "linear" rule written out here.
@Suite struct ClusterBootstrapTests {
    struct Data {
        var ids: [String], customer: [Int32], p: [Double], q: [Double], y: [Double], w: [Double], green: [Bool]
    }

    static func data() -> Data {
        var rng = SampleRandom(seed: 18, stream: 1)
        var d = Data(ids: [], customer: [], p: [], q: [], y: [], w: [], green: [])
        for c in 0..<40 {
            let rows = 1 + Int(rng.next() % 5)
            for _ in 0..<rows {
                d.ids.append("c\(c)")
                d.customer.append(Int32(c))
                // Two decimals: plenty of tied scores, as real calibrated scores have.
                let p = (0.02 + 0.9 * rng.uniform() * 100).rounded() / 100
                d.p.append(min(0.97, p))
                d.q.append((0.05 + 0.9 * rng.uniform() * 100).rounded() / 100)
                d.y.append(rng.uniform() < p ? 1 : 0)
                d.w.append(Double(1 + rng.next() % 3))
                d.green.append(rng.uniform() < 0.3)
            }
        }
        return d
    }

    /// numpy.percentile(values, q, method="linear").
    static func percentile(_ values: [Double], _ q: Double) -> Double {
        let s = values.sorted()
        let h = Double(s.count - 1) * q
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, s.count - 1)
        return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
    }

    /// Every figure of one model on explicit rows.
    static func figures(p: [Double], y: [Double], green: [Bool]) throws -> [String: Double] {
        var f: [String: Double] = [:]
        f["auc"] = try RankingMetrics.rocAUC(p: p, y: y)
        f["brier"] = try ProbabilisticScores.brier(p: p, y: y)
        f["log_loss"] = try ProbabilisticScores.logLoss(p: p, y: y)
        let cox = try CalibrationFit.cox(p: p, y: y)
        f["calibration_slope"] = cox.slope
        f["calibration_intercept"] = cox.intercept
        f["ece"] = try CalibrationCurve.expectedCalibrationError(p: p, y: y, bins: 10, strategy: .uniform)
        f["top_decile_lift"] = try LiftMetrics.topLift(p: p, y: y, fraction: 0.1).lift
        let churners = y.reduce(0, +)
        f["false_healthy_share"] = zip(y, green).reduce(0) { $0 + ($1.1 ? $1.0 : 0) } / churners
        return f
    }

    /// Rows of a resample: each drawn customer's rows, each row repeated by its weight.
    static func expand(_ d: Data, drawn: [Int]) -> [Int] {
        var rows: [Int] = []
        for c in drawn {
            for i in d.customer.indices where Int(d.customer[i]) == c {
                rows += Array(repeating: i, count: Int(d.w[i]))
            }
        }
        return rows
    }

    @Test func everyEndpointEqualsTheStraightforwardComputation() throws {
        let d = Self.data()
        // Seven resamples of 40 draws each, written as ids (a fixed list, as the test hook reads).
        var rng = SampleRandom(seed: 7, stream: 3)
        let draws = (0..<7).map { _ in (0..<40).map { _ in Int(rng.next() % 40) } }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hc-boot-\(UUID().uuidString).txt")
        try draws.map { $0.map { "c\($0)" }.joined(separator: ",") }.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let index = Dictionary(uniqueKeysWithValues: (0..<40).map { ("c\($0)", $0) })
        let resamples = try CustomerResamples(path: url.path, customers: 40, index: index)
        #expect(resamples.count == 7)
        let report = ClusterBootstrap.run(challenger: .init(p: d.p, healthiest: d.green), champion: .init(p: d.q, healthiest: d.green),
                                          y: d.y, w: d.w, customer: d.customer, resamples: resamples)

        var a: [[String: Double]] = [], b: [[String: Double]] = []
        for drawn in draws {
            let rows = Self.expand(d, drawn: drawn)
            a.append(try Self.figures(p: rows.map { d.p[$0] }, y: rows.map { d.y[$0] }, green: rows.map { d.green[$0] }))
            b.append(try Self.figures(p: rows.map { d.q[$0] }, y: rows.map { d.y[$0] }, green: rows.map { d.green[$0] }))
        }
        let all = Array(d.p.indices).flatMap { Array(repeating: $0, count: Int(d.w[$0])) }
        let fullA = try Self.figures(p: all.map { d.p[$0] }, y: all.map { d.y[$0] }, green: all.map { d.green[$0] })
        let fullB = try Self.figures(p: all.map { d.q[$0] }, y: all.map { d.y[$0] }, green: all.map { d.green[$0] })
        #expect(report.figures.count == BootstrapFigure.allCases.count)
        for figure in BootstrapFigure.allCases.map(\.rawValue) {
            for (got, values, estimate) in [
                (report.figures[figure], a.map { $0[figure]! }, fullA[figure]!),
                (report.champion?[figure], b.map { $0[figure]! }, fullB[figure]!),
                (report.championMinusChallenger?[figure], zip(b, a).map { $0[figure]! - $1[figure]! }, fullB[figure]! - fullA[figure]!),
            ] {
                let g = try #require(got, "\(figure)")
                // 1e-12, the bar, relative to the figure's size (lift is about 2).
                let scale = max(1, abs(estimate))
                #expect(abs(g.lower - Self.percentile(values, 0.025)) <= 1e-12 * scale, "\(figure) lower")
                #expect(abs(g.upper - Self.percentile(values, 0.975)) <= 1e-12 * scale, "\(figure) upper")
                #expect(abs(g.estimate - estimate) <= 1e-12 * scale, "\(figure) estimate")
                #expect(g.resamples == 7)
            }
        }
        #expect(report.resampleFile == url.path && report.seed == nil)
    }

    @Test func aRankingOnlyChampionGetsTheRankingFiguresPaired() throws {
        let d = Self.data()
        // Points, not probabilities (a scorecard without an intercept): the same order as q.
        let points = d.q.map { 40 * $0 - 7 }
        var rng = SampleRandom(seed: 8, stream: 3)
        let draws = (0..<5).map { _ in (0..<40).map { _ in Int(rng.next() % 40) } }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hc-boot-\(UUID().uuidString).txt")
        try draws.map { $0.map { "c\($0)" }.joined(separator: ",") }.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let index = Dictionary(uniqueKeysWithValues: (0..<40).map { ("c\($0)", $0) })
        let report = ClusterBootstrap.run(challenger: .init(p: d.p), champion: .init(p: points, isProbability: false),
                                          y: d.y, w: d.w, customer: d.customer,
                                          resamples: try CustomerResamples(path: url.path, customers: 40, index: index))
        let champion = try #require(report.champion), paired = try #require(report.championMinusChallenger)
        #expect(Set(champion.keys) == ["auc", "top_decile_lift"])
        #expect(Set(paired.keys) == ["auc", "top_decile_lift"])
        #expect(report.figures.count == BootstrapFigure.allCases.count - 1)  // no bands: no false-healthy share
        var differences: [Double] = []
        for drawn in draws {
            let rows = Self.expand(d, drawn: drawn)
            let y = rows.map { d.y[$0] }
            // AUC depends on the order only: q has the points' order.
            let auc = try RankingMetrics.rocAUC(p: rows.map { d.q[$0] }, y: y) - RankingMetrics.rocAUC(p: rows.map { d.p[$0] }, y: y)
            differences.append(auc)
        }
        let got = try #require(paired["auc"])
        #expect(abs(got.lower - Self.percentile(differences, 0.025)) <= 1e-12)
        #expect(abs(got.upper - Self.percentile(differences, 0.975)) <= 1e-12)
    }

    @Test func seededResamplesAreReproducibleAndDiffer() throws {
        let d = Self.data()
        func run(_ seed: UInt64) throws -> BootstrapReport {
            ClusterBootstrap.run(challenger: .init(p: d.p), y: d.y, w: d.w, customer: d.customer,
                                 resamples: try CustomerResamples(count: 300, customers: 40, seed: seed))
        }
        let first = try run(5)
        #expect(try run(5) == first)
        #expect(try run(6) != first)
        // Each seeded resample draws exactly G customers.
        let r = try CustomerResamples(count: 3, customers: 40, seed: 5)
        #expect((0..<3).allSatisfy { r.multiplicity($0).reduce(0, +) == 40 })
        // 300 resamples: the AUC interval brackets the estimate.
        let auc = try #require(first.figures["auc"])
        #expect(auc.lower < auc.estimate && auc.estimate < auc.upper)
    }

    @Test func countsOutOfBoundsAreRejected() {
        #expect(throws: BootstrapError.self) { try CustomerResamples(count: 0, customers: 40, seed: 1) }
        #expect(throws: BootstrapError.self) { try CustomerResamples(count: CustomerResamples.maximumCount + 1, customers: 40, seed: 1) }
        #expect(throws: BootstrapError.self) { try CustomerResamples(count: 50_000, customers: 1_000_000, seed: 1) }
        #expect(throws: BootstrapError.self) { try CustomerResamples(count: 10, customers: 1, seed: 1) }
    }

    @Test func unknownIdInTheResampleFileIsNamed() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hc-boot-\(UUID().uuidString).txt")
        try "a,b\na,zz\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: BootstrapError.unknownCustomer(path: url.path, line: 2, column: 2, value: "zz")) {
            try CustomerResamples(path: url.path, customers: 2, index: ["a": 0, "b": 1])
        }
    }
}
