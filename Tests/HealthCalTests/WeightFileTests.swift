import Foundation
import Testing
import TestSupport
@testable import HealthCal

@Suite("Weight file")
struct WeightFileTests {
    @Test func roundTripsAndReserializesByteForByte() throws {
        let (file, _) = try ExportFixture().weightFile(segments: true)
        let bytes = try file.data()
        let back = try WeightFile.parse(bytes, path: "w.json")
        #expect(back == file)
        #expect(try back.data() == bytes)
    }

    @Test func sameInputsGiveIdenticalBytes() throws {
        let a = try ExportFixture().weightFile().0.data()
        let b = try ExportFixture().weightFile().0.data()
        #expect(a == b)
        let text = String(decoding: a, as: UTF8.self)
        #expect(text.contains("\"format\" : \"healthcal-weights\""))
        #expect(text.hasSuffix("}\n"))
    }

    /// Platt folded: w' = b·w, β0' = a + b·β0 (docs/backtest.md); raw weights kept.
    @Test func recordsRawAndFoldedWeights() throws {
        let (file, _) = try ExportFixture().weightFile(calibration: .platt(a: 0.3, b: 0.85))
        #expect(file.calibrationFolded)
        #expect(maxAbsoluteError(file.model.weights, file.model.rawWeights.map { 0.85 * $0 }) <= 1e-15)
        #expect(abs(file.model.intercept - (0.3 + 0.85 * file.model.rawIntercept)) <= 1e-15)
        let iso = try ExportFixture().weightFile(calibration: .isotonic(table: IsotonicFit(thresholdsX: [0.1, 0.5], thresholdsY: [0.1, 0.6]))).0
        #expect(!iso.calibrationFolded)
        #expect(iso.model.weights == iso.model.rawWeights)
    }

    @Test func metadataDescribesTheTrainingData() throws {
        let (file, panel) = try ExportFixture().weightFile()
        #expect(file.metadata.trainingPeriods == ["2025Q1", "2025Q2", "2025Q3"])
        #expect(file.metadata.rows == panel.rowCount)
        #expect(abs(file.metadata.churnRate - panel.outcome.reduce(0, +) / Double(panel.rowCount)) <= 1e-15)
        #expect(file.metadata.inputSHA256 == Fingerprint.sha256(Array("training bytes".utf8)))
        #expect(file.metadata.toolVersion == HealthCalVersion.current)
        #expect(file.metadata.spec == panel.spec)
        #expect(file.metadata.metrics?["auc"] == 0.75)
    }

    func loadError(_ json: String) -> WeightFileError? {
        do { _ = try WeightFile.parse(Data(json.utf8), path: "w.json"); return nil } catch { return error }
    }

    func mutated(_ change: (inout [String: Any]) -> Void) throws -> String {
        let data = try ExportFixture().weightFile().0.data()
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        change(&object)
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test func loadErrorsSayWhatIsWrong() throws {
        #expect(loadError("[1, 2]")?.description.contains("not a JSON weight file") == true)
        #expect(loadError("{not json")?.description.contains("not a JSON weight file") == true)
        #expect(loadError(#"{"format": "pmml", "version": 1}"#) == .wrongFormat(path: "w.json", found: "pmml"))
        #expect(loadError(#"{"version": 1}"#) == .wrongFormat(path: "w.json", found: nil))
        #expect(loadError(#"{"format": "healthcal-weights", "version": 2}"#) == .unsupportedVersion(path: "w.json", found: 2))
        #expect(loadError(try mutated { $0["model"] = nil }) == .missingKey(path: "w.json", key: "model"))
        let noWeights = try mutated { o in
            var m = o["model"] as? [String: Any] ?? [:]
            m["weights"] = nil
            o["model"] = m
        }
        #expect(loadError(noWeights) == .missingKey(path: "w.json", key: "model.weights"))
        let short = try mutated { o in
            var m = o["model"] as? [String: Any] ?? [:]
            m["weights"] = [1.0]
            o["model"] = m
        }
        #expect(loadError(short)?.description.contains("model.weights") == true)
        let flag = try mutated { $0["calibration_folded"] = false }
        #expect(loadError(flag)?.description.contains("calibration_folded") == true)
        #expect(throws: WeightFileError.self) { try WeightFile.load(path: "/nonexistent/w.json") }
    }

    @Test func refusesNonFiniteCoefficients() throws {
        let (file, _) = try ExportFixture().weightFile()
        var c = [file.model.rawIntercept] + file.model.rawWeights
        c[2] = .nan
        #expect(throws: WeightFileError.self) {
            try WeightFile.make(encoding: file.encoding, coefficients: c, calibration: .identity, bands: nil, metadata: file.metadata)
        }
    }

    @Test func diffListsChangesLargestFirst() throws {
        let old = try ExportFixture().weightFile(calibration: .identity).0
        var new = old
        new.model.weights[1] += 0.5
        new.model.weights[0] -= 0.1
        new.metadata.metrics = ["auc": 0.8]
        new.bands?.scheme.bands[3].minScore = 85
        let d = WeightFileDiff(old: old, new: new)
        #expect(d.weights[0].column == old.model.columns[1] && abs((d.weights[0].change ?? 0) - 0.5) <= 1e-12)
        #expect(d.weights[1].column == old.model.columns[0])
        #expect(d.thresholds == [.init(scheme: "default", band: "green", oldMinScore: 80, newMinScore: 85)])
        #expect(d.metrics.first { $0.name == "auc" }?.change.map { abs($0 - 0.05) <= 1e-12 } == true)
        #expect(d.metrics.first { $0.name == "log_loss" }?.new == nil)
        #expect(d.table().contains("green: 80 -> 85"))
        let json = try JSONOutput.string(d)
        #expect(json.contains("\"added_features\""))
    }
}
