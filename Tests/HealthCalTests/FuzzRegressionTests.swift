import Foundation
import Testing
@testable import HealthCal

/// Every input on which a fuzz target (Fuzz/, docs/fuzzing.md) failed, kept under
/// Fixtures/fuzz-regressions/TARGET/ and fed to the same check as the target's: a reader may
/// refuse an input, but must not crash, and must keep the invariant the target checks.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static func inputs(_ target: String) throws -> [URL] {
        let folder = fixtureURL("fuzz-regressions/\(target)")
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// FuzzCSV: the first byte picks the options (bit 0 `;` for `,`, bit 1 two inference rows,
    /// bit 2 two threads, bit 3 an 8-byte split threshold); a split read must equal one pass.
    @Test("CSV: a split read gives what one pass gives, problems included")
    func csvSplitEqualsOnePass() throws {
        let files = try Self.inputs("csv")
        #expect(!files.isEmpty)
        for url in files {
            let data = try [UInt8](Data(contentsOf: url))
            let knob = try #require(data.first)
            var options = CSVOptions(delimiter: knob & 1 == 0 ? UInt8(ascii: ",") : UInt8(ascii: ";"),
                                     inferenceRows: knob & 2 == 0 ? 1000 : 2, threads: 2)
            options.minimumBytesPerThread = 8
            let bytes = Array(data.dropFirst())
            let split = Self.outcome(bytes, options)
            options.threads = 1
            #expect(split == Self.outcome(bytes, options), "\(url.lastPathComponent)")
        }
    }

    /// A read's result as comparable text: the table (numbers by bit pattern) or the problems.
    static func outcome(_ bytes: [UInt8], _ options: CSVOptions) -> String {
        do {
            let t = try CSVReader.read(bytes: bytes, source: "fuzz.csv", options: options)
            let cells = t.columns.map { column -> String in
                switch column {
                case let .numeric(v): return "n" + v.map { String($0.bitPattern, radix: 16) }.joined(separator: ",")
                case let .text(c): return "t\(c.codes)\(c.levels)"
                }
            }
            return "\(t.names) \((0..<t.rowCount).map(t.line(ofRow:)))\n" + cells.joined(separator: "\n")
        } catch {
            return "\(error)"
        }
    }

    /// FuzzPeriod: a period parsed from the input prints a label that parses back to it.
    @Test("Period: every parsed period's label parses back to it")
    func periodLabelRoundTrips() throws {
        let files = try Self.inputs("period")
        #expect(!files.isEmpty)
        for url in files {
            let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            var parsed = 0
            for format in PeriodFormat.allCases {
                guard let period = Period.parse(text, format: format) else { continue }
                parsed += 1
                #expect(Period.parse(period.label, format: format) == period, "\(url.lastPathComponent): \(period.label)")
            }
            #expect(parsed > 0, "\(url.lastPathComponent) no longer parses; keep an input that exercises the label")
        }
    }

    @Test("Period labels of years before 1000 keep four digits")
    func shortYearsArePadded() throws {
        #expect(try #require(Period.parse("0025-07")).label == "0025-07")
        #expect(try #require(Period.parse("0999Q4")).label == "0999Q4")
        #expect(try #require(Period.parse("0001-02-03")).label == "0001-02-03")
        #expect(try #require(Period.parse("0000-01")).label == "0000-01")
        #expect(try #require(Period.parse("2025-07")).label == "2025-07")
    }
}
