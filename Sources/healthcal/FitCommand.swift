import ArgumentParser
import Foundation
import HealthCal

extension CovarianceType: ExpressibleByArgument {}

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit the churn model's weights and print the coefficient table.",
        discussion: """
        With a spec, the panel is encoded as the spec says (log1p, clipping,
        imputation, one-hot, standardization) and every fitted parameter is reported:
          healthcal fit --spec notebooks-data/spec.yaml \\
              --data notebooks-data/panel.csv
          healthcal fit --spec spec.yaml --data panel.csv --weights-out weights.json

        Without a spec, numeric columns are used as they are and text columns are
        one-hot encoded against their alphabetically first level (R's and statsmodels'
        default coding):
          healthcal fit --data spector.csv --outcome GRADE
          healthcal fit --data panel.csv --outcome churned --id customer_id \\
              --features logins,nps --missing drop

        --ridge adds an L2 penalty λ on the weights (not the intercept), the model
        scikit-learn fits with LogisticRegression(C = 1/λ). Use it when the fit
        reports separation or collinearity.

        --covariance cluster makes the standard errors robust to a customer's rows
        being correlated (statsmodels' cov_type="cluster" on the id column):
          healthcal fit --data panel.csv --outcome churned --id customer_id \\
              --covariance cluster
        """
    )

    @OptionGroup var input: PanelSourceOptions
    private var data: String { input.data }

    @Option(help: "A spec YAML (see docs/spec.md); without it, the quick path below is used.")
    var spec: String?

    @Option(help: "Quick path: the outcome column (0/1, true/false, yes/no).")
    var outcome: String?

    @Option(help: "Quick path: an id column to leave out of the features.")
    var id: String?

    @Option(help: "Quick path: comma-separated feature columns (default: every other column).")
    var features: String?

    @Option(help: "Quick path: what to do with rows that have a missing value: 'error' names them, 'drop' drops them.")
    var missing: MissingChoice = .error

    @Option(parsing: .unconditional, help: "L2 penalty λ on the weights (sklearn C = 1/λ); overrides the spec's model.ridge.")
    var ridge: Double?

    @Option(help: "Standard errors: 'model' (inverse Hessian) or 'cluster' (robust on the customer id; needs --id on the quick path). Default: the spec's model.covariance, else cluster when a customer has several rows; on the quick path, model.")
    var covariance: CovarianceType?

    @Option(help: "With --spec: also write a weight file (no calibration; bands from the in-sample scores). See `healthcal export`.")
    var weightsOut: String?

    @Flag(help: "Replace --weights-out if it exists.")
    var force = false

    @OptionGroup var output: FormatOption

    enum MissingChoice: String, ExpressibleByArgument, CaseIterable { case error, drop }

    func run() throws {
        try reportingErrors {
            if let specPath = spec {
                if outcome != nil || features != nil || id != nil {
                    throw CLIError(description: "--outcome, --id and --features belong to the quick path; with --spec the spec names the columns")
                }
                var spec = try Spec.load(path: specPath)
                if let covariance { spec.model.covariance = covariance }
                let source = try input.source(pushedDown: true)
                if input.inDatabase {
                    try runInDatabase(source, spec: spec)
                    return
                }
                let loaded = try PanelLoading.load(source, spec: spec)
                var panel = loaded.panel
                let segmented: SegmentedFit
                if weightsOut == nil && !(spec.model.perSegment && !panel.segmentNames.isEmpty) {
                    // One pooled fit and nothing else reads the raw columns: free them as the design is built.
                    segmented = SegmentedFit(pooled: try SpecFit.run(releasing: &panel, ridge: ridge))
                } else {
                    segmented = try SegmentedFit.run(panel: panel, ridge: ridge)
                }
                let result = segmented.pooled
                for line in segmented.notes { note(line) }
                if let weightsOut {
                    // Hashed in chunks: the training file is never held whole beside the panel
                    // (a database source was hashed as it streamed).
                    guard let digest = loaded.inputSHA256 ?? Fingerprint.sha256(contentsOf: data) else {
                        throw CLIError(description: "\(data): cannot read the file again to record its SHA-256 in the weight file")
                    }
                    var file = try WeightFile.makeInSample(panel: panel, segmented: segmented, inputSHA256: digest)
                    file.metadata.source = source.recorded
                    try OutputFile.write(file.data(), to: weightsOut, overwrite: force)
                }
                let names = segmented.segments.keys.sorted()
                switch output.format {
                case .table:
                    emit(CoefficientTable.render(result.fit, outcome: spec.data.outcome))
                    for name in names {
                        guard let own = segmented.segments[name] else { continue }
                        emit("\nsegment \"\(name)\" (its own model):")
                        emit(CoefficientTable.render(own.fit, outcome: spec.data.outcome))
                    }
                case .json:
                    var report = FitReport(fit: result.fit, encoding: result.encoding, droppedRows: 0)
                    if !names.isEmpty { report.segments = segmented.segments.mapValues { FitReport.Segment(fit: $0.fit, encoding: $0.encoding) } }
                    emit(try JSONOutput.string(report))
                }
            } else {
                if weightsOut != nil { throw CLIError(description: "--weights-out needs --spec (the weight file embeds the spec)") }
                guard case .csv = try input.source() else {
                    throw CLIError(description: "a database --data needs --spec (the spec names the columns to pull)")
                }
                if covariance == .cluster && id == nil {
                    throw CLIError(description: "--covariance cluster needs --id: the clusters are the customers named by the id column (or use --covariance model)", code: 64)
                }
                guard let outcome else {
                    throw CLIError(description: "give --spec, or --outcome for the quick path (healthcal fit --help)")
                }
                let table = try CSVReader.read(path: data)
                let quick = try QuickDesign.make(
                    table: table, outcome: outcome, id: id,
                    features: features.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
                    missing: missing == .drop ? .drop : .error)
                if quick.dropped > 0 { note("dropped \(quick.dropped) row\(quick.dropped == 1 ? "" : "s") with a missing value") }
                let fit = try LogisticRegression.fit(quick.design, y: quick.y, options: LogisticOptions(ridge: ridge ?? 0), outcomeName: outcome,
                                                     clusters: try quick.clusters(table: table, id: id, covariance: covariance ?? .model))
                switch output.format {
                case .table: emit(CoefficientTable.render(fit, outcome: outcome))
                case .json: emit(try JSONOutput.string(FitReport(fit: fit, encoding: nil, droppedRows: quick.dropped)))
                }
            }
        }
    }
}

extension FitCommand {
    /// `--in-database`: the pooled fit pushed down into PostgreSQL (`InDatabaseFit`).
    func runInDatabase(_ source: PanelSource, spec: Spec) throws {
        guard case .postgres(let url, let relation) = source else {
            throw CLIError(description: "--in-database needs a database --data (postgresql://...) with --table or --query")
        }
        let pushed = try InDatabaseSegmentedFit.run(url: url, relation: relation, spec: spec, ridge: ridge)
        let outcome = pushed.cost, segmented = pushed.fit
        let place = outcome.shards > 0 ? " (passes on \(outcome.shards) shards)" : ""
        note("in database\(place): " + String(format: "%d rows; passes: %d with Hessian, %d gradient-only, %d value-only; %.2f s in passes, %.2f s for statistics",
                    outcome.rows, outcome.hessianPasses, outcome.gradientPasses, outcome.valuePasses, outcome.passSeconds, outcome.statisticsSeconds))
        for line in segmented.notes { note(line) }
        if let weightsOut {
            // The reference period scored in the database (scores only come back) for the bands.
            var file = try InDatabaseWeightFile.inSample(url: url, relation: relation, spec: spec, fit: segmented)
            file.metadata.source = source.recorded
            try OutputFile.write(file.data(), to: weightsOut, overwrite: force)
        }
        let names = segmented.segments.keys.sorted()
        switch output.format {
        case .table:
            emit(CoefficientTable.render(segmented.pooled.fit, outcome: spec.data.outcome))
            for name in names {
                guard let own = segmented.segments[name] else { continue }
                emit("\nsegment \"\(name)\" (its own model):")
                emit(CoefficientTable.render(own.fit, outcome: spec.data.outcome))
            }
        case .json:
            var report = FitReport(fit: segmented.pooled.fit, encoding: segmented.pooled.encoding, droppedRows: 0)
            if !names.isEmpty { report.segments = segmented.segments.mapValues { FitReport.Segment(fit: $0.fit, encoding: $0.encoding) } }
            emit(try JSONOutput.string(report))
        }
    }
}

/// The JSON shape of `healthcal fit --format json`.
struct FitReport: Encodable {
    struct Segment: Encodable {
        var fit: LogisticFit
        var encoding: FittedEncoding
    }

    var fit: LogisticFit
    var encoding: FittedEncoding?
    var droppedRows: Int
    /// With `model.per_segment`: each segment's own model (absent otherwise).
    var segments: [String: Segment]? = nil

    enum CodingKeys: String, CodingKey { case fit, encoding, droppedRows = "dropped_rows", segments }
}
