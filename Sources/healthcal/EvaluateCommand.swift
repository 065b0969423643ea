import ArgumentParser
import Foundation
import HealthCal

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Judge a score you already have against what actually happened.",
        discussion: """
        Every metric of the backtest for an existing score: the churn probability of
        another model, or the 0-100 health score your customer-success platform
        computes today.

          healthcal evaluate --data scored.csv --score churn_prob --outcome churned
          healthcal evaluate --data export.csv --score health_score \\
              --higher-is-healthier --outcome churned --period quarter

        A score in [0, 1] is read as a churn probability; with --higher-is-healthier a
        score in [0, 100] is read as a health score (p = (100 - score) / 100);
        anything else is ranked only (AUC, average precision, lift), since calibration
        needs probabilities. --scale overrides the guess.
        """
    )

    @OptionGroup var input: PanelSourceOptions
    @Option(help: "The score column.") var score: String
    @Option(help: "The outcome column (0/1, true/false, yes/no).") var outcome: String
    @Option(help: "A period column, for metrics per period.") var period: String?
    @Option(help: "A row-weight column.") var weight: String?
    @Flag(help: "Higher scores mean healthier customers (a health score), not more churn risk.") var higherIsHealthier = false
    @Option(help: "How to read the score: auto, probability, health-100, rank.") var scale: ScoreScale = .auto
    @OptionGroup var output: FormatOption

    func run() throws {
        try reportingErrors {
            var kinds: [String: ColumnKind] = [score: .numeric]
            if let period { kinds[period] = .text }
            let read = try PanelLoading.table(try input.source(), options: CSVOptions(columnKinds: kinds))
            let columns = try read.locating { try EvaluationColumns.extract(table: $0, score: score, outcome: outcome, period: period, weight: weight) }
            let result = try ScoreEvaluation.evaluate(score: columns.score, y: columns.outcome, w: columns.weight,
                                                      periods: columns.period, higherIsHealthier: higherIsHealthier, scale: scale)
            switch output.format {
            case .json: emit(try JSONOutput.string(result))
            case .table: emit(EvaluationText.render(result, score: score))
            }
        }
    }
}

extension ScoreScale: ExpressibleByArgument {}
