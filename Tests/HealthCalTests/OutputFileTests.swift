import Foundation
import Testing
@testable import HealthCal

@Suite struct OutputFileTests {
    @Test func refusesToOverwriteWithoutForceAndLeavesNoTemporaryFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-out-\(UUID().uuidString)")
        let path = dir.appendingPathComponent("weights.json").path
        try OutputFile.write("first\n", to: path, overwrite: false)
        #expect(throws: OutputFile.WriteError.self) { try OutputFile.write("second\n", to: path, overwrite: false) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first\n")
        try OutputFile.write("second\n", to: path, overwrite: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["weights.json"])
        try? FileManager.default.removeItem(at: dir)
    }
}
