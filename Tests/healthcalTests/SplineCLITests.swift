import Foundation
import Testing

/// `transform: spline` end to end through the built binary: fit, the exports, recalibrate's
/// report, and a bad spec's exit code and message.
@Suite struct SplineCLITests {
    /// The sample panel's spec with `feature_adoption` as a 4-knot spline and `active_user_share`
    /// as a 3-knot spline with a standardized linear term (and its missing indicator).
    static func splineSpec(_ dir: URL, knots: Int = 4) throws -> URL {
        var spec = try String(contentsOf: dir.appendingPathComponent("spec.yaml"), encoding: .utf8)
        let adoption = "  - name: feature_adoption\n    type: numeric\n    group: adoption\n    standardize: false\n"
        #expect(spec.contains(adoption))
        spec = spec.replacingOccurrences(of: adoption, with: "  - name: feature_adoption\n    type: numeric\n    group: adoption\n    transform: spline\n    knots: \(knots)\n")
        let share = "    impute_value: 0.6\n    missing_indicator: true\n    standardize: false\n"
        #expect(spec.contains(share))
        spec = spec.replacingOccurrences(of: share, with: "    impute_value: 0.6\n    missing_indicator: true\n    standardize: true\n    transform: spline\n    knots: 3\n")
        let url = dir.appendingPathComponent("spline-\(knots).yaml")
        try spec.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func fitExportAndRecalibrateCarryTheSplines() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gen = try CLI.run(["sample-data", "--seed", "3", "--customers", "400", "--periods", "8", "--out", dir.path])
        #expect(gen.status == 0, "\(gen.stderr)")
        let spec = try Self.splineSpec(dir), data = dir.appendingPathComponent("panel.csv").path
        let weights = dir.appendingPathComponent("w.json").path
        let fit = try CLI.run(["fit", "--spec", spec.path, "--data", data, "--weights-out", weights])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("feature_adoption (spline 2)") && fit.stdout.contains("active_user_share (spline 1)"))
        let file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: weights))) as? [String: Any])
        let features = try #require((file["encoding"] as? [String: Any])?["features"] as? [[String: Any]])
        let adoption = try #require(features.first { $0["name"] as? String == "feature_adoption" })
        #expect((adoption["knots"] as? [Double])?.count == 4 && adoption["transform"] as? String == "spline")
        for (format, marker) in [("sql", "\"feature_adoption\""), ("pmml", "enc(feature_adoption (spline 2))")] {
            let out = dir.appendingPathComponent("m.\(format)").path
            let export = try CLI.run(["export", "--weights", weights, "--to", format, "--out", out])
            #expect(export.status == 0, "\(format): \(export.stderr)")
            #expect(try String(contentsOfFile: out, encoding: .utf8).contains(marker), "\(format)")
        }
        let scorecard = try CLI.run(["export", "--weights", weights, "--to", "scorecard", "--out", dir.appendingPathComponent("s.csv").path])
        #expect(scorecard.status != 0 && scorecard.stderr.contains("\"active_user_share\" is a spline"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("s.csv").path))

        let out = dir.appendingPathComponent("run")
        let run = try CLI.run(["recalibrate", "--spec", spec.path, "--data", data, "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("Partial effect of feature_adoption") && html.contains("Partial effect of active_user_share"))
        #expect(!html.contains("NaN"))
    }

    @Test func badKnotsExitTwoWithTheKey() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gen = try CLI.run(["sample-data", "--seed", "3", "--customers", "100", "--periods", "4", "--out", dir.path])
        #expect(gen.status == 0, "\(gen.stderr)")
        let spec = try Self.splineSpec(dir, knots: 9)
        let fit = try CLI.run(["fit", "--spec", spec.path, "--data", dir.appendingPathComponent("panel.csv").path])
        #expect(fit.status == 2)
        #expect(fit.stderr.contains("knots ('feature_adoption') must be between 3 and 7, not 9"), "\(fit.stderr)")
    }
}
