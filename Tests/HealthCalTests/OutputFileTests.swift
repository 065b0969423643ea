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

    @Test func writesPartsInOrderAsOneFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("nested/flags.csv").path
        // A large part (several write calls' worth on some systems) between small and empty ones.
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20)
        let parts: [[UInt8]] = [Array("a,b\n".utf8), [], big, Array("\nlast\n".utf8)]
        try OutputFile.write(parts: parts, to: path, overwrite: false)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written == Array(parts.joined()))
        #expect(throws: OutputFile.WriteError.self) { try OutputFile.write(parts: parts, to: path, overwrite: false) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("nested").path) == ["flags.csv"])
    }

    @Test func aFolderThatCannotBeCreatedIsAnErrorNamingThePath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A file where the folder should be.
        try OutputFile.write("not a folder\n", to: dir.path, overwrite: false)
        let target = dir.appendingPathComponent("flags.csv").path
        do {
            try OutputFile.write(parts: [Array("x\n".utf8)], to: target, overwrite: true)
            Issue.record("writing under a file succeeded")
        } catch {
            guard case .failed(let path, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(path == target)
        }
    }
}
