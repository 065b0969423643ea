import ArgumentParser
import Foundation
import HealthCal

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Walk-forward backtest: how the score would have done on past periods it had not seen.",
        discussion: """
        For each test period T, the encodings and weights are fitted only on rows
        whose outcome was known at T (period <= T - horizon), then T is scored.
        Window, horizon and the number of test periods come from the spec's backtest:
        section; calibration from calibration:. A panel without periods is backtested
        with stratified k-fold.

          healthcal backtest --spec notebooks-data/spec.yaml \\
              --data notebooks-data/panel.csv
          healthcal backtest --spec spec.yaml --data panel.csv \\
              --scorecard cs-team.yaml --format json

        --scorecard compares a hand-made scorecard (weights on raw metrics, see
        docs/backtest.md) with the new fit on exactly the same out-of-sample rows
        (DeLong test of the AUCs). With --in-database the champion (--champion or
        --scorecard) is scored in the database too: only each row's score comes
        back, and its columns must be in the table (docs/scale.md).
        """
    )

    @Option(help: "The spec YAML.") var spec: String
    @OptionGroup var input: PanelSourceOptions
    @Option(help: "Last quarter's weight file to compare the new weights with (the champion).") var champion: String?
    @Option(help: "A hand-made scorecard YAML to compare with (the champion).") var scorecard: String?
    @Option(parsing: .unconditional, help: "L2 penalty λ; overrides the spec's model.ridge.") var ridge: Double?
    @OptionGroup var resampling: BootstrapOption
    @OptionGroup var output: FormatOption

    func run() throws {
        try reportingErrors {
            let spec = try Spec.load(path: spec)
            let source = try input.source(pushedDown: true)
            let champion = try championModel(weights: champion, scorecard: scorecard, source: source)
            let bootstrap = resampling.options(default: 0)
            let panel: Panel, run: BacktestRun
            let championScores: ModelScores?
            if input.inDatabase {
                if let champion { try championCheckInDatabase(champion, source: source, spec: spec) }
                let pushed = try backtestInDatabase(source, spec: spec, ridge: ridge)
                (panel, run) = (pushed.keys.panel, pushed.run)
                try BacktestBootstrap.check(bootstrap, panel: panel, allowZero: true)
                championScores = try champion.map { try championInDatabase($0, source: source, spec: spec, run: run, keys: panel) }
            } else {
                panel = try PanelLoading.load(source, spec: spec).panel
                try BacktestBootstrap.check(bootstrap, panel: panel, allowZero: true)
                run = try Backtest.run(panel: panel, ridge: ridge, progress: Progress.reporter())
                championScores = try champion?.scores(panel: panel, rows: run.rows)
            }
            let comparison = try championScores.flatMap { try champion?.compare(with: run, panel: panel, scores: $0) }
            // Without bands here, the false-healthy share is left out (recalibrate has it).
            let intervals = try BacktestBootstrap.run(panel: panel, run: run, champion: championScores, healthiest: nil, options: bootstrap)
            let report = BacktestReport(run: run, champion: comparison, bootstrap: intervals)
            switch output.format {
            case .table: emit(BacktestText.render(report))
            case .json: emit(try JSONOutput.string(report))
            }
        }
    }
}

/// `--in-database`: the backtest pushed down into PostgreSQL (`InDatabaseBacktest`), with its
/// passes on stderr.
func backtestInDatabase(_ source: PanelSource, spec: Spec, ridge: Double?) throws -> InDatabaseBacktest.Outcome {
    guard case .postgres(let url, let relation) = source else {
        throw CLIError(description: "--in-database needs a database --data (postgresql://...) with --table or --query", code: Exit.usage)
    }
    let pushed = try InDatabaseBacktest.run(url: url, relation: relation, spec: spec, ridge: ridge, progress: Progress.reporter())
    let place = pushed.shards > 0 ? " (passes on \(pushed.shards) shards)" : ""
    note("backtest in database\(place): " + String(format: "%d folds; passes: %d with Hessian, %d gradient-only, %d value-only; %.2f s in passes, %.2f s for statistics, %.2f s scoring",
                pushed.run.folds.count, pushed.hessianPasses, pushed.gradientPasses, pushed.valuePasses,
                pushed.passSeconds, pushed.statisticsSeconds, pushed.scoringSeconds))
    return pushed
}

/// `--in-database` with a champion: its columns checked before the backtest runs.
func championCheckInDatabase(_ champion: ChampionModel, source: PanelSource, spec: Spec) throws {
    guard case .postgres(let url, let relation) = source else { return }
    try InDatabaseChampion.check(champion, url: url, relation: relation, spec: spec)
}

/// `--in-database` with a champion: its scores of the out-of-sample rows, computed in the
/// database (`InDatabaseChampion`).
func championInDatabase(_ champion: ChampionModel, source: PanelSource, spec: Spec, run: BacktestRun, keys: Panel) throws -> ModelScores {
    guard case .postgres(let url, let relation) = source else {
        throw CLIError(description: "--in-database needs a database --data (postgresql://...) with --table or --query", code: Exit.usage)
    }
    return try InDatabaseChampion.scores(champion, url: url, relation: relation, spec: spec, run: run, keys: keys)
}

/// The champion from --champion (a weight file) or --scorecard (a hand-made scorecard), not both.
func championModel(weights: String?, scorecard: String?, source: PanelSource) throws -> ChampionModel? {
    switch (weights, scorecard) {
    case (nil, nil): return nil
    case (let w?, nil): return .weights(try WeightFile.load(path: w), source: source)
    case (nil, let s?): return .scorecard(try loadScorecard(s))
    default: throw CLIError(description: "give --champion or --scorecard, not both")
    }
}

func loadScorecard(_ path: String) throws -> Scorecard {
    let text: String
    do { text = try InputFile.text(path) } catch {
        throw CLIError(description: "cannot read the scorecard: \(error)")
    }
    do { return try Scorecard.parse(yaml: text) } catch {
        throw CLIError(description: "\(path): \(error)")
    }
}

/// Progress lines on standard error, with the seconds elapsed: when it is a terminal, or when
/// HEALTHCAL_PROGRESS=1 asks for them anyway (logs, benchmarks).
enum Progress {
    static func reporter() -> (@Sendable (String) -> Void)? {
        guard isatty(STDERR_FILENO) == 1 || ProcessInfo.processInfo.environment["HEALTHCAL_PROGRESS"] == "1" else { return nil }
        let start = Date()
        return { @Sendable line in
            let t = String(format: "%7.2fs", Date().timeIntervalSince(start))
            FileHandle.standardError.write(Data(("\(t)  " + line + "\n").utf8))
        }
    }
}
