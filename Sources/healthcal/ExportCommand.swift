import ArgumentParser
import Foundation
import HealthCal

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a weight file as PMML, SQL, a weights CSV or a points scorecard.",
        discussion: """
        All exports give the same scores as `healthcal score` (docs/weight-file.md):
          healthcal export --weights weights.json --to sql --out score.sql \\
              --table customer_quarters
          healthcal export --weights weights.json --to pmml --out churn.pmml
          healthcal export --weights weights.json --to csv --out weights.csv
          healthcal export --weights weights.json --to scorecard \\
              --out scorecard.csv --pdo 20 --base-points 600 --base-odds 50

        sql: one SELECT over --table (default "panel") with the training CSV's
             columns, returning id, period, churn_probability and band (NULL means
             missing; categorical columns as text).
        pmml: PMML 4.4 RegressionModel (logit) with the encoding as
             LocalTransformations (per-segment models: a MiningModel that selects by
             segment); an isotonic table is applied to the model's probability in the
             Output, as a piecewise-linear NormContinuous.
        csv: one row per encoded column: weight, odds ratio, training mean, center,
             scale, group.
        scorecard: credit-style points: --pdo points double the odds of staying,
             --base-points at odds --base-odds:1; points per unit of each metric, per
             level, when missing, and each metric's share of the sum of contribution
             variances on the training rows. A weight file with binned metrics
             (transform: bins) gets a threshold scorecard instead: one row per metric
             and range (lower <= value < upper), level or value, with its points
             (rounded to 0.01; the bound on the total is in the first row); a linear
             metric is then refused (docs/monotone-bins.md).
        """
    )

    enum Target: String, ExpressibleByArgument, CaseIterable { case pmml, sql, csv, scorecard }

    @Option(help: "The weight file.")
    var weights: String

    @Option(help: "What to export: pmml, sql, csv or scorecard.")
    var to: Target

    @Option(help: "The output file (written atomically).")
    var out: String

    @Option(help: "SQL: the table or view to score.")
    var table: String = "panel"

    @Flag(inversion: .prefixedNo, help: "SQL: add the band column (when the weight file has bands).")
    var bands = true

    // Unconditional: "--base-points -100" is a value, not a missing one followed by an option.
    @Option(parsing: .unconditional, help: "Scorecard: points to double the odds.")
    var pdo: Double = 20

    @Option(parsing: .unconditional, help: "Scorecard: points at the base odds.")
    var basePoints: Double = 600

    @Option(parsing: .unconditional, help: "Scorecard: the base odds of staying (x:1).")
    var baseOdds: Double = 50

    @Flag(help: "Replace --out if it exists.")
    var force = false

    func run() throws {
        try reportingErrors {
            let file = try WeightFile.load(path: weights)
            let text: String = switch to {
            case .sql: try SQLExport.query(file, table: table, bands: bands)
            case .pmml: try PMMLExport.document(file)
            case .csv: WeightsCSVExport.csv(file)
            case .scorecard: try ScorecardExport.csv(file, scale: .init(pdo: pdo, basePoints: basePoints, baseOdds: baseOdds))
            }
            try OutputFile.write(text, to: out, overwrite: force)
        }
    }
}
