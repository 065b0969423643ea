import ArgumentParser
import Foundation
import HealthCal

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score customers with a weight file: churn probability, health score, band and why.",
        discussion: """
        The reference production scorer. The data CSV needs the id column, the feature
        columns and (when the weight file uses them) the period, segment and band-gate
        columns, named as in the spec embedded in the weight file; no outcome column
        is needed.
          healthcal score --weights weights.json --data this-quarter.csv
          healthcal score --weights weights.json --data this-quarter.csv \\
              --out scores.csv --top 5
          healthcal score --weights weights.json --data this-quarter.csv \\
              --format json --out scores.json

        For each row: id, period, churn_probability, health_score (= 100 x (1 - p)),
        band, and the --top features that pushed the score most, each with its raw
        value and its contribution in log-odds (weight x (encoded value - training
        mean); positive means more churn risk). CSV cells that a spreadsheet would run
        as a formula are prefixed with a single quote.
        """
    )

    @Option(help: "The weight file (healthcal-weights JSON).")
    var weights: String

    @OptionGroup var input: PanelSourceOptions

    @Option(help: "Write the scores here (atomically) instead of standard output.")
    var out: String?

    @Option(help: "Output format: csv or json.")
    var format: ScoreFormat = .csv

    // Unconditional: "--top -1" takes -1 as the value (and is refused as negative) instead of
    // reading it as a missing value followed by an unknown option.
    @Option(parsing: .unconditional,
            help: "How many top contributions to list per row (0 or more; at most the number of features, larger values are capped).")
    var top: Int = 3

    @Flag(help: "Replace --out if it exists.")
    var force = false

    enum ScoreFormat: String, ExpressibleByArgument, CaseIterable { case csv, json }

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top must be 0 or more, not \(top)") }
    }

    func run() throws {
        try reportingErrors {
            let file = try WeightFile.load(path: weights)
            // Work and output grow with the columns listed, so list no more than there are features.
            let top = min(self.top, file.featureCount)
            if top < self.top {
                note("note: --top \(self.top) is more than the \(top) features of the weight file; listing \(top)")
            }
            let scorer = Scorer(file)
            let read = try PanelLoading.table(try input.source(), spec: file.metadata.spec, outcome: false)
            let rows = try read.locating { try scorer.score(table: $0) }
            let text = switch format {
            case .csv: ScoreOutput.csv(rows, top: top)
            case .json: try ScoreOutput.json(rows, top: top)
            }
            if let out { try OutputFile.write(text, to: out, overwrite: force) } else { emit(text) }
        }
    }
}
