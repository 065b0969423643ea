import Foundation
import Testing

@Suite struct WorkflowCommandTests {
    @Test func sampleDataThenInitThenBacktest() throws {
        let dir = try CLI.temporaryDirectory()
        let gen = try CLI.run(["sample-data", "--seed", "7", "--customers", "300", "--periods", "8", "--out", dir.path])
        #expect(gen.status == 0, "\(gen.stderr)")
        #expect(gen.stdout.contains("panel.csv"))
        // A second run refuses to replace the files without --force.
        let again = try CLI.run(["sample-data", "--seed", "7", "--customers", "300", "--periods", "8", "--out", dir.path])
        #expect(again.status == 4)

        let initRun = try CLI.run(["init", "--data", dir.appendingPathComponent("panel.csv").path])
        #expect(initRun.status == 0)
        #expect(initRun.stdout.contains("id: customer_id"))
        #expect(initRun.stdout.contains("outcome: churned"))

        let bt = try CLI.run(["backtest", "--spec", dir.appendingPathComponent("spec.yaml").path,
                              "--data", dir.appendingPathComponent("panel.csv").path, "--format", "json"])
        #expect(bt.status == 0, "\(bt.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bt.stdout.utf8)) as? [String: Any])
        let folds = try #require(json["folds"] as? [[String: Any]])
        // 8 quarters, min_train_periods 4, horizon 1: quarters 5..8 are scored.
        #expect(folds.count == 4)
        #expect(json["pooled_calibrated"] != nil && json["calibration"] != nil)
    }

    @Test func evaluateAnExistingHealthScore() throws {
        let dir = try CLI.temporaryDirectory()
        let csv = dir.appendingPathComponent("scores.csv")
        // Health scores 0-100: churners mostly low. Hand count: of 6 churner/stayer pairs...
        try """
        id,quarter,health,churned
        a,2025Q1,90,0
        b,2025Q1,20,1
        c,2025Q1,70,0
        d,2025Q1,40,1
        e,2025Q2,80,0
        f,2025Q2,30,0
        g,2025Q2,10,1
        h,2025Q2,60,yes

        """.write(to: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["evaluate", "--data", csv.path, "--score", "health", "--outcome", "churned",
                             "--period", "quarter", "--higher-is-healthier", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["scale"] as? String == "health-100")
        // Churners' scores {20, 40, 10, 60} vs stayers' {90, 70, 80, 30}: of 16 pairs the churner
        // is lower in 14 (60 > 30 loses one; 40 > 30 loses one): AUC = 14/16 (sklearn roc_auc_score).
        let auc = try #require(json["auc"] as? Double)
        #expect(abs(auc - 14.0 / 16.0) < 1e-12)
        #expect((json["per_period"] as? [[String: Any]])?.count == 2)
    }

    @Test func evaluateRejectsABadOutcomeWithItsLine() throws {
        let dir = try CLI.temporaryDirectory()
        let csv = dir.appendingPathComponent("scores.csv")
        try "id,p,churned\na,0.1,0\nb,0.9,maybe\nc,0.5,1\n".write(to: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["evaluate", "--data", csv.path, "--score", "p", "--outcome", "churned"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("scores.csv:3:3 (column \"churned\"): \"maybe\" — expected an outcome"))
    }
}

/// The top-level help is pinned: a change to it is a change users see, so it shows in review.
/// Regenerate with: .build/debug/healthcal --help > Tests/healthcalTests/Snapshots/help.txt
@Suite struct HelpSnapshotTests {
    @Test func rootHelpMatchesTheSnapshot() throws {
        let r = try CLI.run(["--help"])
        #expect(r.status == 0)
        let snapshot = try String(contentsOf: CLI.root.appendingPathComponent("Tests/healthcalTests/Snapshots/help.txt"), encoding: .utf8)
        #expect(r.stdout == snapshot)
    }

    @Test(arguments: ["sample-data", "init", "fit", "backtest", "evaluate", "flags", "score", "export", "diff", "recalibrate", "drift"])
    func everySubcommandTeachesWithAnExample(_ name: String) throws {
        let r = try CLI.run([name, "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("  healthcal \(name) "), "no example in \(name) --help")
    }
}
