import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// Spline features scored four ways (the Scorer's row and table paths, the in-memory design, the
/// SQL export in SQLite and PostgreSQL) and by pypmml from the PMML export: probabilities within
/// 1e-9 absolute of the Scorer, the issue's contract. The scoring table has missing cells, values
/// beyond both outer knots (usage up to 500 against an upper knot near 250, and 1e9) and below
/// the first (tickets clipped at 0).
@Suite struct SplineConformanceTests {
    static let fixture = ExportFixture(splines: true)
    static let hostile: ExportFixture = {
        var f = ExportFixture.hostile
        f.splines = true
        return f
    }()

    @Test func theFixtureHasSplinesAndRowsBeyondTheKnots() throws {
        let (file, _) = try Self.fixture.weightFile()
        let usage = try #require(file.encoding.features.first { $0.name == Self.fixture.usage })
        let knots = try #require(usage.knots)
        #expect(knots.count == 4)
        #expect(usage.columns == ["usage", "usage (missing)", "usage (spline 1)", "usage (spline 2)"])
        let tickets = try #require(file.encoding.features.first { $0.name == Self.fixture.tickets })
        #expect(tickets.knots?.count == 3 && tickets.center != nil && tickets.scale != nil)
        let table = Self.fixture.scoringTable()
        guard case let .numeric(values) = table.columns[3] else { Issue.record("usage is not numeric"); return }
        #expect(values.contains { $0 > knots[3] * 1.5 } && values.contains(1e9) && values.contains { $0.isNaN })
    }

    @Test func sqlAndScorerAgree() throws {
        try ScorerConformanceTests().check(Self.fixture, calibration: .platt(a: 0.3, b: 0.85))
        try ScorerConformanceTests().check(Self.fixture, calibration: .identity, segments: true)
        try ScorerConformanceTests().check(Self.hostile, calibration: .platt(a: 0.3, b: 0.85), segments: true)
    }

    @Test func pypmmlAgreesWithTheScorer() throws {
        let formats = ExportFormatTests()
        guard formats.run(["python3", "-c", "import pypmml"]).status == 0 else {
            print("skipping the pypmml check: `python3 -c \"import pypmml\"` fails (pip install pypmml; needs Java)")
            return
        }
        for fixture in [Self.fixture, Self.hostile] {
            for segments in [false, true] { try formats.pypmmlCheck(fixture, segments: segments) }
        }
    }

    /// The closed form beyond the last knot equals rcspline.eval's formula (which cancels its
    /// cubes there) where that formula is still accurate, and stays finite and linear far out.
    @Test func basisIsLinearBeyondTheLastKnotAndMatchesHarrellsFormula() {
        let t = [1.0, 15, 45, 72]
        func harrell(_ x: Double, _ j: Int) -> Double {
            func c(_ d: Double) -> Double { d > 0 ? d * d * d : 0 }
            let k = t.count
            return (c(x - t[j]) + ((t[k - 2] - t[j]) * c(x - t[k - 1]) - (t[k - 1] - t[j]) * c(x - t[k - 2])) / (t[k - 1] - t[k - 2]))
                / ((t[k - 1] - t[0]) * (t[k - 1] - t[0]))
        }
        for x in stride(from: -10.0, through: 150, by: 0.37) {
            let b = SplineBasis.nonlinear(x, knots: t)
            for j in 0..<2 { #expect(abs(b[j] - harrell(x, j)) <= 1e-12 * max(1, abs(b[j])), "x \(x) j \(j)") }
        }
        // Linear beyond t_k: equal second differences vanish, even at 1e9.
        for x in [80.0, 1e4, 1e9] {
            let (a, b, c) = (SplineBasis.nonlinear(x, knots: t), SplineBasis.nonlinear(x + 1, knots: t), SplineBasis.nonlinear(x + 2, knots: t))
            for j in 0..<2 { #expect(abs((c[j] - b[j]) - (b[j] - a[j])) <= 1e-6 * abs(b[j] - a[j]), "x \(x)") }
        }
    }
}

/// A weight file with splines: valid against docs/weight-file.schema.json, loads back equal and
/// re-encodes byte for byte; the knots are written exactly.
@Suite struct SplineWeightFileTests {
    @Test func splineWeightFileValidatesAndRoundTrips() throws {
        let (file, _) = try SplineConformanceTests.fixture.weightFile()
        let data = try file.data()
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let schemaTests = WeightFileSchemaTests()
        #expect(MiniSchemaValidator(root: try schemaTests.schema()).validate(json, try schemaTests.schema()) == [])
        let back = try WeightFile.parse(data, path: "weights.json")
        #expect(back == file)
        #expect(try back.data() == data)
        let knots = try #require(back.encoding.features.first?.knots)
        #expect(knots.map(\.bitPattern) == (file.encoding.features.first?.knots ?? []).map(\.bitPattern))
        // A file without the knots of a spline feature is refused, not scored as a straight line.
        var broken = json
        var encoding = try #require(broken["encoding"] as? [String: Any])
        var features = try #require(encoding["features"] as? [[String: Any]])
        features[0]["knots"] = nil
        encoding["features"] = features
        broken["encoding"] = encoding
        let error = #expect(throws: WeightFileError.self) {
            try WeightFile.parse(JSONSerialization.data(withJSONObject: broken), path: "weights.json")
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("knots"))
    }
}

/// The scorecard's points per unit cannot express a spline: refused with the feature's name.
@Suite struct SplineScorecardTests {
    @Test func scorecardRefusesSplines() throws {
        let (file, _) = try SplineConformanceTests.fixture.weightFile()
        let error = #expect(throws: ExportError.self) { try ScorecardExport.csv(file) }
        #expect(error?.description.hasPrefix("cannot export to scorecard: \"usage\" is a spline") == true)
    }
}

/// `healthcal diff` names spline knots that moved, and says nothing of knots when none did.
@Suite struct SplineDiffTests {
    @Test func diffListsMovedKnots() throws {
        let (old, _) = try SplineConformanceTests.fixture.weightFile()
        var new = old
        new.encoding.features[0].knots = old.encoding.features[0].knots.map { $0.map { $0 + 1 } }
        let diff = WeightFileDiff(old: old, new: new)
        #expect(diff.knotChanges?.map(\.feature) == ["usage"])
        #expect(diff.knotChanges?.first?.new == new.encoding.features[0].knots)
        #expect(diff.table().contains("Spline knots\n  usage: ["))
        #expect(WeightFileDiff(old: old, new: old).knotChanges == nil)
        #expect(!WeightFileDiff(old: old, new: old).table().contains("Spline knots"))
    }
}

/// Per-segment models with their own spline encodings (their own knots) score the same in the
/// Scorer, SQLite, PostgreSQL and pypmml (1e-9 absolute).
@Suite struct SplineSegmentTests {
    @Test func segmentModelsWithTheirOwnKnotsAgreeEverywhere() throws {
        let fixture = SplineConformanceTests.fixture
        var spec = fixture.spec
        spec.model.perSegment = true
        spec.model.minSegmentRows = 100
        let panel = try Panel.make(table: fixture.trainingTable(customers: 300), spec: spec)
        let segmented = try SegmentedFit.run(panel: panel)
        var file = try WeightFile.makeInSample(panel: panel, segmented: segmented, inputBytes: Array("training".utf8))
        file.bands = nil
        let pooledKnots = try #require(file.encoding.features[0].knots)
        let segments = file.segments ?? [:]
        #expect(!segments.isEmpty)   // one segment has enough rows and churners for its own model
        for (name, model) in segments {
            let own = try #require(model.encoding?.features[0].knots, "segment \(name) has its own encoding")
            #expect(own != pooledKnots, "segment \(name)")
        }
        let table = fixture.scoringTable()
        let expected = try Scorer(file).score(table: table).map(\.score.churnProbability)
        let query = try SQLExport.query(file, table: "scored", bands: false)
        let wrap = "SELECT \"id\", printf('%.17g', \"churn_probability\") AS \"p\" FROM (\n\(query.dropLast(2))\n) AS \"q\";\n"
        if let rows = try runSQLite(sqlLoad(table, name: "scored") + wrap) {
            let err = maxAbsoluteError(rows.map { Double($0["p"] as? String ?? "") ?? .nan }, expected)
            print("SQLite vs Scorer, segment splines: max |Δp| = \(err)")
            #expect(err <= 1e-9)
        }
        if let pg = try runPostgres(sqlLoad(table, name: "scored", temporary: true) + pgJSON(query)) {
            let err = maxAbsoluteError(pg.map { ($0["churn_probability"] as? NSNumber)?.doubleValue ?? .nan }, expected)
            print("PostgreSQL vs Scorer, segment splines: max |Δp| = \(err)")
            #expect(err <= 1e-9)
        }
        let formats = ExportFormatTests()
        guard formats.run(["python3", "-c", "import pypmml"]).status == 0 else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-pmml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pmml = dir.appendingPathComponent("m.pmml"), data = dir.appendingPathComponent("d.csv"), scores = dir.appendingPathComponent("s.csv")
        try PMMLExport.document(file).write(to: pmml, atomically: true, encoding: .utf8)
        try formats.dataCSV(table).write(to: data, atomically: true, encoding: .utf8)
        try ScoreOutput.csv(Scorer(file).score(table: table), top: 0).write(to: scores, atomically: true, encoding: .utf8)
        let script = CLIRoot.url.appendingPathComponent("scripts/pmml-conformance").path
        let result = formats.run(["python3", script, pmml.path, data.path, scores.path, "--tolerance", "1e-9"])
        print("pmml-conformance, segment splines: \(result.output)")
        #expect(result.status == 0)
    }
}

private enum CLIRoot {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
