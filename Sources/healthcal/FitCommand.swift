import ArgumentParser
import Foundation
import HealthCal

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
        """
    )

    @Option(help: "The panel or data CSV.")
    var data: String

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

    @Option(help: "L2 penalty λ on the weights (sklearn C = 1/λ); overrides the spec's model.ridge.")
    var ridge: Double?

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
                let spec = try Spec.load(path: specPath)
                var panel = try PanelLoading.load(path: data, spec: spec)
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
                    // Hashed in chunks: the training file is never held whole beside the panel.
                    guard let digest = Fingerprint.sha256(contentsOf: data) else {
                        throw CLIError(description: "\(data): cannot read the file again to record its SHA-256 in the weight file")
                    }
                    let file = try WeightFile.makeInSample(panel: panel, segmented: segmented, inputSHA256: digest)
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
                guard let outcome else {
                    throw CLIError(description: "give --spec, or --outcome for the quick path (healthcal fit --help)")
                }
                let table = try CSVReader.read(path: data)
                let quick = try QuickDesign.make(
                    table: table, outcome: outcome, id: id,
                    features: features.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
                    missing: missing == .drop ? .drop : .error)
                if quick.dropped > 0 { note("dropped \(quick.dropped) row\(quick.dropped == 1 ? "" : "s") with a missing value") }
                let fit = try LogisticRegression.fit(quick.design, y: quick.y, options: LogisticOptions(ridge: ridge ?? 0), outcomeName: outcome)
                switch output.format {
                case .table: emit(CoefficientTable.render(fit, outcome: outcome))
                case .json: emit(try JSONOutput.string(FitReport(fit: fit, encoding: nil, droppedRows: quick.dropped)))
                }
            }
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
