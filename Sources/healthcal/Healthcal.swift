import ArgumentParser
import HealthCal

@main
struct Healthcal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcal",
        abstract: "Recalibrate a customer-health / churn score: fit, backtest, calibrate, flag, export, report.",
        discussion: """
        Start with the sample data:
          healthcal sample-data --out /tmp/demo
          healthcal recalibrate --spec /tmp/demo/spec.yaml \\
              --data /tmp/demo/panel.csv --out reports/demo

        Exit codes: 0 success; 2 invalid input (data or spec);
        3 the model cannot be fit; 4 an output could not be written
        (or exists: use --force); 5 the database could not be reached or
        refused (connection, permission, server gone); 64 usage error.
        """,
        version: HealthCalVersion.current,
        subcommands: [
            SampleDataCommand.self, InitCommand.self, FitCommand.self, BacktestCommand.self, EvaluateCommand.self,
            FlagsCommand.self, ScoreCommand.self, ExportCommand.self, DiffCommand.self, RecalibrateCommand.self,
            LoadCommand.self,
            DriftCommand.self,
        ]
    )

    /// Ctrl-C, a scheduler's SIGTERM or a closed terminal remove the run's unfinished outputs and
    /// exit with 130, 143 or 129 (see `TemporaryFiles`).
    static func main() {
        TemporaryFiles.shared.removeOnSignals()
        main(nil)
    }
}
