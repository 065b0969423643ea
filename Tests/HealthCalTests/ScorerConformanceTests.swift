import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// One model, four scorers: the Scorer's row path, its vectorized table path, the in-memory
/// model (FittedEncoding.design + the weights) and the exported SQL run in SQLite must agree.
/// Tolerance: 1e-9 absolute on probabilities (the contract); row vs table path 1e-12
/// (only summation order differs: BLAS dgemv vs a loop).
@Suite("Scorer conformance")
struct ScorerConformanceTests {
    /// p from the in-memory model: design matrix of the scoring panel times the final weights.
    func inMemory(_ file: WeightFile, _ table: Table) throws -> [Double] {
        let panel = try Panel.make(table: table, spec: file.metadata.spec)
        let design = try file.encoding.design(panel, rows: Array(0..<panel.rowCount))
        let beta = [file.model.intercept] + file.model.weights
        let eta = try design.x.multiply(beta)
        return eta.map { Scorer(file).probability(linearPredictor: $0) }
    }

    func rowPath(_ file: WeightFile, _ table: Table) throws -> [Scorer.Score] {
        let scorer = Scorer(file)
        let panel = try Panel.make(table: table, spec: file.metadata.spec)
        let segment = try #require(table.index(of: file.segmentColumn ?? ""))
        guard case let .text(seg) = table.columns[segment] else { throw SQLiteFailure(message: "segment not text") }
        return try (0..<table.rowCount).map { r in
            try scorer.score(file.encoding.rawRow(panel, row: r), segment: seg.value(at: r), gateValue: panel.gate?[r])
        }
    }

    func check(_ fixture: ExportFixture, calibration: CalibrationMap, segments: Bool = false) throws {
        let (file, _) = try fixture.weightFile(calibration: calibration, segments: segments)
        let table = fixture.scoringTable()
        let rows = try rowPath(file, table)
        let vectorized = try Scorer(file).score(table: table)
        #expect(vectorized.count == table.rowCount)
        #expect(maxAbsoluteError(vectorized.map(\.score.churnProbability), rows.map(\.churnProbability)) <= 1e-12)
        #expect(vectorized.map(\.score.band) == rows.map(\.band))
        #expect(vectorized.map(\.score.model) == rows.map(\.model))
        for (a, b) in zip(vectorized, rows) {
            #expect(a.score.contributions.map(\.feature) == b.contributions.map(\.feature))
            #expect(maxAbsoluteError(a.score.contributions.map(\.logOdds), b.contributions.map(\.logOdds)) <= 1e-12)
        }
        if !segments {
            #expect(maxAbsoluteError(try inMemory(file, table), rows.map(\.churnProbability)) <= 1e-9)
        }
        let fromPanel = try Scorer(file).score(panel: Panel.make(table: table, spec: file.metadata.spec))
        #expect(maxAbsoluteError(fromPanel.map(\.score.churnProbability), rows.map(\.churnProbability)) <= 1e-12)
        #expect(fromPanel.map(\.score.band) == rows.map(\.band))
        #expect(fromPanel.map(\.id) == vectorized.map(\.id))
        let query = try SQLExport.query(file, table: "scored")
        if let pg = try runPostgres(sqlLoad(table, name: "scored", temporary: true) + pgJSON(query)) {
            let pgP = pg.map { ($0["churn_probability"] as? NSNumber)?.doubleValue ?? .nan }
            let err = maxAbsoluteError(pgP, rows.map(\.churnProbability))
            print("PostgreSQL vs Scorer (\(calibration.method.rawValue), segments \(segments)): max |Δp| = \(err) over \(rows.count) rows")
            #expect(err <= 1e-9)
            #expect(pg.map { $0["band"] as? String } == rows.map(\.band))
            #expect(pg.map { $0["id"] as? String } == vectorized.map(\.id))
        } else {
            print("skipping the PostgreSQL leg: set HEALTHCAL_TEST_PG to a psql connection string to run it")
        }
        guard let result = try runSQLite(sqlLoad(table, name: "scored") + sqlExact(query)) else {
            print("skipping the SQLite leg: /usr/bin/sqlite3 is not installed")
            return
        }
        #expect(result.count == table.rowCount)
        let sqlP = result.map { Double($0["p"] as? String ?? "") ?? .nan }
        let err = maxAbsoluteError(sqlP, rows.map(\.churnProbability))
        print("SQL vs Scorer (\(calibration.method.rawValue), segments \(segments)): max |Δp| = \(err) over \(rows.count) rows")
        #expect(err <= 1e-9)
        #expect(result.map { $0["band"] as? String } == rows.map(\.band))
        #expect(result.map { $0["id"] as? String } == vectorized.map(\.id))
    }

    @Test func plattAgreesEverywhere() throws { try check(ExportFixture(), calibration: .platt(a: 0.3, b: 0.85)) }
    @Test func noCalibrationAgrees() throws { try check(ExportFixture(), calibration: .identity) }
    @Test func interceptAgrees() throws { try check(ExportFixture(), calibration: .intercept(a: -0.4)) }
    @Test func isotonicAgrees() throws {
        let table = IsotonicFit(thresholdsX: [0.01, 0.05, 0.2, 0.5, 0.9], thresholdsY: [0.02, 0.03, 0.25, 0.4, 0.95])
        try check(ExportFixture(), calibration: .isotonic(table: table))
    }
    @Test func segmentModelsAgree() throws { try check(ExportFixture(), calibration: .platt(a: 0.1, b: 1.1), segments: true) }
    /// Names with quotes, `<`, `;--`, newlines and formula characters, in columns, levels and ids.
    @Test func hostileNamesAgree() throws { try check(.hostile, calibration: .platt(a: 0.3, b: 0.85), segments: true) }

    /// η = ±1000: p is exactly 1 and (to 1e-300) 0 everywhere; PostgreSQL's EXP would raise
    /// "underflow" without the SQL's clamp.
    @Test func extremeScoresStayFinite() throws {
        for intercept in [1000.0, -1000.0] {
            var (file, _) = try ExportFixture().weightFile(calibration: .identity)
            file.model.intercept = intercept
            let table = ExportFixture().scoringTable()
            let expected = try Scorer(file).score(table: table).map(\.score.churnProbability)
            #expect(expected.allSatisfy { $0 == (intercept > 0 ? 1 : 0) || abs($0) < 1e-300 })
            let query = try SQLExport.query(file, table: "scored", bands: false)
            let wrap = "SELECT \"id\", printf('%.17g', \"churn_probability\") AS \"p\" FROM (\n\(query.dropLast(2))\n) AS \"q\";\n"
            if let rows = try runSQLite(sqlLoad(table, name: "scored") + wrap) {
                #expect(maxAbsoluteError(rows.map { Double($0["p"] as? String ?? "") ?? .nan }, expected) <= 1e-300)
            }
            if let pg = try runPostgres(sqlLoad(table, name: "scored", temporary: true) + pgJSON(query)) {
                #expect(maxAbsoluteError(pg.map { ($0["churn_probability"] as? NSNumber)?.doubleValue ?? .nan }, expected) <= 1e-300)
            }
        }
    }

    @Test func scoringTableHasTheEdgeRows() throws {
        let (file, _) = try ExportFixture().weightFile()
        let scored = try Scorer(file).score(table: ExportFixture().scoringTable())
        let unseen = try #require(scored.first { $0.id == "CU" })
        let plan = try #require(unseen.score.contributions.first { $0.feature == "plan" })
        // An unseen level encodes as the reference: its contribution is 0 − Σ w·mean over plan's columns.
        let enc = file.encoding
        let planColumns = enc.names.indices.filter { enc.names[$0].hasPrefix("plan=") }
        let expected = planColumns.reduce(0.0) { $0 - file.model.weights[$1 - 1] * enc.contributionMeans[$1] }
        #expect(abs(plan.logOdds - expected) <= 1e-12)
        let missing = try #require(scored.first { $0.id == "CM" })
        #expect(missing.score.band == "red")   // the gate value is missing: riskiest band
    }
}
