import ArgumentParser
import Foundation
import HealthCal

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed between two weight files.",
        discussion: """
        Compare last quarter's weights with the new ones before shipping them:
          healthcal diff weights-2025Q2.json weights-2025Q3.json
          healthcal diff old.json new.json --format json

        Lists the intercept and every encoded column's final weight (old, new, change;
        largest change first; added and removed columns), added and removed features,
        band thresholds that moved, the calibration, and the headline metrics stored
        in each file.
        """
    )

    @Argument(help: "The old weight file.")
    var old: String

    @Argument(help: "The new weight file.")
    var new: String

    @OptionGroup var output: FormatOption

    func run() throws {
        try reportingErrors {
            let diff = WeightFileDiff(old: try WeightFile.load(path: old), new: try WeightFile.load(path: new))
            switch output.format {
            case .table: emit(diff.table())
            case .json: emit(try JSONOutput.string(diff))
            }
        }
    }
}
