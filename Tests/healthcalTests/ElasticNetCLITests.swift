import Foundation
import Testing

/// `model.penalty` and `model.select: path` end to end: recalibrate writes the selection into
/// the weight file, the report and the summary, exports carry the zero weights, and bad specs
/// exit 2 with the key named.
@Suite struct ElasticNetCLITests {
    /// The sample panel (400 customers, 8 quarters) with its spec's ridge replaced by `model`
    /// lines and the backtest limited to the last 2 quarters (each fold's own selection then has
    /// 6-7 training quarters).
    static func sample(model: String, minTrain: Int = 4) throws -> (dir: URL, spec: String, data: String) {
        let dir = try CLI.temporaryDirectory()
        let gen = try CLI.run(["sample-data", "--seed", "3", "--customers", "400", "--periods", "8", "--out", dir.path])
        #expect(gen.status == 0, "\(gen.stderr)")
        var yaml = try String(contentsOf: dir.appendingPathComponent("spec.yaml"), encoding: .utf8)
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("  ridge: 0.5") { return model }
            if line.hasPrefix("  min_train_periods: 4") { return "  min_train_periods: \(minTrain)\n  test_periods: 2" }
            return String(line)
        }
        yaml = lines.joined(separator: "\n")
        let spec = dir.appendingPathComponent("enet.yaml")
        try yaml.write(to: spec, atomically: true, encoding: .utf8)
        return (dir, spec.path, dir.appendingPathComponent("panel.csv").path)
    }

    @Test func recalibrateWithSelectPathRecordsTheChoiceEverywhere() throws {
        let s = try Self.sample(model: "  penalty: {l1: 2, l2: 0.5}\n  select: path")
        let out = s.dir.appendingPathComponent("run")
        let r = try CLI.run(["recalibrate", "--spec", s.spec, "--data", s.data, "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("weights.json"))) as? [String: Any])
        let metadata = try #require(file["metadata"] as? [String: Any])
        let penalty = try #require(metadata["penalty"] as? [String: Any])
        let selection = try #require(penalty["selection"] as? [String: Any])
        let alpha = try #require(selection["alpha"] as? Double), lambda = try #require(selection["lambda"] as? Double)
        #expect(abs(alpha - 0.8) < 1e-15)   // l1 / (l1 + l2) of the spec's penalty
        #expect(selection["lambda_1se"] as? Double == lambda)
        #expect(abs((penalty["l1"] as? Double ?? 0) - alpha * lambda) < 1e-9 * lambda)
        #expect((selection["lambdas"] as? [Double])?.count == 50)
        let dropped = try #require(selection["dropped"] as? [String])
        #expect(!dropped.isEmpty)
        // A dropped column's weight is exactly 0 in the model every scorer reads.
        let model = try #require(file["model"] as? [String: Any])
        let columns = try #require(model["columns"] as? [String]), weights = try #require(model["weights"] as? [Double])
        for name in dropped { #expect(columns.firstIndex(of: name).map { weights[$0] } == 0, "\(name)") }
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("Which metrics matter") && html.contains("λ_1se (chosen)") && html.contains("0 (dropped)"))
        let md = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(md.contains("Selection by the λ path on 4 walk-forward folds"))
        let sql = try String(contentsOf: out.appendingPathComponent("exports/score.sql"), encoding: .utf8)
        #expect(!sql.isEmpty)
    }

    /// `fit` (one pooled fit, which otherwise frees the raw columns as it encodes) keeps them for
    /// the selection's folds, prints the not-valid-after-selection caveat and writes the record.
    @Test func fitWithSelectPathWritesTheSelection() throws {
        let s = try Self.sample(model: "  select: path")
        let weights = s.dir.appendingPathComponent("w.json").path
        let r = try CLI.run(["fit", "--spec", s.spec, "--data", s.data, "--weights-out", weights])
        #expect(r.status == 0, "\(r.stderr)")
        #expect((r.stdout + r.stderr).contains("not valid after selection"))
        let file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: weights))) as? [String: Any])
        let penalty = try #require((file["metadata"] as? [String: Any])?["penalty"] as? [String: Any])
        let selection = try #require(penalty["selection"] as? [String: Any])
        #expect(selection["alpha"] as? Double == 1 && penalty["l2"] as? Double == 0)
        #expect((selection["folds"] as? [String]) == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"])
    }

    @Test func badPenaltiesExitTwoNamingTheKey() throws {
        let negative = try Self.sample(model: "  penalty: {l1: -0.5}")
        let r = try CLI.run(["fit", "--spec", negative.spec, "--data", negative.data])
        #expect(r.status == 2)
        #expect(r.stderr.contains("model.penalty.l1") && r.stderr.contains("-0.5"))
        let both = try Self.sample(model: "  ridge: 1\n  penalty: {l1: 1}")
        let b = try CLI.run(["fit", "--spec", both.spec, "--data", both.data])
        #expect(b.status == 2 && b.stderr.contains("cannot both be given"))
        let firth = try Self.sample(model: "  firth: true\n  penalty: {l1: 1}")
        let f = try CLI.run(["fit", "--spec", firth.spec, "--data", firth.data])
        #expect(f.status == 2 && f.stderr.contains("model.firth cannot be combined"))
    }

    @Test func selectPathWithTooFewPeriodsExitsTwo() throws {
        // 8 quarters, min_train_periods 7: one test quarter, no standard error for λ_1se.
        let s = try Self.sample(model: "  select: path", minTrain: 7)
        let r = try CLI.run(["fit", "--spec", s.spec, "--data", s.data])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("model.select: path") && r.stderr.contains("8 period") && r.stderr.contains("at least 9"))
        #expect(r.stdout.isEmpty)
    }
}
