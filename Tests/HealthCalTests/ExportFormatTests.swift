import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport
@testable import HealthCal

@Suite("Export formats")
struct ExportFormatTests {
    func parseXML(_ text: String) throws -> XMLDocument { try XMLDocument(data: Data(text.utf8), options: []) }

    /// Elements by local name, in document order (a tree walk: XPath with namespaces is uneven
    /// across Foundation implementations).
    func elements(_ doc: XMLDocument, _ name: String) -> [XMLElement] {
        var out: [XMLElement] = []
        func walk(_ node: XMLNode) {
            if let e = node as? XMLElement, (e.localName ?? e.name) == name { out.append(e) }
            for child in node.children ?? [] { walk(child) }
        }
        if let root = doc.rootElement() { walk(root) }
        return out
    }

    func attributes(_ doc: XMLDocument, _ element: String, _ name: String) throws -> [String] {
        elements(doc, element).compactMap { $0.value(of: name) }
    }

    @Test func pmmlIsWellFormedAndComplete() throws {
        let (file, _) = try ExportFixture().weightFile()
        let doc = try parseXML(try PMMLExport.document(file))
        let model = try #require(elements(doc, "RegressionModel").first)
        #expect(model.value(of: "normalizationMethod") == "logit")
        #expect(model.value(of: "functionName") == "classification")
        let fields = try attributes(doc, "DataField", "name")
        #expect(fields == ["churned"] + file.encoding.features.map(\.name))
        let derived = try attributes(doc, "DerivedField", "name")
        #expect(derived == file.model.columns.map(PMMLExport.derivedName))
        let coefficients = try attributes(doc, "NumericPredictor", "coefficient").compactMap(Double.init)
        #expect(coefficients == file.model.weights)   // exact: written with the shortest round-trip text
        let tables = try attributes(doc, "RegressionTable", "targetCategory")
        #expect(tables == ["1", "0"])
    }

    @Test func pmmlKeepsHostileNamesExactly() throws {
        let fixture = ExportFixture.hostile
        let (file, _) = try fixture.weightFile()
        let doc = try parseXML(try PMMLExport.document(file))
        let fields = try attributes(doc, "DataField", "name")
        #expect(fields == ["churned"] + file.encoding.features.map(\.name))
        let derived = try attributes(doc, "DerivedField", "name")
        #expect(derived == file.model.columns.map(PMMLExport.derivedName))
        let constants = elements(doc, "Constant").filter { $0.value(of: "dataType") == "string" }.compactMap(\.stringValue)
        for level in file.encoding.features.flatMap({ $0.levels ?? [] }) { #expect(constants.contains(level)) }
    }

    /// Element text is judged by scalar and byte: a level whose "]]>" is followed by a combining
    /// mark would end a CDATA section early, and one holding CRLF would lose its CR in CDATA.
    @Test func pmmlElementTextWithCombiningMarksAndCRLF() throws {
        // "]]>" with a mark after it is entity-escaped, never put in CDATA; so is CRLF.
        #expect(PMMLExport.text("a]]>\u{301}") == "a]]&gt;\u{301}")
        #expect(PMMLExport.text("x\r\ny&") == "x&#13;&#10;y&amp;")
        #expect(PMMLExport.text("<p\u{301}>") == "<![CDATA[<p\u{301}>]]>")
        // Each reads back as the same scalars.
        for level in ["a]]>\u{301}<b>", "x\r\ny&", "<p\u{301}>"] {
            let doc = try parseXML("<C>" + PMMLExport.text(level) + "</C>")
            #expect(doc.rootElement()?.stringValue?.unicodeScalars.elementsEqual(level.unicodeScalars) == true, "\(level.debugDescription)")
        }
    }

    @Test func pmmlSegmentsBecomeAMiningModel() throws {
        let (file, _) = try ExportFixture.hostile.weightFile(segments: true)
        let doc = try parseXML(try PMMLExport.document(file))
        #expect(elements(doc, "MiningModel").count == 1)
        #expect(elements(doc, "Segment").count == 2)
        #expect(try attributes(doc, "SimplePredicate", "value") == ["ent"])
        #expect(try attributes(doc, "SimplePredicate", "field") == [ExportFixture.hostile.tier])
        #expect(elements(doc, "True").count == 1)
        #expect(elements(doc, "RegressionModel").count == 2)
    }

    /// An isotonic table (piecewise linear, with a flat run) beside the fixture's raw scores,
    /// which fall below, between and above its knots.
    static let isotonic = CalibrationMap.isotonic(table: IsotonicFit(thresholdsX: [0.05, 0.2, 0.35, 0.6], thresholdsY: [0.02, 0.1, 0.1, 0.7]))

    @Test func pmmlAppliesAnIsotonicTableToTheModelsProbability() throws {
        let file = try ExportFixture().weightFile(calibration: Self.isotonic).0
        let pmml = try PMMLExport.document(file)
        #expect(pmml.contains(#"<OutputField name="raw_churn_probability" optype="continuous" dataType="double" feature="probability" value="1"/>"#))
        #expect(pmml.contains(#"<OutputField name="churn_probability" optype="continuous" dataType="double" feature="transformedValue"><NormContinuous field="raw_churn_probability" outliers="asExtremeValues"><LinearNorm orig="0.05" norm="0.02"/><LinearNorm orig="0.2" norm="0.1"/><LinearNorm orig="0.35" norm="0.1"/><LinearNorm orig="0.6" norm="0.7"/></NormContinuous></OutputField>"#))
        // The table is not folded: the coefficients are the weight file's raw ones.
        #expect(pmml.contains("<RegressionTable intercept=\"\(exactNumber(file.model.intercept))\" targetCategory=\"1\">"))
        _ = try parseXML(pmml)
        // A table of one knot is that constant.
        let one = try ExportFixture().weightFile(calibration: .isotonic(table: IsotonicFit(thresholdsX: [0.3], thresholdsY: [0.08]))).0
        #expect(try PMMLExport.document(one).contains(#"feature="transformedValue"><Constant dataType="double">0.08</Constant></OutputField>"#))
    }

    @Test func pmmlRefusesWhatItCannotExpress() throws {
        // A column named like an output field.
        var clash = try ExportFixture().weightFile(calibration: Self.isotonic).0
        clash.encoding.features[0].name = "raw_churn_probability"
        #expect { try PMMLExport.document(clash) } throws: { "\($0)".contains("raw_churn_probability") && "\($0)".contains("output field") }
        var bad = try ExportFixture().weightFile().0
        bad.encoding.features[0].name = "bell\u{7}"
        #expect(throws: ExportError.self) { try PMMLExport.document(bad) }
    }

    /// pypmml (PMML4S) scores the exported PMML; scripts/pmml-conformance compares with the
    /// Scorer's probabilities, tolerance 1e-9 absolute. Skipped when pypmml (or Java) is missing.
    @Test func pypmmlAgreesWithTheScorer() throws {
        guard run(["python3", "-c", "import pypmml"]).status == 0 else {
            print("skipping the pypmml check: `python3 -c \"import pypmml\"` fails (pip install pypmml; needs Java)")
            return
        }
        for fixture in [ExportFixture(), .hostile] {
            for segments in [false, true] { try pypmmlCheck(fixture, segments: segments) }
        }
        // An isotonic table applied in the Output, plain and per segment, with knots among the
        // rows' raw probabilities: rows fall below, between (on a rising and on a flat part)
        // and above them.
        for segments in [false, true] {
            let raw = try Scorer(ExportFixture().weightFile(calibration: .identity, segments: segments, perSegmentBands: false).0)
                .score(table: ExportFixture().scoringTable()).map(\.score.churnProbability).sorted()
            let x = [raw[3], raw[8], raw[12], raw[18]]
            #expect(zip(x, x.dropFirst()).allSatisfy { $0 < $1 })
            let table = CalibrationMap.isotonic(table: IsotonicFit(thresholdsX: x, thresholdsY: [0.02, 0.3, 0.3, 0.9]))
            try pypmmlCheck(ExportFixture(), segments: segments, calibration: table)
        }
    }

    func pypmmlCheck(_ fixture: ExportFixture, segments: Bool, calibration: CalibrationMap = .platt(a: 0.3, b: 0.85)) throws {
        let (file, _) = try fixture.weightFile(calibration: calibration, segments: segments, perSegmentBands: false)
        let table = fixture.scoringTable()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-pmml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let keep = ProcessInfo.processInfo.environment["HEALTHCAL_KEEP_PMML"] != nil
        defer { if !keep { try? FileManager.default.removeItem(at: dir) } }
        let pmml = dir.appendingPathComponent("m.pmml"), data = dir.appendingPathComponent("d.csv"), scores = dir.appendingPathComponent("s.csv")
        try PMMLExport.document(file).write(to: pmml, atomically: true, encoding: .utf8)
        try dataCSV(table).write(to: data, atomically: true, encoding: .utf8)
        try ScoreOutput.csv(Scorer(file).score(table: table), top: 0).write(to: scores, atomically: true, encoding: .utf8)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/pmml-conformance").path
        let result = run(["python3", script, pmml.path, data.path, scores.path, "--tolerance", "1e-9"])
        print("pmml-conformance: \(result.output)\(keep ? " (files in \(dir.path))" : "")")
        #expect(result.status == 0)
    }

    func run(_ args: [String]) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return (-1, "\(error)") }
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    /// The table as a plain RFC 4180 CSV (data, so no formula escaping).
    func dataCSV(_ table: Table) -> String {
        func quote(_ s: String) -> String {
            s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var out = table.names.map(quote).joined(separator: ",") + "\n"
        for r in 0..<table.rowCount {
            out += table.columns.map { c -> String in
                switch c {
                case let .numeric(v): return v[r].isNaN ? "" : "\(v[r])"
                case let .text(t): return t.value(at: r).map(quote) ?? ""
                }
            }.joined(separator: ",") + "\n"
        }
        return out
    }

    @Test func csvCellsAreSpreadsheetSafe() {
        #expect(CSVWriter.field(.text("=SUM(A1)")) == "'=SUM(A1)")
        #expect(CSVWriter.field(.text("+1")) == "'+1")
        #expect(CSVWriter.field(.text("-cmd")) == "'-cmd")
        #expect(CSVWriter.field(.text("@x")) == "'@x")
        #expect(CSVWriter.field(.text("\tx")) == "'\tx")
        #expect(CSVWriter.field(.text("\rx")) == "\"'\rx\"")
        #expect(CSVWriter.field(.text("a,b")) == "\"a,b\"")
        #expect(CSVWriter.field(.text("say \"hi\"")) == "\"say \"\"hi\"\"\"")
        #expect(CSVWriter.field(.text("=a,\"b\"\nc")) == "\"'=a,\"\"b\"\"\nc\"")
        #expect(CSVWriter.field(.number(-0.5)) == "-0.5")   // numbers are numbers, not formulas
        #expect(CSVWriter.field(.number(.nan)) == "")
    }

    @Test func weightsCSVParsesBackWithHostileNames() throws {
        let (file, _) = try ExportFixture.hostile.weightFile()
        let rows = parseCSV(WeightsCSVExport.csv(file))
        #expect(rows.first == WeightsCSVExport.header)
        #expect(rows.count == file.model.columns.count + 2)
        #expect(rows.allSatisfy { $0.count == WeightsCSVExport.header.count })
        for (row, column) in zip(rows.dropFirst(2), file.model.columns) {
            #expect(row[1] == CSVWriter.field(.text(column)).unquotedForTest)
        }
        #expect(rows.dropFirst(2).map { Double($0[2]) } == file.model.weights.map { Optional($0) })
    }

    @Test func scoresCSVParsesBackWithHostileIds() throws {
        let fixture = ExportFixture.hostile
        let (file, _) = try fixture.weightFile()
        let scored = try Scorer(file).score(table: fixture.scoringTable())
        let rows = parseCSV(ScoreOutput.csv(scored, top: 2))
        #expect(rows.count == scored.count + 1)
        #expect(rows.allSatisfy { $0.count == 6 + 2 * 3 })
        for (row, s) in zip(rows.dropFirst(), scored) {
            #expect(row[0] == "'" + s.id)   // the hostile ids start with "="
            #expect(Double(row[3]) == s.score.churnProbability)
        }
    }

    /// Every CSV the tool writes follows one rule (docs/exports.md, "CSV files"): each of them,
    /// written by its own export, is byte for byte what `CSVWriter` writes for its parsed cells
    /// (numbers re-typed as numbers), so none has its own line end, quoting or number format.
    @Test func everyCSVFollowsTheOneWritersRule() throws {
        let fixture = ExportFixture()
        let (file, _) = try fixture.weightFile()
        let scored = try Scorer(file).score(table: fixture.scoringTable())
        let outputs = ["weights.csv": WeightsCSVExport.csv(file), "scorecard.csv": try ScorecardExport.csv(file),
                       "scores": ScoreOutput.csv(scored, top: 2)]
        for (name, text) in outputs {
            #expect(!text.contains("\r"), "\(name) has a CR")
            #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"), "\(name)")
            var again = CSVWriter()
            for row in parseCSV(text) {
                // Full precision everywhere here: a number is its shortest form ("1", not "1.0").
                for cell in row { if let v = Double(cell), v.isFinite { #expect(CSVWriter.field(.number(v)) == cell, "\(name): \(cell)") } }
                again.row(row.map { cell -> CSVWriter.Cell in
                    if cell.isEmpty { return .empty }
                    if let v = Double(cell), v.isFinite, CSVWriter.field(.number(v)) == cell { return .number(v) }
                    return .text(cell.hasPrefix("'") ? String(cell.dropFirst()) : cell)
                })
            }
            #expect(again.text == text, "\(name)")
        }
    }

    /// Points reproduce the model: base + Σ per-unit × transformed value + level/missing points
    /// = offset − factor · η for every scored row (1e-9 relative to the ~600-point scale).
    @Test func scorecardPointsReproduceTheScore() throws {
        let (file, _) = try ExportFixture().weightFile()
        let scale = ScorecardExport.Scale()
        let rows = parseCSV(try ScorecardExport.csv(file, scale: scale))
        #expect(rows.first == ScorecardExport.header)
        var points: [String: Double] = [:]
        for r in rows.dropFirst() { points[r[0] + "|" + r[2]] = Double(r[3]) }
        let shares = Dictionary(rows.dropFirst(2).map { ($0[0], Double($0[6]) ?? .nan) }, uniquingKeysWith: { a, _ in a })
        #expect(abs(shares.values.reduce(0, +) - 1) <= 1e-12)
        let scorer = Scorer(file)
        let table = ExportFixture().scoringTable()
        let panel = try Panel.make(table: table, spec: file.metadata.spec)
        for r in 0..<panel.rowCount {
            let raw = file.encoding.rawRow(panel, row: r)
            let eta = try scorer.score(raw, segment: nil, gateValue: nil).linearPredictor
            var total = points["(base points)|" + rows[1][2]] ?? .nan
            for (f, value) in zip(file.encoding.features, raw) {
                switch f.type {
                case .categorical:
                    let label: String? = if case let .text(s) = value { s } else { nil }
                    if let label, let p = points["\(f.name)|level \(label)"] { total += p }
                    else if label == nil, let p = points["\(f.name)|when missing"] { total += p }
                    else if let label, f.pooled?.contains(label) == true, let p = points["\(f.name)|level (other)"] { total += p }
                case .numeric, .boolean:
                    let x: Double? = switch value {
                    case let .number(v): v
                    case let .text(s): CellParsing.binary(s)
                    case .missing: nil
                    }
                    guard let x else { total += points["\(f.name)|when missing (instead of per unit)"] ?? .nan; continue }
                    var t = f.transform == .log1p ? log1p(x) : x
                    if let l = f.lower { t = max(t, l) }
                    if let u = f.upper { t = min(t, u) }
                    let key = f.type == .boolean ? "when 1 (vs 0)" : f.transform == .log1p ? "per unit of ln(1 + value)" : "per unit"
                    total += (points["\(f.name)|\(key)"] ?? .nan) * t
                }
            }
            let expected = scale.offset - scale.factor * eta
            #expect(abs(total - expected) <= 1e-9 * abs(expected), "row \(r): \(total) vs \(expected)")
        }
    }

    @Test func sqlQuotesIdentifiersAndLiterals() throws {
        #expect(SQLExport.identifier("a\"b") == "\"a\"\"b\"")
        #expect(SQLExport.literal("it's") == "'it''s'")
        #expect(SQLExport.number(-1.5) == "(-1.5)")
        let (file, _) = try ExportFixture().weightFile()
        let q = try SQLExport.query(file, table: "my \"table\"", bands: false)
        #expect(q.contains("FROM \"my \"\"table\"\"\""))
        #expect(!q.contains("\"band\""))
    }

    /// A quote followed by a combining mark is one Character but still a quote to a database:
    /// it is doubled, so the literal and the identifier end where they should (SQLite reads
    /// them back whole, and nothing after the quote runs).
    @Test func sqlQuotesAQuoteFollowedByACombiningMark() throws {
        let text = "x'\u{301}; DROP TABLE t; --", name = "c\"\u{301}) FROM t; --"
        #expect(SQLExport.literal(text) == "'x''\u{301}; DROP TABLE t; --'")
        #expect(SQLExport.identifier(name) == "\"c\"\"\u{301}) FROM t; --\"")
        #expect(CSVWriter.field(.text("a\"\u{301}b")) == "\"a\"\"\u{301}b\"")
        guard let rows = try runSQLite("CREATE TABLE t (\(SQLExport.identifier(name)) TEXT); INSERT INTO t VALUES (\(SQLExport.literal(text))); SELECT \(SQLExport.identifier(name)) AS v FROM t;") else {
            print("skipping the SQLite leg: /usr/bin/sqlite3 is not installed")
            return
        }
        #expect(rows.count == 1)
        #expect((rows.first?["v"] as? String)?.unicodeScalars.elementsEqual(text.unicodeScalars) == true)
    }
}

extension XMLElement {
    /// An attribute's value (`attribute(forName:)` misses attributes under a default namespace
    /// in swift-corelibs-foundation).
    func value(of name: String) -> String? { attributes?.first { $0.name == name }?.stringValue }
}

extension String {
    /// The cell text as a CSV reader returns it (outer quotes removed, doubled quotes undone).
    var unquotedForTest: String {
        guard hasPrefix("\""), hasSuffix("\""), count >= 2 else { return self }
        return String(dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
    }
}
