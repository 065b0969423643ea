import Foundation
import Testing

/// End-to-end: the built binary on committed fixtures; exit codes, messages, output shape.
@Suite struct FitCommandTests {
    let spector = "Tests/HealthCalTests/Fixtures/spector.csv"

    @Test func quickPathPrintsTheCoefficientTable() throws {
        let r = try CLI.run(["fit", "--data", spector, "--outcome", "GRADE"])
        #expect(r.status == 0)
        // Stata / statsmodels: GPA 2.8261 (SE 1.2629), const -13.0213; LL -12.8896.
        #expect(r.stdout.contains("GPA              2.8261     1.2629"))
        #expect(r.stdout.contains("const          -13.0213"))
        #expect(r.stdout.contains("Log-likelihood:           -12.8896"))
    }

    @Test func jsonCarriesEveryFigure() throws {
        let r = try CLI.run(["fit", "--data", spector, "--outcome", "GRADE", "--format", "json"])
        #expect(r.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let fit = try #require(json["fit"] as? [String: Any])
        for key in ["names", "coefficients", "standard_errors", "z_values", "p_values", "lower_95", "upper_95",
                    "odds_ratios", "log_likelihood", "null_log_likelihood", "deviance", "aic", "bic", "mcfadden_r2",
                    "likelihood_ratio", "likelihood_ratio_p_value", "iterations", "converged"] {
            #expect(fit[key] != nil, "missing \(key)")
        }
        let ll = try #require(fit["log_likelihood"] as? Double)
        #expect(abs(ll - -12.889634222131415) < 1e-8)
    }

    @Test func unknownOutcomeColumnExitsTwoAndSuggests() throws {
        let r = try CLI.run(["fit", "--data", spector, "--outcome", "GRAD"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("did you mean \"GRADE\"?"))
        #expect(r.stdout.isEmpty)
    }

    @Test func separationExitsThreeAndNamesTheColumn() throws {
        let dir = try CLI.temporaryDirectory()
        let csv = dir.appendingPathComponent("sep.csv")
        try "x,z,y\n1,0.3,0\n2,0.1,0\n3,0.7,0\n4,0.2,1\n5,0.9,1\n6,0.4,1\n".write(to: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["fit", "--data", csv.path, "--outcome", "y"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("separation: 'x' predicts the outcome exactly"))
        let ridge = try CLI.run(["fit", "--data", csv.path, "--outcome", "y", "--ridge", "1"])
        #expect(ridge.status == 0)
    }

    /// `model.per_segment: true`: each big segment's own coefficient table and weight-file model;
    /// the small segment falls back to the pooled model with a note on stderr.
    @Test func perSegmentModelsArePrintedAndWritten() throws {
        let dir = try CLI.temporaryDirectory()
        let csv = dir.appendingPathComponent("seg.csv"), spec = dir.appendingPathComponent("seg.yaml")
        var state: UInt64 = 42
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var text = "customer_id,segment,x,churned\n"
        for (segment, rows, slope) in [("ent", 400, 1.5), ("smb", 400, -1.0), ("tiny", 30, 0.0)] {
            for i in 0..<rows {
                let x = uniform() * 4 - 2
                text += "\(segment)\(i),\(segment),\(x),\(uniform() < 1 / (1 + exp(-(-0.5 + slope * x))) ? 1 : 0)\n"
            }
        }
        try text.write(to: csv, atomically: true, encoding: .utf8)
        try """
        version: 1
        data: {id: customer_id, outcome: churned, segment: segment}
        features:
          - {name: x, type: numeric}
        model: {per_segment: true, min_segment_rows: 100}

        """.write(to: spec, atomically: true, encoding: .utf8)
        let weights = dir.appendingPathComponent("w.json").path
        let r = try CLI.run(["fit", "--spec", spec.path, "--data", csv.path, "--weights-out", weights])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("segment \"ent\" (its own model):") && r.stdout.contains("segment \"smb\" (its own model):"))
        #expect(r.stderr.contains("segment \"tiny\" uses the pooled model: 30 training rows, fewer than min_segment_rows 100"))
        let file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: weights))) as? [String: Any])
        let segments = try #require(file["segments"] as? [String: Any])
        #expect(segments.keys.sorted() == ["ent", "smb"])
        // The file's digest is computed in chunks; it must equal coreutils' of the whole file.
        let sha = Process()
        sha.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        sha.arguments = [csv.path]
        let pipe = Pipe()
        sha.standardOutput = pipe
        try sha.run()
        sha.waitUntilExit()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
        let metadata = try #require(file["metadata"] as? [String: Any])
        #expect(metadata["input_sha256"] as? String == String(expected))
        let json = try CLI.run(["fit", "--spec", spec.path, "--data", csv.path, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((report["segments"] as? [String: Any])?.keys.sorted() == ["ent", "smb"])
    }

    @Test func textInANumericColumnNamesLineColumnAndValue() throws {
        let dir = try CLI.temporaryDirectory()
        let csv = dir.appendingPathComponent("bad.csv")
        var text = "a,b,y\n"
        for i in 0..<1200 { text += "\(i % 7),\(i % 5),\(i % 2)\n" }
        text += "3,oops,1\n"
        try text.write(to: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["fit", "--data", csv.path, "--outcome", "y"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.csv:1202:2"))
        #expect(r.stderr.contains("\"oops\""))
    }

    @Test func helpTeaches() throws {
        let r = try CLI.run(["fit", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("LogisticRegression(C = 1/λ)"))
        // Examples that would pass 80 columns are continued with a backslash, as a shell takes them.
        #expect(r.stdout.contains("healthcal fit --spec notebooks-data/spec.yaml \\\n      --data notebooks-data/panel.csv"))
        let discussion = r.stdout.components(separatedBy: "USAGE:")[0]
        #expect(discussion.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }
}
