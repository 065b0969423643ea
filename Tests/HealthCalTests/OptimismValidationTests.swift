import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// The Efron–Gong optimism of the final model (`--validate`) against an independent numpy /
/// scikit-learn computation on a fixed list of customer resamples (Fixtures/make_optimism_fixtures.py,
/// committed output optimism_reference.json and optimism_resamples.txt), and its behaviour on a
/// model that is not overfit (the sample panel) and one that is (noise metrics, few customers).
@Suite struct OptimismValidationTests {
    static func samplePanel() throws -> Panel {
        let root = SamplePanelConformanceTests.root
        let spec = try Spec.load(path: root.appendingPathComponent("notebooks-data/spec.yaml").path)
        return try PanelLoading.load(path: root.appendingPathComponent("notebooks-data/panel.csv").path, spec: spec)
    }

    @Test func fixedResamplesEqualAnIndependentComputation() throws {
        let reference = try #require(Bundle.module.url(forResource: "optimism_reference", withExtension: "json", subdirectory: "Fixtures"))
        let resamples = try #require(Bundle.module.url(forResource: "optimism_resamples", withExtension: "txt", subdirectory: "Fixtures"))
        let expected = try #require(try loadJSON(reference)["figures"] as? [String: [String: Double]])
        let panel = try Self.samplePanel()
        let final = try SegmentedFit.run(panel: panel)
        let report = try #require(try OptimismValidation.run(panel: panel, final: final, ridge: nil,
                                                             options: .init(resampleFile: resamples.path)))
        #expect(report.resamples == 5 && report.fitted == 5)
        #expect(report.customers == 2000 && report.rows == panel.rowCount)
        #expect(Set(report.figures.keys) == Set(OptimismReport.figureOrder))
        for name in OptimismReport.figureOrder {
            let got = try #require(report.figures[name]), want = try #require(expected[name])
            #expect(got.resamples == 5)
            // Both sides are Newton fits converged to ~1e-15; the figures agree to rounding.
            for (field, value) in [("apparent", got.apparent), ("training", got.training), ("test", got.test),
                                   ("optimism", got.optimism), ("corrected", got.corrected)] {
                let w = try #require(want[field])
                #expect(abs(value - w) < 1e-10, "\(name).\(field): \(value) vs \(w)")
            }
        }
    }

    @Test func theSamplePanelIsNotOverfitAndSeededRerunsAreIdentical() throws {
        let panel = try Self.samplePanel()
        let final = try SegmentedFit.run(panel: panel)
        let options = BootstrapOptions(count: 6, seed: 7)
        let a = try #require(try OptimismValidation.run(panel: panel, final: final, ridge: nil, options: options))
        let b = try #require(try OptimismValidation.run(panel: panel, final: final, ridge: nil, options: options))
        #expect(a == b)
        #expect(a.seed == 7 && a.fitted == 6)
        let auc = try #require(a.figures["auc"])
        // 2000 customers, 15 weights: a small, positive optimism.
        #expect(auc.optimism > 0 && auc.optimism < 0.01, "AUC optimism \(auc.optimism)")
        let slope = try #require(a.figures["calibration_slope"])
        #expect(slope.corrected > 0.9)
        let other = try #require(try OptimismValidation.run(panel: panel, final: final, ridge: nil,
                                                            options: .init(count: 2, seed: 8)))
        #expect(other.figures["auc"]?.optimism != auc.optimism)
    }

    /// 300 customers over up to 3 periods, one real metric and 40 of noise: the in-sample AUC flatters
    /// the model a lot, and the corrected calibration slope says so.
    @Test func noiseMetricsOnFewCustomersShowALargeOptimism() throws {
        let noise = 40
        var rng = SampleRandom(seed: 11, stream: 0)
        var csv = "id,period,churned,signal," + (1...noise).map { "n\($0)" }.joined(separator: ",") + "\n"
        for c in 0..<300 {
            for q in 1...3 {
                let signal = rng.normal()
                let p = 1 / (1 + exp(-(-1.2 + 0.5 * signal)))
                let y = rng.uniform() < p ? 1 : 0
                csv += "C\(c),2024Q\(q),\(y),\(signal)," + (0..<noise).map { _ in "\(rng.normal())" }.joined(separator: ",") + "\n"
                if y == 1 { break }   // a customer has no rows after it churned
            }
        }
        let features = (["signal"] + (1...noise).map { "n\($0)" }).map { "  - {name: \($0), type: numeric}" }.joined(separator: "\n")
        let spec = try Spec.parse(yaml: """
            version: 1
            data: {id: id, period: period, period_format: quarter, outcome: churned}
            features:
            \(features)
            """)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("optimism-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("noise.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let panel = try PanelLoading.load(path: path, spec: spec)
        let final = try SegmentedFit.run(panel: panel)
        let report = try #require(try OptimismValidation.run(panel: panel, final: final, ridge: nil, options: .init(count: 20, seed: 3)))
        let auc = try #require(report.figures["auc"]), slope = try #require(report.figures["calibration_slope"])
        #expect(auc.optimism > 0.05, "AUC optimism \(auc.optimism)")
        #expect(auc.corrected < auc.apparent - 0.05)
        #expect(slope.corrected < 0.7, "corrected slope \(slope.corrected)")
    }

    @Test func refitCountsOutOfBoundsAreRefused() throws {
        let panel = try Self.samplePanel()
        #expect(throws: BootstrapError.self) { try OptimismValidation.check(.init(count: 1001), panel: panel) }
        do {
            try OptimismValidation.check(.init(count: 5000), panel: panel)
        } catch {
            #expect(error.description.hasPrefix("--validate 5000: between 1 and 1000 refits are accepted"))
        }
        try OptimismValidation.check(.init(count: 0), panel: panel)
        try OptimismValidation.check(.init(count: 40), panel: panel)
    }
}
