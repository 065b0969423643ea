import ArgumentParser
import Foundation
import HealthCal

struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Has the customer base shifted? PSI of the score and every metric against a weight file's training window.",
        discussion: """
        Compares a new quarter's panel with the training window stored in the weight
        file (written by `healthcal recalibrate`), without refitting:
          healthcal drift --weights weights.json --data 2025Q3.csv
          healthcal drift --weights weights.json --data 2025Q3.csv --format json

        For the score (the file's calibrated churn probability) and every metric: the
        population stability index per period of the new panel (all rows when it has
        no period column), over decile bins of the training window (categorical
        metrics: its levels plus 'other'; missing values in their own bin; an empty
        bin counts as 0.0001). The JSON holds each bin's shares. Reading, by convention
        and not a test: below 0.1 stable, 0.1-0.25 some shift, above 0.25 major shift.
        No outcome column is needed; a metric column missing from the panel is an
        error (exit 2), and so is a weight file written before drift references were
        stored (re-run recalibrate).
        """
    )

    @Option(help: "The weight file (healthcal-weights JSON, from recalibrate).")
    var weights: String

    @Option(help: "The new panel CSV.")
    var data: String

    @OptionGroup var output: FormatOption

    func run() throws {
        try reportingErrors {
            let file = try WeightFile.load(path: weights)
            guard file.drift != nil else { throw WeightFileError.noDriftReference(path: weights) }
            let table = try Scorer(file).readTable(path: data)
            let report = try DriftComputation.report(file: file, table: table, path: weights)
            switch output.format {
            case .table: emit(DriftComputation.table(report))
            case .json: emit(try JSONOutput.string(report))
            }
        }
    }
}
