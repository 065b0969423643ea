import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// Binned features through every output: the threshold scorecard against the reference scorer
/// on the sample panel, SQL (SQLite, PostgreSQL) and PMML (pypmml) within 1e-9, the weight file
/// round trip, and the bad inputs' messages.
@Suite struct BinsExportTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// notebooks-data's spec with every numeric feature binned (its imputation and missing
    /// indicator kept), or only `binned` of them.
    static func sampleSpec(binned: Set<String>? = nil) throws -> Spec {
        var spec = try Spec.parse(yaml: String(contentsOf: root.appendingPathComponent("notebooks-data/spec.yaml"), encoding: .utf8))
        for i in spec.features.indices where spec.features[i].type == .numeric && (binned?.contains(spec.features[i].name) ?? true) {
            spec.features[i].transform = .bins
            spec.features[i].standardize = nil
        }
        try spec.validate()
        return spec
    }

    static func sampleFile(_ spec: Spec) throws -> (WeightFile, Panel) {
        let panel = try PanelLoading.load(path: root.appendingPathComponent("notebooks-data/panel.csv").path, spec: spec)
        let fit = try SpecFit.run(panel: panel)
        let file = try WeightFile.make(panel: panel, fit: fit, calibration: .platt(a: 0.2, b: 0.9), bands: nil,
                                       inputSHA256: String(repeating: "0", count: 64))
        return (file, panel)
    }

    /// The threshold scorecard read back as a CS platform would: base points plus, per metric,
    /// the one row whose range (lower <= value < upper), level or value matches.
    @Test func theThresholdScorecardReproducesTheScorerOnTheSamplePanel() throws {
        let (file, panel) = try Self.sampleFile(Self.sampleSpec())
        let csv = try ScorecardExport.csv(file)
        let rows = parseCSV(csv)
        #expect(rows.first == ScorecardExport.thresholdHeader)
        let body = Array(rows.dropFirst())
        let base = try #require(Double(body[0][5]))
        let byMetric = Dictionary(grouping: body.dropFirst(), by: { $0[0] })
        let scale = ScorecardExport.Scale()
        let nf = Double(file.encoding.features.count)
        let bound = (nf + 1) * 0.005   // points, as the export states
        #expect(body[0][2].contains("within \(CSVWriter.format(bound, decimals: 3)) points"))
        let beta = [file.model.intercept] + file.model.weights
        var worst = 0.0
        for r in 0..<panel.rowCount {
            let raw = file.encoding.rawRow(panel, row: r)
            let x = try file.encoding.encode(raw)
            let eta = zip(x, beta).reduce(0.0) { $0 + $1.0 * $1.1 }
            var total = base
            for (f, value) in zip(file.encoding.features, raw) {
                let choices = try #require(byMetric[f.name])
                let match: [String]? = switch (f.type, value) {
                case (_, .missing): choices.first { $0[2] == "missing" }
                case let (.numeric, .number(v)):
                    choices.first { c in c[2].hasPrefix("range") && (c[3].isEmpty || Double(c[3])! <= v) && (c[4].isEmpty || v < Double(c[4])!) }
                case let (.boolean, .number(v)): choices.first { $0[2] == "value \(Int(v))" }
                case let (.categorical, .text(s)): choices.first { $0[2] == "level \(s)" } ?? choices.first { $0[2].hasPrefix("level \(f.reference ?? "")") }
                default: nil
                }
                let row = try #require(match, "row \(r) \(f.name) \(value)")
                total += try #require(Double(row[5]))
            }
            let exact = scale.offset - scale.factor * eta
            worst = max(worst, abs(total - exact))
        }
        print("threshold scorecard vs scorer: max |Δpoints| = \(worst) (bound \(bound)) over \(panel.rowCount) rows")
        #expect(worst <= bound + 1e-9)
        #expect(worst > 0)   // the rounding is real, so the bound is what is being tested
    }

    @Test func aLinearNumericMetricIsRefusedByName() throws {
        let (file, _) = try Self.sampleFile(Self.sampleSpec(binned: ["nps"]))
        #expect(throws: ExportError.unsupported(format: "scorecard", reason: "metric \"logins_30d\" is not binned (transform: log1p), so it has no thresholds; give it transform: bins in the spec and refit, or export the per-unit scorecard from a weight file without binned metrics")) {
            try ScorecardExport.csv(file)
        }
    }

    @Test func aBinnedWeightFileRoundTripsByteForByte() throws {
        let (file, _) = try Self.sampleFile(Self.sampleSpec())
        let data = try file.data()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-bins-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("w.json").path
        try data.write(to: URL(fileURLWithPath: path))
        let loaded = try WeightFile.load(path: path)
        #expect(loaded.encoding == file.encoding)
        #expect(try loaded.data() == data)
        // Cuts out of order are refused naming the key.
        let text = String(decoding: data, as: UTF8.self)
        let f = try #require(file.encoding.features.first { ($0.cuts?.count ?? 0) >= 2 })
        let cuts = try #require(f.cuts)
        let written = "\"cuts\" : [\n" + cuts.map { "        \(exactNumber($0))" }.joined(separator: ",\n")
        if text.contains(written) {
            let swapped = text.replacingOccurrences(of: written, with: "\"cuts\" : [\n" + cuts.reversed().map { "        \(exactNumber($0))" }.joined(separator: ",\n"))
            try Data(swapped.utf8).write(to: URL(fileURLWithPath: path))
            #expect { try WeightFile.load(path: path) } throws: { "\($0)".contains(".cuts") && "\($0)".contains("strictly increasing") }
        }
    }

    /// A binned weight file validates against docs/weight-file.schema.json; a misspelled
    /// direction does not.
    @Test func theJSONSchemaCoversBinnedFiles() throws {
        let (file, _) = try Self.sampleFile(Self.sampleSpec())
        let schemaTests = WeightFileSchemaTests()
        let schema = try schemaTests.schema(), validator = MiniSchemaValidator(root: schema)
        let json = try JSONSerialization.jsonObject(with: file.data())
        #expect(validator.validate(json, schema) == [])
        var text = String(decoding: try file.data(), as: UTF8.self)
        #expect(text.contains("\"monotone\" : \"decreasing\"") || text.contains("\"monotone\" : \"increasing\""))
        text = text.replacingOccurrences(of: "\"monotone\" : \"decreasing\"", with: "\"monotone\" : \"downwards\"")
            .replacingOccurrences(of: "\"monotone\" : \"increasing\"", with: "\"monotone\" : \"downwards\"")
        #expect(!validator.validate(try JSONSerialization.jsonObject(with: Data(text.utf8)), schema).isEmpty)
    }

    @Test func diffNamesTheMovedCuts() throws {
        var three = try Self.sampleSpec(binned: ["nps", "seats"])
        for i in three.features.indices where three.features[i].transform == .bins { three.features[i].maxBins = 3 }
        let (a, _) = try Self.sampleFile(three)
        let (b, _) = try Self.sampleFile(Self.sampleSpec(binned: ["nps", "exec_meetings"]))
        let diff = WeightFileDiff(old: a, new: b)
        let changes = try #require(diff.cutChanges)
        #expect(changes.map(\.feature) == ["nps", "seats", "exec_meetings"])
        #expect(changes[0].old == a.encoding.features.first { $0.name == "nps" }?.cuts)
        #expect(changes[0].new == b.encoding.features.first { $0.name == "nps" }?.cuts)
        #expect(changes[0].old != changes[0].new)
        #expect(changes[1].new == nil && changes[2].old == nil)
        #expect(diff.table().contains("Bin cut points (value x is in [lower, upper))\n  nps: ["))
        // Files without bins: no cut section, no JSON key.
        let (plain, _) = try ExportFixture().weightFile()
        let same = WeightFileDiff(old: plain, new: plain)
        #expect(same.cutChanges == nil)
        #expect(!String(decoding: try JSONEncoder().encode(same), as: UTF8.self).contains("cut_changes"))
        #expect(!same.table().contains("Bin cut points"))
    }

    // MARK: bad inputs

    @Test func binOptionsAreValidated() throws {
        func issues(_ feature: String) -> String {
            let yaml = "version: 1\ndata:\n  id: customer_id\n  outcome: churned\nfeatures:\n\(feature)"
            do {
                _ = try Spec.parse(yaml: yaml)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(issues("  - {name: x, type: numeric, transform: bins, max_bins: 1}\n").contains("features[0].max_bins must be between 2 and 20, not 1"))
        #expect(issues("  - {name: x, type: numeric, transform: bins, max_bins: 21}\n").contains("not 21"))
        let spelled = issues("  - {name: x, type: numeric, transform: bins, monotone: increasng}\n")
        #expect(spelled.contains("unknown value 'increasng' for features[0].monotone; expected one of auto, increasing, decreasing"), "\(spelled)")
        #expect(spelled.contains("increasing"))
        #expect(issues("  - {name: x, type: numeric, transform: bins, min_bin_share: 0.7}\n").contains("min_bin_share must be in (0, 0.5]"))
        #expect(issues("  - {name: x, type: numeric, max_bins: 4}\n").contains("max_bins applies only with transform: bins"))
        #expect(issues("  - {name: x, type: numeric, transform: bins, clip: [0, 5]}\n").contains("clip has no effect with transform: bins"))
        #expect(issues("  - {name: x, type: categorical, max_bins: 4}\n").contains("applies to numeric features, not categorical"))
        #expect(issues("  - {name: x, type: numeric, transform: bins, max_bins: 8, monotone: decreasing}\n").isEmpty)
    }

    @Test func binsOnAConstantColumnIsAClearError() throws {
        var csv = "customer_id,period,logins,churned\n"
        for i in 0..<200 { csv += "C\(i),2025Q1,7,\(i % 5 == 0 ? 1 : 0)\n" }
        let spec = testSpec(features: [.bins("logins")])
        let panel = try Panel.make(table: makeTable(csv), spec: spec)
        #expect { try SpecFit.run(panel: panel) } throws: { error in
            let text = "\(error)"
            return text.contains("logins") && text.contains("\"7\"")
                && text.contains("transform: bins needs at least two distinct values, but the feature is constant on the training rows (200 present values)")
        }
    }

    // MARK: in the database

    /// `fit --in-database` with every numeric feature of the sample panel binned: the same cuts
    /// (exactly: order statistics and integer counts), columns and, to the in-database fit's
    /// usual tolerances, the same weights as the in-memory fit of the CSV.
    @Test(.enabled(if: testPostgresURL != nil, "needs HEALTHCAL_TEST_PG_URL (a PostgreSQL server; .ci/run starts one)"))
    func inDatabaseFitFindsTheSameBins() throws {
        let (memory, pushed) = try InDatabaseFitTests.bothFits(url: testPostgresURL ?? "") { spec in
            for k in spec.features.indices where spec.features[k].type == .numeric {
                spec.features[k].transform = .bins
                spec.features[k].standardize = nil
                spec.features[k].maxBins = 3 + k % 4
            }
        }
        let binned = memory.encoding.features.filter { $0.cuts != nil }
        #expect(binned.count == 8)
        for (a, b) in zip(pushed.fit.encoding.features, memory.encoding.features) {
            #expect(a.cuts == b.cuts && a.monotone == b.monotone, "\(a.name)")
        }
        InDatabaseFitTests.expectSameFit(memory, pushed)
    }

    // MARK: SQL and PMML

    /// The export fixture with `usage` binned (training has missing cells: a missing column) and
    /// `tickets` binned with missing_indicator: never (a missing cell takes the mean's bin).
    static func binnedFixture(_ fixture: ExportFixture) throws -> (WeightFile, Table) {
        var spec = fixture.spec
        spec.features[0] = .bins(fixture.usage, maxBins: 4, impute: .median)
        spec.features[1] = .bins(fixture.tickets, maxBins: 4, impute: .mean)
        spec.features[1].missingIndicator = .never
        let panel = try Panel.make(table: fixture.trainingTable(), spec: spec)
        let fit = try SpecFit.run(panel: panel)
        let file = try WeightFile.make(panel: panel, fit: fit, calibration: .platt(a: 0.3, b: 0.85),
                                       bands: BandAssignment(scheme: BandScheme(fixed: BandOptions.defaultFixed), gate: spec.bands.gate),
                                       inputBytes: Array("training bytes".utf8))
        // Scoring rows: the fixture's edge rows plus each cut exactly, a hair below and above it.
        let base = fixture.scoringTable()
        var rows: [[String?]] = (0..<base.rowCount).map { r in
            base.columns.map { c -> String? in
                switch c {
                case let .numeric(v): v[r].isNaN ? nil : "\(v[r])"
                case let .text(t): t.value(at: r)
                }
            }
        }
        for (k, f) in file.encoding.features.prefix(2).enumerated() {
            for (i, c) in (f.cuts ?? []).enumerated() {
                for v in [c, c.nextDown, c.nextUp] {
                    var row: [String?] = ["\(fixture.idPrefix)K\(k)_\(i)_\(v)", "2025Q4", "0", "5", "5", fixture.levels[0], "1", "smb", "2"]
                    row[3 + k] = "\(v)"
                    rows.append(row)
                }
            }
        }
        rows.append(["\(fixture.idPrefix)N", "2025Q4", "0", "-1e12", "1e12", fixture.levels[1], "0", "ent", "2"])
        return (file, ExportFixture.table(names: fixture.header, rows: rows))
    }

    @Test(arguments: [false, true])
    func sqlAgreesWithTheScorer(hostile: Bool) throws {
        let fixture = hostile ? ExportFixture.hostile : ExportFixture()
        let (file, table) = try Self.binnedFixture(fixture)
        #expect(file.encoding.features[0].missingIndicator == true && file.encoding.features[1].missingIndicator == false)
        let expected = try Scorer(file).score(table: table).map(\.score.churnProbability)
        let query = try SQLExport.query(file, table: "scored")
        if let result = try runSQLite(sqlLoad(table, name: "scored") + sqlExact(query)) {
            let got = result.map { Double($0["p"] as? String ?? "") ?? .nan }
            let err = maxAbsoluteError(got, expected)
            print("bins: SQLite vs Scorer max |Δp| = \(err) over \(got.count) rows")
            #expect(got.count == table.rowCount)
            #expect(err <= 1e-9)
        } else {
            print("skipping the SQLite leg: /usr/bin/sqlite3 is not installed")
        }
        if let pg = try runPostgres(sqlLoad(table, name: "scored", temporary: true) + pgJSON(query)) {
            let got = pg.map { ($0["churn_probability"] as? NSNumber)?.doubleValue ?? .nan }
            let err = maxAbsoluteError(got, expected)
            print("bins: PostgreSQL vs Scorer max |Δp| = \(err) over \(got.count) rows")
            #expect(err <= 1e-9)
        } else {
            print("skipping the PostgreSQL leg: set HEALTHCAL_TEST_PG_URL to run it")
        }
    }

    /// Per-segment models, each with its own cuts (`model.per_segment`), fitted on the sample
    /// panel: SQL (SQLite, PostgreSQL) and pypmml against the scorer, 1e-9.
    @Test func perSegmentBinsAgreeEverywhere() throws {
        var spec = try Self.sampleSpec()
        spec.model.perSegment = true
        let panel = try PanelLoading.load(path: Self.root.appendingPathComponent("notebooks-data/panel.csv").path, spec: spec)
        let segmented = try SegmentedFit.run(panel: panel)
        let file = try WeightFile.make(panel: panel, segmented: segmented, calibration: .platt(a: 0.1, b: 0.95), bands: nil,
                                       inputSHA256: String(repeating: "0", count: 64))
        let own = (file.segments ?? [:]).values.compactMap { $0.encoding?.features.first?.cuts }
        #expect(own.count >= 2)
        #expect(Set(own).count == own.count)   // each segment found its own cuts
        // Every 5th row of the panel (2,800 rows, every segment, missing cells included): enough
        // for the SQL and PMML legs, a fifth of the time.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-bins-seg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try String(contentsOf: Self.root.appendingPathComponent("notebooks-data/panel.csv"), encoding: .utf8).split(separator: "\n")
        let subset = dir.appendingPathComponent("panel.csv")
        try (lines.enumerated().filter { $0.offset == 0 || $0.offset % 5 == 1 }.map(\.element).joined(separator: "\n") + "\n")
            .write(to: subset, atomically: true, encoding: .utf8)
        let table = try Scorer(file).readTable(path: subset.path)
        #expect(table.rowCount == 2800)
        let expected = try Scorer(file).score(table: table).map(\.score.churnProbability)
        let query = try SQLExport.query(file, table: "scored")
        if let result = try runSQLite(sqlLoad(table, name: "scored") + sqlExact(query)) {
            let err = maxAbsoluteError(result.map { Double($0["p"] as? String ?? "") ?? .nan }, expected)
            print("bins per segment: SQLite vs Scorer max |Δp| = \(err) over \(result.count) rows")
            #expect(result.count == table.rowCount && err <= 1e-9)
        }
        if let pg = try runPostgres(sqlLoad(table, name: "scored", temporary: true) + pgJSON(query)) {
            // PostgreSQL may return the rows in another order (hash joins on 14,000 rows): match by id and period.
            var byKey: [String: Double] = [:]
            for row in pg { byKey["\(row["id"] ?? "")|\(row["period"] ?? "")"] = (row["churn_probability"] as? NSNumber)?.doubleValue ?? .nan }
            let scored = try Scorer(file).score(table: table)
            let got = scored.map { byKey["\($0.id)|\($0.period ?? "")"] ?? .nan }
            let err = maxAbsoluteError(got, expected)
            print("bins per segment: PostgreSQL vs Scorer max |Δp| = \(err) over \(pg.count) rows")
            #expect(pg.count == table.rowCount && err <= 1e-9)
        }
        let format = ExportFormatTests()
        guard format.run(["python3", "-c", "import pypmml"]).status == 0 else { return }
        let pmml = dir.appendingPathComponent("m.pmml"), scores = dir.appendingPathComponent("s.csv")
        try PMMLExport.document(file).write(to: pmml, atomically: true, encoding: .utf8)
        try ScoreOutput.csv(Scorer(file).score(table: table), top: 0).write(to: scores, atomically: true, encoding: .utf8)
        let result = format.run(["python3", Self.root.appendingPathComponent("scripts/pmml-conformance").path, pmml.path,
                                 subset.path, scores.path, "--tolerance", "1e-9"])
        print("bins per segment pmml-conformance: \(result.output)")
        #expect(result.status == 0)
    }

    @Test func pypmmlAgreesWithTheScorer() throws {
        let format = ExportFormatTests()
        guard format.run(["python3", "-c", "import pypmml"]).status == 0 else {
            print("skipping the pypmml check: `python3 -c \"import pypmml\"` fails (pip install pypmml; needs Java)")
            return
        }
        for fixture in [ExportFixture(), .hostile] {
            let (file, table) = try Self.binnedFixture(fixture)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-bins-pmml-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let pmml = dir.appendingPathComponent("m.pmml"), data = dir.appendingPathComponent("d.csv"), scores = dir.appendingPathComponent("s.csv")
            try PMMLExport.document(file).write(to: pmml, atomically: true, encoding: .utf8)
            try format.dataCSV(table).write(to: data, atomically: true, encoding: .utf8)
            try ScoreOutput.csv(Scorer(file).score(table: table), top: 0).write(to: scores, atomically: true, encoding: .utf8)
            let result = format.run(["python3", Self.root.appendingPathComponent("scripts/pmml-conformance").path,
                                     pmml.path, data.path, scores.path, "--tolerance", "1e-9"])
            print("bins pmml-conformance: \(result.output)")
            #expect(result.status == 0)
        }
    }
}
