import Foundation

/// The quarterly job in one call: read and validate the panel, backtest walk-forward, compare
/// with the champion, fit the final weights on every row, fold in the calibration, set the
/// bands, flag customers, and write the weight file, its exports, the metrics and the report.
public enum Recalibration {
    public struct Options: Sendable {
        public var specPath: String
        /// Where the panel comes from (a CSV path, or a PostgreSQL table or query).
        public var source: PanelSource
        /// The CSV path, when the source is a file.
        public var dataPath: String {
            get { if case .csv(let path) = source { return path } else { return source.description } }
            set { source = .csv(path: newValue) }
        }
        public var outDirectory: String
        /// Shown in the report and the summary; default: the latest period's label.
        public var label: String?
        /// The report's date line; nil leaves it out (reports are reproducible by default).
        public var date: String?
        public var champion: ChampionModel?
        public var ridge: Double?
        /// Replace an existing weight file in the output folder.
        public var force: Bool
        /// Wait for another run writing the same folder to finish, instead of failing at once.
        public var wait: Bool
        /// The cluster bootstrap of the out-of-sample figures (`--bootstrap`, `--seed`).
        public var bootstrap: BootstrapOptions
        /// The optimism bootstrap of the final model (`--validate`, refits on customer resamples);
        /// nil: `OptimismValidation.recalibrateDefault(rows:seed:)` with the bootstrap's seed.
        public var validation: BootstrapOptions? = nil
        /// Fit, backtest and explain the flags where the data lives (`--in-database`, a
        /// PostgreSQL source): only keys, sums, scores and the flagged rows reach the client.
        public var inDatabase = false

        public init(specPath: String, dataPath: String, outDirectory: String, label: String? = nil, date: String? = nil,
                    champion: ChampionModel? = nil, ridge: Double? = nil, force: Bool = false, wait: Bool = false,
                    bootstrap: BootstrapOptions = BootstrapOptions(count: BootstrapOptions.recalibrateDefault)) {
            self.init(specPath: specPath, source: .csv(path: dataPath), outDirectory: outDirectory, label: label,
                      date: date, champion: champion, ridge: ridge, force: force, wait: wait, bootstrap: bootstrap)
        }

        public init(specPath: String, source: PanelSource, outDirectory: String, label: String? = nil, date: String? = nil,
                    champion: ChampionModel? = nil, ridge: Double? = nil, force: Bool = false, wait: Bool = false,
                    bootstrap: BootstrapOptions = BootstrapOptions(count: BootstrapOptions.recalibrateDefault)) {
            self.bootstrap = bootstrap
            self.specPath = specPath
            self.source = source
            self.outDirectory = outDirectory
            self.label = label
            self.date = date
            self.champion = champion
            self.ridge = ridge
            self.force = force
            self.wait = wait
        }
    }

    /// What was done and written, for the closing summary and `--format json`.
    public struct Result: Sendable, Codable {
        public var label: String
        public var rows: Int
        public var customers: Int
        public var periods: [String]
        public var scoredPeriods: [String]
        public var auc: Double?
        public var brier: Double
        public var meanPredicted: Double
        public var churnRate: Double
        public var championAUC: Double?
        public var flagCounts: [String: Int]
        public var files: [String: String]
        public var notes: [String]

        enum CodingKeys: String, CodingKey {
            case label, rows, customers, periods, scoredPeriods = "scored_periods", auc, brier
            case meanPredicted = "mean_predicted", churnRate = "churn_rate", championAUC = "champion_auc"
            case flagCounts = "flag_counts", files, notes
        }
    }

    /// The machine-readable record written to metrics.json.
    public struct Metrics: Sendable, Codable {
        public var backtest: BacktestReport
        public var fit: LogisticFit
        /// With `model.per_segment`: each segment's own final fit (nil otherwise, so the JSON is
        /// unchanged without per-segment models).
        public var segmentFits: [String: LogisticFit]?
        public var flags: FlagSummary
        public var referencePeriod: String?
        /// Population stability of the score and every metric in each scored period against
        /// the first fold's training window (nil for a snapshot, which has no periods).
        public var drift: DriftReport?
        /// The final model's optimism (`--validate`); nil when no refit was asked for.
        public var validation: OptimismReport?

        enum CodingKeys: String, CodingKey {
            case backtest, fit, segmentFits = "segment_fits", flags, referencePeriod = "reference_period", drift, validation
        }
    }

    public static func run(_ options: Options, progress: (@Sendable (String) -> Void)? = nil) throws -> Result {
        let say: @Sendable (String) -> Void = { progress?($0) }
        // The folder's lock is taken, and an existing weight file refused, before any work: a run
        // that would not be allowed to finish writes nothing. Every output is written into a
        // staging folder that replaces the old one in one rename at the end (`OutputFolder`).
        let outputs = try OutputFolder(options.outDirectory, owned: ownedNames, protected: ["weights.json"],
                                       force: options.force, wait: options.wait) { pid in
            say("waiting for " + (pid.map { "healthcal process \($0)" } ?? "another healthcal run") + " to finish writing \(options.outDirectory)")
        }
        let spec = try Spec.load(path: options.specPath)
        let (loaded, run, segmented, pushed) = try backtestAndFinalFit(options, spec: spec, say: say)
        let panel = loaded.panel
        let label = options.label ?? panel.periods.last?.label ?? "snapshot"
        // The refits need the panel's features on the client: not with --in-database.
        let validationOptions = options.inDatabase ? BootstrapOptions(count: 0)
            : options.validation ?? OptimismValidation.recalibrateDefault(rows: panel.rowCount, seed: options.bootstrap.seed)
        try OptimismValidation.check(validationOptions, panel: panel)
        let championScores = try championScores(options.champion, run: run, panel: panel, spec: spec, pushed: pushed, say: say)
        let comparison = try championScores.flatMap { try options.champion?.compare(with: run, panel: panel, scores: $0) }
        var draft = BacktestReport(run: run, champion: comparison)
        let final = segmented.pooled
        let perSegment = spec.model.perSegment && !panel.segmentNames.isEmpty
        var fitNotes = segmented.notes.map { "final model: " + $0 }
        fitNotes.append("final model: standard errors and intervals are \(panel.covarianceNote)")
        if spec.model.perSegment && panel.segmentNames.isEmpty {
            fitNotes.append("model.per_segment is set but the panel has no segment column: one pooled model")
        }

        say("drift")
        // Pushed down, the drift figures were computed where the rows are (`InDatabaseDrift`).
        let (driftReference, drift) = try pushed.map { ($0.outcome.driftReference, $0.outcome.drift) }
            ?? driftFigures(panel: panel, segmented: segmented, run: run)

        say("bands and flags")
        // A database source was hashed as it streamed; a file is hashed here on the other core.
        let inputHash: BackgroundValue<String?>? = loaded.inputSHA256 == nil
            ? BackgroundValue { [dataPath = options.dataPath] in Fingerprint.sha256(contentsOf: dataPath) } : nil
        let scored = try ScoredPanel.make(panel: panel, run: run)
        if options.bootstrap.count > 0 || options.bootstrap.resampleFile != nil {
            say("bootstrap: resampling customers")
            draft.bootstrap = try BacktestBootstrap.run(panel: panel, run: run, champion: championScores,
                                                        healthiest: scored.healthiest(of: run, rowCount: panel.rowCount), options: options.bootstrap)
        }
        let backtest = draft
        if options.inDatabase, (options.validation?.count ?? 0) > 0 {
            fitNotes.append("final model: optimism not estimated with --in-database (each refit would be a pushed-down fit)")
        } else if !options.inDatabase && options.validation == nil && validationOptions.count == 0 {
            fitNotes.append("final model: optimism not estimated by default past \(OptimismValidation.defaultRowLimit) rows (each refit costs a final fit); --validate V runs V refits")
        }
        let validation = try OptimismValidation.run(panel: panel, final: segmented, ridge: options.ridge, options: validationOptions) { done, all in
            if done == 0 { say("validation: refitting on \(all) customer resamples") }
        }
        if let validation, validation.fitted < validation.resamples {
            fitNotes.append("final model: \(validation.resamples - validation.fitted) of \(validation.resamples) optimism refits failed and were left out (" + validation.notes.joined(separator: "; ") + ")")
        }
        // Neither the weight file (with its exports) nor the report's ranking figures need the
        // flags: both are prepared on the other core while the flags are found.
        let m = run.pooledCalibrated
        let weightFileExports = BackgroundValue { [dataPath = options.dataPath, source = options.source, streamed = loaded.inputSHA256,
                                                   sds = pushed?.outcome.contributionSDs,
                                                   segmentSDs = pushed?.outcome.segmentContributionSDs] in
            Swift.Result { () throws -> WeightFileExports in
                // The final weights with the out-of-sample calibration folded in, the bands frozen
                // from the backtest, the headline out-of-sample metrics.
                var file = try WeightFile.make(
                    panel: panel, segmented: segmented, calibration: run.finalCalibration, bands: scored.weightFileBands,
                    inputSHA256: try streamed ?? inputSHA256(inputHash, path: dataPath), metrics: headline(m), contributionSDs: sds,
                    segmentContributionSDs: segmentSDs)
                file.metadata.source = source.recorded
                file.drift = driftReference
                return try WeightFileExports(file)
            }
        }
        let report = BackgroundValue { [source = options.source, date = options.date] in
            let inputs = reportInputs(label: label, date: date, source: source, backtest: backtest, run: run, panel: panel,
                                      champion: championScores, final: final)
            return (inputs, RankingCharts(inputs))
        }
        var flags: FlagReport
        if let pushed {
            // Only the flagged rows' values are fetched, to explain them.
            flags = try InDatabaseFlags.run(url: pushed.url, relation: pushed.relation, spec: spec, backtest: pushed.outcome.backtest, scored: scored)
        } else {
            flags = FlagDetection.run(scored: scored, panel: panel, models: run.models, options: spec.flags)
        }
        flags.notes = run.notes + fitNotes + flags.notes

        let out = URL(fileURLWithPath: options.outDirectory)
        func path(_ name: String) -> String { out.appendingPathComponent(name).path }
        var files: [String: String] = [:]
        var notes = flags.notes
        say("writing \(options.outDirectory)")

        // Built before waiting for the weight file, whose thread is usually still hashing, and
        // written (tens of MB copied by the kernel) on another core while the rest is written.
        let flagsCSV = flags.flagsCSVParts()
        let flagsWritten = BackgroundValue { [path = "flags/flags.csv"] in
            Swift.Result { () throws(OutputFile.WriteError) in try outputs.write(parts: flagsCSV, to: path) }
        }
        // Whatever fails below, the process does not end in the middle of that write.
        defer { _ = flagsWritten.value }
        let exports = try weightFileExports.value.get()
        try outputs.write(exports.json, to: "weights.json")
        files["weight file"] = path("weights.json")
        try outputs.write(exports.sql, to: "exports/score.sql")
        files["SQL scoring query"] = path("exports/score.sql")
        switch exports.pmml {
        case .success(let pmml):
            try outputs.write(pmml, to: "exports/model.pmml")
            files["PMML 4.4"] = path("exports/model.pmml")
        case .failure(let error):
            notes.append("PMML not written: \(error.description)")
        }
        if exports.weightFile.segments != nil {
            notes.append("exports/weights.csv and exports/scorecard.csv hold the pooled model only; the segment models are in weights.json, score.sql and model.pmml")
        }
        try outputs.write(exports.weightsCSV, to: "exports/weights.csv")
        files["weights for spreadsheets"] = path("exports/weights.csv")
        switch exports.scorecard {
        case .success(let scorecard):
            try outputs.write(scorecard, to: "exports/scorecard.csv")
            files["scorecard points"] = path("exports/scorecard.csv")
        case .failure(let error):
            notes.append("scorecard not written: \(error.description)")
        }

        try flagsWritten.value.get()
        try outputs.write(flags.bandsCSV(), to: "flags/bands.csv")
        // The summary only: every flag is in flags.csv, and the full record with trajectories and
        // contributions (which runs to hundreds of MB on a million rows) is `healthcal flags`'s.
        try outputs.write(try JSONOutput.string(FlagsSummaryFile(report: flags)), to: "flags/summary.json")
        files["flags"] = path("flags/flags.csv")
        files["band table"] = path("flags/bands.csv")
        files["flag summary"] = path("flags/summary.json")
        let metrics = Metrics(backtest: backtest, fit: final.fit,
                              segmentFits: perSegment ? segmented.segments.mapValues(\.fit) : nil,
                              flags: flags.summary, referencePeriod: flags.referencePeriod, drift: drift,
                              validation: validation)
        try outputs.write(try JSONOutput.string(metrics), to: "metrics.json")
        files["metrics"] = path("metrics.json")

        var (inputs, ranking) = report.value
        inputs.outputs = files.keys.sorted().compactMap { k in files[k].map { (k, relative($0, to: out)) } }
            + [("report", "report.html"), ("summary", "summary.md")]
        inputs.bands = bandDigest(flags, scored: scored)
        inputs.flags = flagDigest(flags)
        inputs.drift = drift
        inputs.validation = validation
        try outputs.write(LeadershipReport.html(inputs, ranking: ranking), to: "report.html")
        try outputs.write(LeadershipReport.markdown(inputs), to: "summary.md")
        files["report"] = path("report.html")
        files["summary"] = path("summary.md")
        try outputs.commit()

        return Result(label: label, rows: panel.rowCount, customers: panel.customerIDs.count,
                      periods: panel.periods.map(\.label), scoredPeriods: run.folds.map(\.test), auc: m.rocAUC,
                      brier: m.brier, meanPredicted: m.meanPredicted, churnRate: m.churnRate,
                      championAUC: comparison?.champion.auc, flagCounts: flags.summary.flagCounts, files: files,
                      notes: notes)
    }

    /// The weight file's drift reference (every row: the final model's training window) and the
    /// per-period drift of the scored periods against the first fold's training window (the
    /// periods before the first scored one, which no scored period belongs to). The score is the
    /// final model's calibrated probability on both sides, so the score's PSI measures the
    /// population, not a change of model.
    static func driftFigures(panel: Panel, segmented: SegmentedFit, run: BacktestRun) throws -> (DriftReference, DriftReport?) {
        let all = Array(0..<panel.rowCount)
        let score = run.finalCalibration.apply(logits: try segmented.linearPredictor(panel: panel, rows: all))
        let reference = DriftComputation.reference(panel: panel, rows: all, score: score)
        guard !panel.isSnapshot, let first = run.folds.first.flatMap({ f in panel.periods.firstIndex { $0.label == f.test } }),
              first > 0 else { return (reference, nil) }
        let window = panel.rowsByPeriod[..<first].flatMap { $0 }
        let before = DriftComputation.reference(panel: panel, rows: window, score: score)
        let scored = run.folds.compactMap { f in panel.periods.firstIndex { $0.label == f.test }.map { (f.test, panel.rowsByPeriod[$0]) } }
        return (reference, DriftComputation.report(panel: panel, reference: before, periods: scored, score: score))
    }

    /// What a run writes into its folder: anything else already there is kept.
    static let ownedNames: Set<String> = ["weights.json", "metrics.json", "report.html", "summary.md", "exports", "flags"]

    /// The first `k` of `items` in a stable sort by `before`, without sorting them all (tens of
    /// thousands of score drops for four rows of the report): ties keep their order in `items`.
    static func first<T>(_ k: Int, of items: [T], by before: (T, T) -> Bool) -> [T] {
        var top: [T] = []
        top.reserveCapacity(k + 1)
        for item in items {
            var at = top.count
            while at > 0 && before(item, top[at - 1]) { at -= 1 }
            guard at < k else { continue }
            top.insert(item, at: at)
            if top.count > k { top.removeLast() }
        }
        return top
    }

    /// flags/summary.json: the band table, shares and counts, without the flags themselves.
    struct FlagsSummaryFile: Encodable {
        var referencePeriod: String?
        var summary: FlagSummary
        var notes: [String]
        init(report: FlagReport) {
            referencePeriod = report.referencePeriod
            summary = report.summary
            notes = report.notes
        }
        enum CodingKeys: String, CodingKey { case referencePeriod = "reference_period", summary, notes }
    }

    /// The training file's fingerprint, hashed in chunks (not read whole into memory) on a
    /// second thread while the flags are found.
    static func inputSHA256(_ hash: BackgroundValue<String?>?, path: String) throws -> String {
        guard let hex = hash?.value else {
            throw DataValidationError(problems: [DataProblem(file: path, message: "cannot read the file")])
        }
        return hex
    }

    static func relative(_ path: String, to folder: URL) -> String {
        let prefix = folder.path.hasSuffix("/") ? folder.path : folder.path + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// Band counts per scored period from the default scheme's rows of the band table.
    static func bandDigest(_ report: FlagReport, scored: ScoredPanel) -> BandDigest? {
        let rows = report.summary.bandTable.filter { $0.scheme == "default" && $0.period != "all" }
        guard !rows.isEmpty, let scheme = report.bands["default"] else { return nil }
        var periods: [String] = []
        for r in rows where !periods.contains(r.period) { periods.append(r.period) }
        let k = scheme.bands.count
        var customers = Array(repeating: Array(repeating: 0.0, count: k), count: periods.count)
        var churners = customers
        for r in rows {
            guard let p = periods.firstIndex(of: r.period), r.bandIndex < k else { continue }
            customers[p][r.bandIndex] += Double(r.customers)
            churners[p][r.bandIndex] += Double(r.churners)
        }
        return BandDigest(periods: periods, bandNames: scheme.names, bandColors: scheme.bands.map(\.color),
                          customers: customers, churners: churners)
    }

    /// The flag counts a leader reads and the dozen customers most worth a look.
    static func flagDigest(_ report: FlagReport) -> FlagDigest {
        let s = report.summary
        // Indices rather than copies of the (many) flags.
        let all = report.flags
        let byKind = Dictionary(grouping: all.indices, by: { all[$0].kind })
        let count = { (kind: FlagKind) in byKind[kind]?.count ?? 0 }
        let kindLabel: [FlagKind: String] = [.falseHealthyChurner: "Called healthy, churned",
                                             .persistentAtRisk: "Red for quarters, stayed", .scoreDrop: "Sudden drop"]
        var top: [FlagDigest.Customer] = []
        for kind in FlagKind.allCases {
            let flags = byKind[kind] ?? []
            // The most confident mistakes first: healthiest-scored churners, longest red streaks, biggest drops.
            let ordered: [Int]
            switch kind {
            case .falseHealthyChurner: ordered = first(4, of: flags) { all[$0].score > all[$1].score }
            case .persistentAtRisk:
                ordered = first(4, of: flags) { (all[$0].streakLength ?? 0, -all[$0].score) > (all[$1].streakLength ?? 0, -all[$1].score) }
            case .scoreDrop: ordered = first(4, of: flags) { (all[$0].drop ?? 0) > (all[$1].drop ?? 0) }
            }
            for f in ordered.map({ all[$0] }) {
                let reasons = (kind == .falseHealthyChurner ? f.healthiestContributions : f.topContributions).prefix(3)
                    .map { "\($0.feature) = \($0.value) (\($0.contribution >= 0 ? "+" : "")\(MetricsText.num($0.contribution, 2)))" }
                    .joined(separator: "; ")
                top.append(.init(kind: kindLabel[kind] ?? kind.rawValue, customer: f.customer, segment: f.segment,
                                 periods: f.startPeriod == f.endPeriod ? f.startPeriod : "\(f.startPeriod)–\(f.endPeriod)",
                                 healthScore: f.score, scoreTrajectory: f.trajectory.map(\.score), reasons: reasons))
            }
        }
        return FlagDigest(churners: s.falseHealthyShareOfChurners.overall.of, falseHealthy: count(.falseHealthyChurner),
                          riskiestBandCustomers: s.persistentShareOfRiskiest.overall.of,
                          persistentAtRisk: s.persistentShareOfRiskiest.overall.count,
                          persistentPeriods: report.options.persistentPeriods, scoreDrops: count(.scoreDrop), top: top)
    }
}
