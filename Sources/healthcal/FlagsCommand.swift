import ArgumentParser
import Foundation
import HealthCal

struct FlagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flags",
        abstract: "Find the customers the score got wrong, on honest out-of-sample scores.",
        discussion: """
        Runs the walk-forward backtest the spec describes (each period scored
        by a model trained only on earlier outcomes, calibrated on earlier
        periods), bands those scores and flags three kinds of customer:
          false_healthy_churner  healthiest band, and churned
          persistent_at_risk     riskiest band for flags.persistent_periods
                                 (default 3) adjacent scored periods, never
                                 churning; one flag per streak
          score_drop             health score fell by flags.score_drop
                                 (default 15) points or more from one
                                 period to the next
        Each flag lists the features that drove the score (weight x (value -
        training mean), in log-odds) and sub-scores per feature group.
        docs/flags.md has the exact rules.

        Examples:
          healthcal flags --spec spec.yaml --data panel.csv --out reports/q3
          healthcal flags --spec spec.yaml --data panel.csv --out reports/q3 \\
              --format json | jq .summary.flag_counts

        Writes (into a sibling folder that replaces OUT in one rename once all
        is written, so OUT holds one run's files, never a mix; other files in
        OUT are kept; a second run into OUT fails at once, or waits with --wait):
          OUT/flags.csv   one row per flag, for a spreadsheet
          OUT/bands.csv   customers, churners, churn rate per band and period
          OUT/flags.json  everything: flags, trajectories, contributions,
                          bands and summaries
        Bands follow the spec's bands: section. Quantile cut points are frozen
        from bands.reference_period (default: the latest scored period).
        On a terminal, progress per backtest fold goes to stderr.
        """
    )

    @Option(help: "The spec YAML (see docs/spec.md): columns, encodings, backtest, bands and flag rules.")
    var spec: String

    @OptionGroup var input: PanelSourceOptions

    @Option(help: "Folder for flags.csv, bands.csv and flags.json (created if needed).")
    var out: String

    @Flag(help: "If another run is writing the same folder, wait for it instead of failing.") var wait = false

    @OptionGroup var output: FormatOption

    func run() throws {
        try reportingErrors { try execute() }
    }

    private func execute() throws {
        // The folder's lock before any work (see `OutputFolder`).
        let files = try OutputFolder(out, owned: ["flags.csv", "bands.csv", "flags.json"], wait: wait) { pid in
            note("waiting for " + (pid.map { "healthcal process \($0)" } ?? "another healthcal run") + " to finish writing \(out)")
        }
        let spec = try Spec.load(path: self.spec)
        let source = try input.source(pushedDown: true)
        // Progress per fold only on a terminal, so logs and pipes stay clean.
        var progress: (@Sendable (String) -> Void)? = nil
        progress = Progress.reporter()
        let panel: Panel, run: BacktestRun, pushed: InDatabaseBacktest.Outcome?
        do {
            if input.inDatabase {
                let outcome = try backtestInDatabase(source, spec: spec, ridge: nil)
                (panel, run, pushed) = (outcome.keys.panel, outcome.run, outcome)
            } else {
                let loaded = try PanelLoading.load(source, spec: spec).panel
                (panel, run, pushed) = (loaded, try Backtest.run(panel: loaded, progress: progress), nil)
            }
        } catch let error as BacktestError {
            throw CLIError(description: "backtest: \(error)", code: Exit.invalidInput)
        } catch let error as BacktestFailure {
            throw CLIError(description: error.description, code: Exit.cannotFit)
        }
        let scored: ScoredPanel
        do { scored = try ScoredPanel.make(panel: panel, run: run) } catch {
            throw CLIError(description: error.description, code: Exit.invalidInput)
        }
        var report: FlagReport
        if let pushed, case .postgres(let url, let relation) = source {
            // Only the flagged rows' values are fetched, to explain them.
            report = try InDatabaseFlags.run(url: url, relation: relation, spec: spec, backtest: pushed, scored: scored)
        } else {
            report = FlagDetection.run(scored: scored, panel: panel, models: run.models, options: spec.flags)
        }
        report.notes = run.notes + report.notes
        try files.write(parts: report.flagsCSVParts(), to: "flags.csv")
        try files.write(report.bandsCSV(), to: "bands.csv")
        try files.write(try JSONOutput.string(report), to: "flags.json")
        try files.commit()
        switch output.format {
        case .json: emit(try JSONOutput.string(FlagsCommandOutput(report: report, out: out)))
        case .table: emit(FlagsSummaryText.render(report, scored: scored, out: out))
        }
    }
}

/// `healthcal flags --format json`: the summary and where the files went (the flags themselves
/// are in flags.json).
struct FlagsCommandOutput: Encodable {
    var summary: FlagSummary
    var referencePeriod: String?
    var files: [String]
    var notes: [String]

    init(report: FlagReport, out: String) {
        summary = report.summary
        referencePeriod = report.referencePeriod
        files = ["flags.csv", "bands.csv", "flags.json"].map { URL(fileURLWithPath: out).appendingPathComponent($0).path }
        notes = report.notes
    }

    enum CodingKeys: String, CodingKey { case summary, referencePeriod = "reference_period", files, notes }
}

/// The short readable summary printed by `healthcal flags`.
enum FlagsSummaryText {
    static func render(_ report: FlagReport, scored: ScoredPanel, out: String) -> String {
        let s = report.summary
        func pct(_ share: Share) -> String {
            guard let v = share.share else { return "n/a" }
            return "\(CSVWriter.format(100 * v, decimals: 1))% (\(share.count) of \(share.of))"
        }
        var lines: [String] = []
        lines.append("Flags on \(scored.count) out-of-sample customer-periods" +
                     (report.referencePeriod.map { "; quantile bands frozen from \($0)" } ?? "") +
                     (report.backtestCuts == nil ? "" : " (each backtest period banded with cut points known before it; see flags.json backtest_cuts)"))
        lines.append("  false-healthy churners:      \(s.flagCounts[FlagKind.falseHealthyChurner.rawValue] ?? 0)  = \(pct(s.falseHealthyShareOfChurners.overall)) of churners")
        lines.append("  persistently at-risk stayers: \(s.flagCounts[FlagKind.persistentAtRisk.rawValue] ?? 0) streaks; \(pct(s.persistentShareOfRiskiest.overall)) of customers ever in the riskiest band")
        lines.append("  score drops >= \(CSVWriter.format(report.options.scoreDrop, decimals: 1)) points:  \(s.flagCounts[FlagKind.scoreDrop.rawValue] ?? 0)")
        lines.append("")
        lines.append("Churn rate by band (all scored periods):")
        for r in s.bandTable where r.period == FlagSummary.allPeriods {
            let scheme = r.scheme == "default" ? "" : "[\(r.scheme)] "
            let rate = r.churnRate.map { CSVWriter.format(100 * $0, decimals: 1) + "%" } ?? "-"
            lines.append("  \(scheme)\(r.band): \(r.customers) customer-periods, \(r.churners) churned (\(rate))")
        }
        if s.bandOrderIssues.isEmpty {
            lines.append("Bands are ordered by churn rate in every period.")
        } else {
            lines.append("Bands out of order (a riskier band churned less):")
            for i in s.bandOrderIssues.prefix(10) {
                lines.append("  \(i.period) \(i.scheme == "default" ? "" : "[\(i.scheme)] ")\(i.riskierBand) \(CSVWriter.format(100 * i.riskierChurnRate, decimals: 1))% < \(i.healthierBand) \(CSVWriter.format(100 * i.healthierChurnRate, decimals: 1))%")
            }
            if s.bandOrderIssues.count > 10 { lines.append("  ... \(s.bandOrderIssues.count - 10) more in flags.json") }
        }
        for n in report.notes { lines.append("note: \(n)") }
        lines.append("")
        lines.append("Wrote \(out)/flags.csv, \(out)/bands.csv, \(out)/flags.json")
        return lines.joined(separator: "\n") + "\n"
    }
}
