import Foundation
import Testing

/// `--covariance` and `model.covariance` end to end: the built binary, exit codes, messages.
@Suite struct FitCovarianceCLITests {
    let spector = "Tests/HealthCalTests/Fixtures/spector.csv"

    /// The sample spec without its ridge (as Fixtures/make_cluster_fixtures.py fits it), plus `extra` model keys.
    func sampleSpec(_ extra: String = "") throws -> String {
        let yaml = try String(contentsOf: CLI.root.appendingPathComponent("notebooks-data/spec.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "  ridge: 0.5", with: "  ridge: 0" + extra)
        let url = try CLI.temporaryDirectory().appendingPathComponent("spec.yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func clusterWithoutAnIdIsAUsageError() throws {
        let r = try CLI.run(["fit", "--data", spector, "--outcome", "GRADE", "--covariance", "cluster"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--covariance cluster needs --id"))
        #expect(r.stdout.isEmpty)
    }

    @Test func quickPathClustersOnTheIdColumn() throws {
        // Every Spector row its own cluster: the robust SE differs from the model-based 1.2629.
        let dir = try CLI.temporaryDirectory()
        let csv = dir.appendingPathComponent("spector-id.csv")
        let lines = try String(contentsOfFile: CLI.root.appendingPathComponent(spector).path, encoding: .utf8)
            .split(separator: "\n").enumerated().map { $0.offset == 0 ? "id," + $0.element : "s\($0.offset)," + $0.element }
        try (lines.joined(separator: "\n") + "\n").write(to: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["fit", "--data", csv.path, "--outcome", "GRADE", "--id", "id", "--covariance", "cluster", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let fit = try #require(json["fit"] as? [String: Any])
        #expect(fit["covariance_type"] as? String == "cluster")
        #expect(fit["clusters"] as? Int == 32)
    }

    @Test func specPanelDefaultsToClusterAndSaysSo() throws {
        let r = try CLI.run(["fit", "--spec", try sampleSpec(), "--data", "notebooks-data/panel.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Covariance:               cluster-robust on the customer id, 2000 customers"))
        // statsmodels cov_type="cluster": SE of nps 0.001687591498 (Fixtures/cluster_reference.json).
        #expect(r.stdout.contains("nps                               -0.0122     0.0017"))
        let model = try CLI.run(["fit", "--spec", try sampleSpec(), "--data", "notebooks-data/panel.csv", "--covariance", "model", "--format", "json"])
        #expect(model.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(model.stdout.utf8)) as? [String: Any])
        #expect((json["fit"] as? [String: Any])?["covariance_type"] as? String == "model")
    }

    @Test func unknownCovarianceInTheSpecExitsTwo() throws {
        let r = try CLI.run(["fit", "--spec", try sampleSpec("\n  covariance: robust"), "--data", "notebooks-data/panel.csv"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("covariance"))
        #expect(r.stderr.contains("robust"))
        #expect(r.stdout.isEmpty)
    }
}
