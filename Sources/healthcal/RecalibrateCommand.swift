import ArgumentParser
import Foundation
import HealthCal

struct RecalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recalibrate",
        abstract: "The quarterly job: fit, backtest, calibrate, band, flag, export and report in one go.",
        discussion: """
          healthcal recalibrate --spec notebooks-data/spec.yaml \\
              --data notebooks-data/panel.csv --out reports/2025Q2
          healthcal recalibrate --spec spec.yaml --data panel.csv \\
              --champion reports/2025Q1/weights.json --out reports/2025Q2
          healthcal recalibrate --spec spec.yaml --data panel.csv \\
              --out reports/q3 --format json

        Writes into --out: report.html (self-contained, print-friendly),
        summary.md (for email or chat), weights.json (the weight file for
        production, calibration folded in, bands frozen), exports/ (score.sql,
        model.pmml, weights.csv, scorecard.csv), metrics.json (every figure),
        flags/flags.csv (every flag), flags/bands.csv, flags/summary.json. For
        each flag's trajectory and contributions in JSON, run healthcal flags.
        An existing weight file in the folder is never replaced without
        --force. The files appear together once all are written (the weight
        file last): a run that fails part-way leaves the folder as it was.

        Every figure in the report is out-of-sample: each period was scored by
        a model trained only on periods whose outcomes were already known (see
        healthcal backtest --help).
        """
    )

    @Option(help: "The spec YAML (see docs/spec.md).") var spec: String
    @Option(help: "The panel CSV.") var data: String
    @Option(help: "Output folder (default: reports/<latest period>).") var out: String?
    @Option(help: "Last quarter's weight file to compare the new weights with (the champion).") var champion: String?
    @Option(help: "A hand-made scorecard YAML to compare the new weights with (the champion).") var scorecard: String?
    @Option(help: "A label for the run (default: the latest period, e.g. 2025Q2).") var label: String?
    @Option(help: "A date line for the report, e.g. 2025-10-02 (default: none, so reruns give identical files).") var date: String?
    @Option(parsing: .unconditional, help: "L2 penalty λ; overrides the spec's model.ridge.") var ridge: Double?
    @Flag(help: "Replace an existing weight file in the output folder.") var force = false
    @OptionGroup var output: FormatOption

    /// A label or date is a line of the report and, without --out, a folder name: short text.
    func validate() throws {
        for (name, value) in [("--label", label), ("--date", date)] {
            if let value, value.count > 200 || value.contains(where: \.isNewline) {
                throw ValidationError("\(name) must be one line of at most 200 characters, not \"\(value.shownInMessage)\"")
            }
        }
    }

    func run() throws {
        try reportingErrors {
            let champion = try championModel(weights: champion, scorecard: scorecard, data: data)
            let folder = out ?? "reports/\(label ?? "latest")"
            let options = Recalibration.Options(specPath: spec, dataPath: data, outDirectory: folder, label: label,
                                                date: date, champion: champion, ridge: ridge, force: force)
            let result = try Recalibration.run(options, progress: Progress.reporter())
            switch output.format {
            case .json: emit(try JSONOutput.string(result))
            case .table: emit(RecalibrationText.render(result))
            }
        }
    }
}
