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
        --force. Everything is written into a sibling folder that replaces the
        old one in one rename once all is written: whatever stops the run
        (an error, Ctrl-C, a kill), the folder holds either the old run's
        outputs or this run's, never a mix. Other files you keep in the folder
        are carried over. A second run into the same folder fails at once
        naming the first one's process id, or with --wait waits for it.
        Ctrl-C or SIGTERM removes the unfinished outputs and exits with 130
        or 143.

        With --in-database (a database --data), the backtest, the final fit and
        the champion's scores (--champion or --scorecard) run in the database;
        only keys, sums and scores reach the client (docs/scale.md).

        Every figure in the report is out-of-sample: each period was scored by
        a model trained only on periods whose outcomes were already known (see
        healthcal backtest --help).
        """
    )

    @Option(help: "The spec YAML (see docs/spec.md).") var spec: String
    @OptionGroup var input: PanelSourceOptions
    @Option(help: "Output folder (default: reports/<latest period>).") var out: String?
    @Option(help: "Last quarter's weight file to compare the new weights with (the champion).") var champion: String?
    @Option(help: "A hand-made scorecard YAML to compare the new weights with (the champion).") var scorecard: String?
    @Option(help: "A label for the run (default: the latest period, e.g. 2025Q2).") var label: String?
    @Option(help: "A date line for the report, e.g. 2025-10-02 (default: none, so reruns give identical files).") var date: String?
    @Option(parsing: .unconditional, help: "L2 penalty λ; overrides the spec's model.ridge.") var ridge: Double?
    @Flag(help: "Replace an existing weight file in the output folder.") var force = false
    @Flag(help: "If another run is writing the same folder, wait for it instead of failing.") var wait = false
    @OptionGroup var resampling: BootstrapOption
    @Option(name: .customLong("validate"), parsing: .unconditional, help: ArgumentHelp("Optimism of the final model (Efron–Gong, as rms's validate): refit the whole model on V bootstrap resamples of customers and report the in-sample AUC, Somers' Dxy, calibration slope and intercept and Brier score corrected for overfitting (metrics.json, the report's \"The model\"). Each refit costs about one final fit. Default \(OptimismValidation.recalibrateDefault) up to \(OptimismValidation.defaultRowLimit) rows, none past that; 0 turns it off; at most \(OptimismValidation.maximumCount). Drawn from --seed.", valueName: "V"))
    var refits: Int?
    @OptionGroup var output: FormatOption

    /// A label or date is a line of the report and, without --out, a folder name: short text.
    func validate() throws {
        if let refits, refits < 0 {
            throw ValidationError("--validate \(refits): the number of refits must be at least 1 (or 0 for none)")
        }
        if let refits {
            do { try OptimismValidation.check(count: refits) } catch { throw ValidationError(error.description) }
        }
        for (name, value) in [("--label", label), ("--date", date)] {
            if let value, value.count > 200 || value.contains(where: \.isNewline) {
                throw ValidationError("\(name) must be one line of at most 200 characters, not \"\(value.shownInMessage)\"")
            }
        }
    }

    func run() throws {
        try reportingErrors {
            let source = try input.source(pushedDown: true)
            let champion = try championModel(weights: champion, scorecard: scorecard, source: source)
            let folder = out ?? "reports/\(label ?? "latest")"
            var options = Recalibration.Options(specPath: spec, source: source, outDirectory: folder, label: label,
                                                date: date, champion: champion, ridge: ridge, force: force, wait: wait,
                                                bootstrap: resampling.options(default: BootstrapOptions.recalibrateDefault))
            // Test hook: HEALTHCAL_TEST_VALIDATION_IDS names a file of resampled customer ids (one
            // resample per line) used instead of drawing.
            let file = ProcessInfo.processInfo.environment["HEALTHCAL_TEST_VALIDATION_IDS"].flatMap { $0.isEmpty ? nil : $0 }
            if refits != nil || file != nil {
                options.validation = BootstrapOptions(count: refits ?? OptimismValidation.recalibrateDefault,
                                                      seed: resampling.seed, resampleFile: file)
            }
            options.inDatabase = input.inDatabase
            let result = try Recalibration.run(options, progress: Progress.reporter())
            switch output.format {
            case .json: emit(try JSONOutput.string(result))
            case .table: emit(RecalibrationText.render(result))
            }
        }
    }
}
