import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// The committed example weight file (reports/example/weights.json, fitted on
/// notebooks-data/panel.csv with Platt calibration folded in) scoring the sample panel: the
/// reference scorer, the in-memory model and the exported SQL run in sqlite3 agree within 1e-9,
/// on every row, including rows with missing metrics and rows given a plan level never seen in
/// training. (pypmml on the same kind of file: ExportFormatTests and scripts/pmml-conformance.)
@Suite struct SamplePanelConformanceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func scorerInMemoryAndSQLAgreeOnTheSamplePanel() throws {
        let file = try WeightFile.load(path: Self.root.appendingPathComponent("reports/example/weights.json").path)
        var table = try Scorer(file).readTable(path: Self.root.appendingPathComponent("notebooks-data/panel.csv").path)
        // Three rows get a plan the model never saw ("legacy"): scored as the reference level.
        let plan = try #require(table.index(of: "plan"))
        guard case var .text(column) = table.columns[plan] else { Issue.record("plan is not text"); return }
        column.levels.append("legacy")
        for r in [0, 1, 2] { column.codes[r] = Int32(column.levels.count - 1) }
        table.columns[plan] = .text(column)
        let missingRows = (0..<table.rowCount).filter { r in
            table.columns.contains { if case let .numeric(v) = $0 { v[r].isNaN } else { false } }
        }
        #expect(missingRows.count > 100)

        let scored = try Scorer(file).score(table: table)
        let p = scored.map(\.score.churnProbability)
        // In memory: the encoded design times the final (calibration-folded) weights.
        let panel = try Panel.make(table: table, spec: file.metadata.spec)
        let design = try file.encoding.design(panel, rows: Array(0..<panel.rowCount))
        let eta = try design.x.multiply([file.model.intercept] + file.model.weights)
        let inMemory = eta.map { Scorer(file).probability(linearPredictor: $0) }
        #expect(maxAbsoluteError(p, inMemory) <= 1e-9)

        guard let result = try runSQLite(sqlLoad(table, name: "panel") + sqlExact(try SQLExport.query(file, table: "panel"))) else {
            print("skipping the SQLite leg: /usr/bin/sqlite3 is not installed")
            return
        }
        let sqlP = result.map { Double($0["p"] as? String ?? "") ?? .nan }
        let err = maxAbsoluteError(sqlP, p)
        print("sample panel: SQL vs Scorer max |Δp| = \(err) over \(p.count) rows")
        #expect(result.count == table.rowCount)
        #expect(err <= 1e-9)
        #expect(result.map { $0["band"] as? String } == scored.map(\.score.band))
    }
}

@Suite struct ScoreCSVTests {
    @Test func negativeRawValuesAreNumbersNotEscapedFormulas() throws {
        let file = try WeightFile.load(path: SamplePanelConformanceTests.root.appendingPathComponent("reports/example/weights.json").path)
        let table = try Scorer(file).readTable(path: SamplePanelConformanceTests.root.appendingPathComponent("notebooks-data/panel.csv").path)
        let csv = ScoreOutput.csv(try Scorer(file).score(table: table), top: 3)
        // Row C000002 (2023Q1) has nps -36 among its top contributions: written as -36, not '-36.
        let line = try #require(csv.split(separator: "\r\n").first { $0.hasPrefix("C000002,2023Q1,") } ?? csv.split(separator: "\n").first { $0.hasPrefix("C000002,2023Q1,") })
        #expect(line.contains(",nps,-36,"))
        #expect(!line.contains("'-"))
    }
}
