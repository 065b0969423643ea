import Foundation
import Testing
@testable import HealthCal

/// The file writer behind `healthcal sample-data`, and the committed sample in notebooks-data/.
@Suite("Sample data files")
struct SampleDataFilesTests {
    static let notebooksData = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("notebooks-data")

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("healthcal-sample-\(UUID().uuidString)")
    }

    @Test func writerStreamsTheSameBytesAsGenerate() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try SampleData.write(seed: 3, customers: 300, periods: 9, directory: dir.path)
        let sample = try SampleData.generate(seed: 3, customers: 300, periods: 9)
        #expect(try String(contentsOf: dir.appendingPathComponent("panel.csv"), encoding: .utf8) == sample.csv)
        #expect(try String(contentsOf: dir.appendingPathComponent("spec.yaml"), encoding: .utf8) == sample.spec)
        #expect(try String(contentsOf: dir.appendingPathComponent("truth.json"), encoding: .utf8) == sample.truthJSON)
        #expect(summary.rows == sample.summary.rows)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(leftovers == ["panel.csv", "spec.yaml", "truth.json"])
    }

    @Test func writerRefusesToOverwriteUnlessAsked() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try SampleData.write(seed: 3, customers: 50, periods: 4, directory: dir.path)
        #expect(throws: SampleDataError.self) {
            try SampleData.write(seed: 4, customers: 50, periods: 4, directory: dir.path)
        }
        try SampleData.write(seed: 4, customers: 50, periods: 4, directory: dir.path, overwrite: true)
        let csv = try String(contentsOf: dir.appendingPathComponent("panel.csv"), encoding: .utf8)
        #expect(csv == (try SampleData.generate(seed: 4, customers: 50, periods: 4)).csv)
    }

    /// The committed notebooks-data/ files are exactly what `healthcal sample-data --seed 42
    /// --customers 2000 --periods 10` writes; this also pins the generator's bytes, so a change
    /// to the model (or a platform whose arithmetic differs) shows up here.
    @Test func committedNotebookSampleIsReproduced() throws {
        let sample = try SampleData.generate(seed: 42, customers: 2000, periods: 10)
        for (name, text) in [("panel.csv", sample.csv), ("spec.yaml", sample.spec), ("truth.json", sample.truthJSON)] {
            let committed = try String(contentsOf: Self.notebooksData.appendingPathComponent(name), encoding: .utf8)
            #expect(committed == text, "notebooks-data/\(name) differs from the generator's output")
        }
    }

    /// Regenerates notebooks-data/ when HEALTHCAL_WRITE_SAMPLE is set (to any value):
    /// `HEALTHCAL_WRITE_SAMPLE=1 swift test --filter committedNotebookSample` until the CLI's
    /// `healthcal sample-data --seed 42 --customers 2000 --periods 10 --out notebooks-data` exists.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["HEALTHCAL_WRITE_SAMPLE"] != nil))
    func committedNotebookSampleWriter() throws {
        try SampleData.write(seed: 42, customers: 2000, periods: 10, directory: Self.notebooksData.path, overwrite: true)
    }
}
