import Foundation
import Testing

/// `--in-database` at the command line: the commands that cannot push down yet refuse the flag
/// instead of silently pulling the rows, and a CSV file cannot be fitted "in the database".
/// (The pushed-down fit itself is tested against real servers in InDatabaseFitTests.)
@Suite struct InDatabaseCLITests {
    let spec = "notebooks-data/spec.yaml", panel = "notebooks-data/panel.csv"

    @Test(arguments: ["backtest", "flags", "recalibrate"])
    func commandsNotPushedDownRefuseTheFlag(_ command: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        let extra = command == "flags" ? ["--out", out] : []
        let r = try CLI.run([command, "--spec", spec, "--data", panel, "--in-database"] + extra)
        #expect(r.status == 64)
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(r.stderr.contains("--in-database is only implemented for `healthcal fit`"))
        #expect(r.stdout.isEmpty)
    }

    @Test func fitInDatabaseNeedsADatabase() throws {
        let r = try CLI.run(["fit", "--spec", spec, "--data", panel, "--in-database"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--in-database needs a database --data"))
        #expect(r.stdout.isEmpty)
    }
}
