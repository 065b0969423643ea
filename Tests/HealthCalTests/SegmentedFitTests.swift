import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// Generated panels for the per-segment model (`model.per_segment: true`).
struct SegmentPanel {
    /// How a segment's rows are generated.
    struct Segment {
        var name: String
        var rowsPerPeriod: Int
        var intercept = -1.0
        var slope1 = 1.0
        var slope2 = -0.5
        /// Churned = x1 > 0.3 exactly (perfect separation within the segment).
        var separated = false
        /// x2 is 5 in every row of the segment (a constant, unstandardizable column there).
        var constantX2 = false
        /// Exactly this many churners per period (the first rows), whatever the model says.
        var churnersPerPeriod: Int? = nil
        /// Row weight of every row of the segment (the panel has a weight column when any is set).
        var weight: Double? = nil
    }

    var segments: [Segment]
    var periods = 4
    var seed: UInt64 = 1
    /// x `leak` equals the outcome (plus noise) in the last period only, noise before.
    var leak = false

    static func uniform(_ rng: inout SplitMix64) -> Double { Double(rng.next() >> 11) / 9007199254740992.0 }

    /// The CSV text: fresh customer ids per period, so no row follows a churn.
    func csv() -> String {
        var rng = SplitMix64(seed: seed)
        let weighted = segments.contains { $0.weight != nil }
        var out = "customer_id,period,segment,x1,x2,plan,leak,churned\(weighted ? ",weight" : "")\n"
        for t in 0..<periods {
            for s in segments {
                for i in 0..<s.rowsPerPeriod {
                    let x1 = Self.uniform(&rng) * 4 - 2
                    let x2 = s.constantX2 ? 5 : Self.uniform(&rng) * 2
                    let plan = ["basic", "pro", "enterprise"][Int(Self.uniform(&rng) * 3) % 3]
                    let eta = s.intercept + s.slope1 * x1 + s.slope2 * x2 + (plan == "pro" ? 0.3 : 0)
                    var y = Self.uniform(&rng) < 1 / (1 + exp(-eta)) ? 1 : 0
                    if s.separated { y = x1 > 0.3 ? 1 : 0 }
                    if let k = s.churnersPerPeriod { y = i < k ? 1 : 0 }
                    let leakValue = leak && t == periods - 1 ? Double(y) + 0.1 * Self.uniform(&rng) : Self.uniform(&rng)
                    out += "\(s.name)\(t)_\(i),2024-\(String(format: "%02d", t + 1)),\(s.name),\(x1),\(x2),\(plan),\(leakValue),\(y)"
                    out += weighted ? ",\(s.weight ?? 1)\n" : "\n"
                }
            }
        }
        return out
    }

    func spec(perSegment: Bool = true, minSegmentRows: Int = 200) -> Spec {
        let weighted = segments.contains { $0.weight != nil }
        var features = [FeatureSpec(name: "x1", type: .numeric), FeatureSpec(name: "x2", type: .numeric),
                         FeatureSpec(name: "plan", type: .categorical, minCount: 5)]
        if leak { features.append(FeatureSpec(name: "leak", type: .numeric)) }
        var spec = testSpec(features: features, weight: weighted ? "weight" : nil, segment: "segment")
        spec.model.perSegment = perSegment
        spec.model.minSegmentRows = minSegmentRows
        return spec
    }

    func table() -> Table { makeTable(csv()) }

    func panel(perSegment: Bool = true, minSegmentRows: Int = 200) throws -> Panel {
        try Panel.make(table: table(), spec: spec(perSegment: perSegment, minSegmentRows: minSegmentRows))
    }

    /// Two segments with their own model ("ent", "smb", opposite effects) and one too small ("tiny").
    static let conformance = SegmentPanel(segments: [
        Segment(name: "ent", rowsPerPeriod: 150, intercept: -0.5, slope1: 1.0, slope2: -0.5),
        Segment(name: "smb", rowsPerPeriod: 150, intercept: -1.5, slope1: -0.8, slope2: 0.7),
        Segment(name: "tiny", rowsPerPeriod: 15),
    ])
}

@Suite("Per-segment models")
struct SegmentedFitTests {
    @Test func fallbackRules() throws {
        let gen = SegmentPanel(segments: [
            .init(name: "ent", rowsPerPeriod: 150, intercept: -0.5),
            .init(name: "tiny", rowsPerPeriod: 20),                       // 80 rows < 200
            .init(name: "quiet", rowsPerPeriod: 100, churnersPerPeriod: 3), // 12 churners < 20
            .init(name: "flat", rowsPerPeriod: 100, intercept: 1.5, constantX2: true),   // x2 constant: cannot standardize
            .init(name: "split", rowsPerPeriod: 100, separated: true),    // x1 separates the outcome
        ])
        let panel = try gen.panel()
        let fit = try SegmentedFit.run(panel: panel)
        #expect(fit.segments.keys.sorted() == ["ent"])
        #expect(fit.fallbacks.keys.sorted() == ["flat", "quiet", "split", "tiny"])
        #expect(fit.fallbacks["tiny"]?.contains("80 training rows, fewer than min_segment_rows 200") == true)
        #expect(fit.fallbacks["quiet"]?.contains("12 churners and 388 non-churners") == true)
        #expect(fit.fallbacks["flat"]?.contains("x2") == true, "\(fit.fallbacks["flat"] ?? "")")
        #expect(fit.fallbacks["split"]?.contains("separation") == true, "\(fit.fallbacks["split"] ?? "")")
        #expect(fit.notes.count == 4 && fit.notes.allSatisfy { $0.contains("uses the pooled model") && !$0.contains("\n") })
        // The pooled model is fitted on every row; the segment's on its own rows, with its own encoding.
        #expect(fit.pooled.fit.rows == panel.rowCount)
        let ent = try #require(fit.segments["ent"])
        #expect(ent.fit.rows == 600)
        let entRows = (0..<panel.rowCount).filter { panel.segment(ofRow: $0) == "ent" }
        let own = try SpecFit.run(panel: panel, rows: entRows)
        #expect(ent.fit.coefficients == own.fit.coefficients)
        #expect(ent.encoding == own.encoding)
        #expect(ent.encoding != fit.pooled.encoding)
        // Rows of fallback segments take the pooled model's linear predictor; "ent" rows its own.
        let eta = try fit.linearPredictor(panel: panel, rows: Array(0..<panel.rowCount))
        let pooledEta = try fit.pooled.encoding.design(panel, rows: Array(0..<panel.rowCount)).x.multiply(fit.pooled.fit.coefficients)
        let entEta = try own.encoding.design(panel, rows: entRows).x.multiply(own.fit.coefficients)
        for (k, r) in entRows.enumerated() { #expect(abs(eta[r] - entEta[k]) <= 1e-12) }   // same product, 1e-12 abs
        let others = (0..<panel.rowCount).filter { panel.segment(ofRow: $0) != "ent" }
        #expect(maxAbsoluteError(others.map { eta[$0] }, others.map { pooledEta[$0] }) <= 1e-12)
    }

    /// Churner counts are row-weighted: 60 churner rows of weight 0.25 are 15 churners.
    /// With `model.firth` a segment that separates gets its own finite Firth model instead of
    /// falling back to the pooled one; its weights equal a Firth fit on its own rows.
    @Test func firthFitsASeparatedSegment() throws {
        let gen = SegmentPanel(segments: [
            .init(name: "ent", rowsPerPeriod: 150, intercept: -0.5),
            .init(name: "split", rowsPerPeriod: 100, separated: true),
        ])
        var spec = gen.spec()
        spec.model.firth = true
        let panel = try Panel.make(table: gen.table(), spec: spec)
        let fit = try SegmentedFit.run(panel: panel)
        #expect(fit.fallbacks.isEmpty, "\(fit.fallbacks)")
        let split = try #require(fit.segments["split"])
        #expect(split.fit.firthPenalizedLogLikelihood != nil && split.fit.coefficients.allSatisfy(\.isFinite))
        let rows = (0..<panel.rowCount).filter { panel.segment(ofRow: $0) == "split" }
        let own = try SpecFit.run(panel: panel, rows: rows)
        #expect(split.fit.coefficients == own.fit.coefficients)
        // x1 separates: its weight is large but finite, and its profile interval is closed.
        let j = try #require(split.fit.names.firstIndex(of: "x1"))
        #expect(split.fit.coefficients[j] > 3 && split.fit.upper95[j].isFinite, "\(split.fit.coefficients[j]) \(split.fit.upper95[j])")
    }

    @Test func weightedChurnersCount() throws {
        let gen = SegmentPanel(segments: [
            .init(name: "ent", rowsPerPeriod: 150, intercept: -0.5),
            .init(name: "light", rowsPerPeriod: 100, churnersPerPeriod: 15, weight: 0.25),
        ])
        let fit = try SegmentedFit.run(panel: try gen.panel())
        #expect(fit.segments.keys.sorted() == ["ent"])
        #expect(fit.fallbacks["light"]?.contains("15 churners and 85 non-churners (weighted)") == true,
                "\(fit.fallbacks["light"] ?? "")")
    }

    /// per_segment false (or no segment column): the pooled `SpecFit`, nothing else.
    @Test func offMeansOnePooledModel() throws {
        var gen = SegmentPanel.conformance
        gen.periods = 6
        let panel = try gen.panel(perSegment: false)
        let fit = try SegmentedFit.run(panel: panel)
        #expect(fit.segments.isEmpty && fit.fallbacks.isEmpty)
        #expect(fit.pooled.fit.coefficients == (try SpecFit.run(panel: panel)).fit.coefficients)
        let run = try Backtest.run(panel: panel)
        #expect(run.folds.allSatisfy { $0.segmentModels == nil && $0.segmentFallbacks == nil })
        #expect(run.models.allSatisfy { $0.segments.isEmpty })
        let json = try JSONOutput.string(BacktestReport(run: run, champion: nil))
        #expect(!json.contains("segment_models") && !json.contains("segment_fallbacks"))
    }

    /// Each fold's segment models are fitted only on that segment's rows of periods ≤ T − horizon,
    /// score that segment's test rows, and explain them (contributions add up).
    @Test func backtestUsesSegmentModelsWithoutLeakage() throws {
        var gen = SegmentPanel.conformance
        gen.periods = 6
        gen.leak = true
        let panel = try gen.panel(minSegmentRows: 300)
        let run = try Backtest.run(panel: panel)
        let plan = try Backtest.plannedFolds(panel: panel)
        #expect(run.folds.map(\.test) == ["2024-05", "2024-06"])   // min_train_periods 4, horizon 1
        for (k, fold) in plan.enumerated() {
            #expect(run.folds[k].segmentModels == ["ent", "smb"])
            #expect(run.folds[k].segmentFallbacks?.keys.sorted() == ["tiny"])
            let trainPeriods = Set(fold.train.map { panel.periodOfRow[$0] })
            #expect(trainPeriods.allSatisfy { panel.periods[Int($0)].ordinal <= fold.key - 1 })
            for name in ["ent", "smb"] {
                let segModel = try #require(run.models[k].segments[name])
                let rows = fold.train.filter { panel.segment(ofRow: $0) == name }
                #expect(segModel.fit.rows == rows.count && rows.count == 150 * (4 + k))
                let reference = try SpecFit.run(panel: panel, rows: rows)
                #expect(segModel.fit.coefficients == reference.fit.coefficients)
                // `leak` copies the outcome only in the last period, never in training: no weight.
                let leak = try #require(segModel.fit.coefficient("leak"))
                #expect(abs(leak) < 0.5, "fold \(fold.label) segment \(name): leak weight \(leak)")
            }
            #expect(run.models[k].model(forSegment: "tiny").fit.coefficients == run.models[k].fit.coefficients)
            #expect(run.models[k].model(forSegment: nil).fit.coefficients == run.models[k].fit.coefficients)
        }
        #expect(run.notes.contains { $0.contains("segment \"tiny\" used the pooled model in 2 of 2 folds") })
        // Scores come from the row's model; contributions of that model add up to them
        // (1e-9 absolute: a few rounding errors on log-odds of order 1).
        for i in run.rows.indices {
            let r = run.rows[i]
            let model = run.models[run.foldOfRow[i]].model(forSegment: panel.segment(ofRow: r))
            let eta = try model.encoding.design(panel, rows: [r]).x.multiply(model.fit.coefficients)[0]
            #expect(abs(eta - run.linearPredictor[i]) <= 1e-12)
            if i % 37 == 0 {
                let e = try #require(RowExplanation.explain(panel: panel, row: r, encoding: model.encoding,
                                                            coefficients: model.fit.coefficients))
                let total = e.baseline + e.contributions.reduce(0) { $0 + $1.contribution }
                #expect(abs(total - run.linearPredictor[i]) < 1e-9)
            }
        }
        // The flags explain a row with its segment's model.
        let scored = try ScoredPanel.make(panel: panel, run: run)
        let report = FlagDetection.run(scored: scored, panel: panel, models: run.models, options: panel.spec.flags)
        let flag = try #require(report.flags.first { $0.segment == "ent" && $0.kind == .falseHealthyChurner })
        let entry = try #require(scored.row.indices.first {
            scored.customerID($0) == flag.customer && scored.periodLabel($0) == flag.endPeriod
        })
        let model = run.models[Int(scored.fold[entry])].model(forSegment: "ent")
        let e = try #require(RowExplanation.explain(panel: panel, row: scored.row[entry], encoding: model.encoding,
                                                    coefficients: model.fit.coefficients))
        #expect(flag.topContributions == e.top(panel.spec.flags.topFeatures))
    }

    static let calibration = CalibrationMap.platt(a: 0.2, b: 0.9)

    func weightFile(_ panel: Panel, _ fit: SegmentedFit) throws -> WeightFile {
        try WeightFile.make(panel: panel, segmented: fit, calibration: Self.calibration, bands: nil,
                            inputBytes: Array("segment panel".utf8), metrics: ["oos_auc": 0.7])
    }

    @Test func weightFileRoundTrip() throws {
        let panel = try SegmentPanel.conformance.panel()
        let fit = try SegmentedFit.run(panel: panel)
        let file = try weightFile(panel, fit)
        #expect(file.segmentColumn == "segment")
        let segments = try #require(file.segments)
        #expect(segments.keys.sorted() == ["ent", "smb"])   // "tiny" falls back: not listed
        for (name, model) in segments {
            let own = try #require(fit.segments[name])
            #expect(model.encoding == own.encoding)
            #expect(model.rawIntercept == own.fit.coefficients[0])
            #expect(model.rawWeights == Array(own.fit.coefficients.dropFirst()))
            // Platt folded: intercept = a + b·raw, weights = b·raw (1e-12 absolute).
            #expect(abs(model.intercept - (0.2 + 0.9 * model.rawIntercept)) <= 1e-12)
            #expect(maxAbsoluteError(model.weights, model.rawWeights.map { 0.9 * $0 }) <= 1e-12)
            #expect(model.contributionSDs?.keys.sorted() == ["plan", "x1", "x2"])
        }
        #expect(file.model.rawWeights == Array(fit.pooled.fit.coefficients.dropFirst()))
        let data = try file.data()
        let loaded = try WeightFile.parse(data, path: "weights.json")
        #expect(loaded == file)
        #expect(try weightFile(panel, SegmentedFit.run(panel: panel)).data() == data)   // byte-identical rerun
        // Without per-segment models the file is exactly the pooled one.
        let off = try SegmentPanel.conformance.panel(perSegment: false)
        let pooledOnly = try weightFile(off, SegmentedFit.run(panel: off))
        let classic = try WeightFile.make(panel: off, fit: SpecFit.run(panel: off), calibration: Self.calibration,
                                          bands: nil, inputBytes: Array("segment panel".utf8), metrics: ["oos_auc": 0.7])
        #expect(try pooledOnly.data() == classic.data())
        #expect(pooledOnly.segments == nil)
    }

    /// The reference scorer (panel and table paths), the SQL export in SQLite and the PMML export
    /// in pypmml give the in-memory segmented model's calibrated probabilities: Scorer within
    /// 1e-12 absolute (only summation order differs), SQL and PMML within 1e-9 (the exports'
    /// contract, docs/exports.md). "tiny" rows are scored by the pooled model everywhere.
    @Test func exportsAgreeWithTheInMemoryModel() throws {
        let gen = SegmentPanel.conformance
        let panel = try gen.panel()
        let fit = try SegmentedFit.run(panel: panel)
        #expect(fit.fallbacks.keys.sorted() == ["tiny"])
        let file = try WeightFile.parse(try weightFile(panel, fit).data(), path: "weights.json")
        let all = Array(0..<panel.rowCount)
        let expected = try fit.linearPredictor(panel: panel, rows: all).map { Self.calibration.apply(logit: $0) }

        let scored = try Scorer(file).score(panel: panel)
        #expect(maxAbsoluteError(scored.map(\.score.churnProbability), expected) <= 1e-12)
        #expect(scored.map(\.score.model) == all.map { r in panel.segment(ofRow: r).flatMap { $0 == "tiny" ? nil : $0 } })
        let table = gen.table()
        let fromTable = try Scorer(file).score(table: table)
        #expect(maxAbsoluteError(fromTable.map(\.score.churnProbability), expected) <= 1e-12)

        let query = try SQLExport.query(file, table: "scored", bands: false)
        let wrap = "SELECT \"id\", printf('%.17g', \"churn_probability\") AS \"p\" FROM (\n\(query.trimmingCharacters(in: .whitespacesAndNewlines).dropLast())\n) AS \"q\";\n"
        if let rows = try runSQLite(sqlLoad(table, name: "scored") + wrap) {
            #expect(rows.map { $0["id"] as? String } == scored.map(\.id))
            let err = maxAbsoluteError(rows.map { Double($0["p"] as? String ?? "") ?? .nan }, expected)
            print("SQL vs in-memory segmented model: max |Δp| = \(err) over \(rows.count) rows")
            #expect(err <= 1e-9)
        } else {
            print("skipping the SQLite leg: /usr/bin/sqlite3 is not installed")
        }

        let helper = ExportFormatTests()
        guard helper.run(["python3", "-c", "import pypmml"]).status == 0 else {
            print("skipping the pypmml leg: `python3 -c \"import pypmml\"` fails")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-seg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pmml = dir.appendingPathComponent("m.pmml"), data = dir.appendingPathComponent("d.csv"),
            scores = dir.appendingPathComponent("s.csv")
        try PMMLExport.document(file).write(to: pmml, atomically: true, encoding: .utf8)
        try helper.dataCSV(table).write(to: data, atomically: true, encoding: .utf8)
        try ScoreOutput.csv(fromTable, top: 0).write(to: scores, atomically: true, encoding: .utf8)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/pmml-conformance").path
        let result = helper.run(["python3", script, pmml.path, data.path, scores.path, "--tolerance", "1e-9"])
        print("pmml-conformance (segments): \(result.output)")
        #expect(result.status == 0)
    }
}

@Suite("Per-segment models: recalibrate end to end")
struct SegmentedRecalibrationTests {
    /// `healthcal recalibrate` with `per_segment: true`: the weight file carries the segment
    /// models with the out-of-sample calibration folded in, "tiny" falls back with a note, and
    /// the reference scorer on the written file reproduces the in-memory segmented model
    /// (1e-12 absolute on probabilities).
    @Test func recalibrateWritesSegmentModels() throws {
        var gen = SegmentPanel.conformance
        gen.periods = 6
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-seg-recal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("panel.csv"), specFile = dir.appendingPathComponent("spec.yaml")
        try gen.csv().write(to: data, atomically: true, encoding: .utf8)
        try """
        version: 1
        data:
          id: customer_id
          period: period
          outcome: churned
          segment: segment
        features:
          - name: x1
            type: numeric
          - name: x2
            type: numeric
          - name: plan
            type: categorical
            min_count: 5
        model:
          per_segment: true
          min_segment_rows: 300

        """.write(to: specFile, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out").path
        let result = try Recalibration.run(.init(specPath: specFile.path, dataPath: data.path, outDirectory: out))
        #expect(result.notes.contains { $0.contains("final model: segment \"tiny\" uses the pooled model") })
        #expect(result.notes.contains { $0.contains("segment \"tiny\" used the pooled model in 2 of 2 folds") })
        let file = try WeightFile.load(path: out + "/weights.json")
        #expect(file.segments?.keys.sorted() == ["ent", "smb"])
        #expect(file.calibrationFolded)
        let spec = try Spec.load(path: specFile.path)
        let panel = try PanelLoading.load(path: data.path, spec: spec)
        let fit = try SegmentedFit.run(panel: panel)
        let expected = try fit.linearPredictor(panel: panel, rows: Array(0..<panel.rowCount)).map { file.calibration.apply(logit: $0) }
        let scored = try Scorer(file).score(panel: panel)
        #expect(maxAbsoluteError(scored.map(\.score.churnProbability), expected) <= 1e-12)
        #expect(FileManager.default.fileExists(atPath: out + "/exports/score.sql"))
        #expect(FileManager.default.fileExists(atPath: out + "/exports/model.pmml"))
        let metrics = try String(contentsOfFile: out + "/metrics.json", encoding: .utf8)
        #expect(metrics.contains("\"segment_fits\"") && metrics.contains("\"segment_models\""))
    }
}
