import Foundation
import Testing

/// `--in-database` at the command line: every command that pushes down refuses a CSV file
/// (there is no database to run in) instead of silently reading it, and writes nothing.
/// (The pushed-down fit, backtest and flags are tested against real servers in
/// InDatabaseFitTests, InDatabaseBacktestTests and InDatabaseCommandTests.)
@Suite struct InDatabaseCLITests {
    let spec = "notebooks-data/spec.yaml", panel = "notebooks-data/panel.csv"

    @Test(arguments: ["backtest", "flags", "recalibrate"])
    func pushedDownCommandsNeedADatabase(_ command: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        let extra = command == "backtest" ? [] : ["--out", out]
        let r = try CLI.run([command, "--spec", spec, "--data", panel, "--in-database"] + extra)
        #expect(r.status == 64)
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(r.stderr.contains("--in-database needs a database --data"))
        #expect(r.stdout.isEmpty)
    }

    @Test func commandsNotPushedDownRefuseTheFlag() throws {
        let r = try CLI.run(["init", "--data", panel, "--in-database"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--in-database is implemented for fit, backtest, flags and recalibrate"))
        #expect(r.stdout.isEmpty)
    }

    @Test func fitInDatabaseNeedsADatabase() throws {
        let r = try CLI.run(["fit", "--spec", spec, "--data", panel, "--in-database"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--in-database needs a database --data"))
        #expect(r.stdout.isEmpty)
    }
}
