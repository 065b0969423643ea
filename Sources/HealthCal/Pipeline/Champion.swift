/// The model production scores with today, to be compared with the new fit on exactly the
/// backtest's out-of-sample rows.
public enum ChampionModel: Sendable {
    /// A hand-made scorecard: weights on raw metrics, as customer-success teams set them.
    case scorecard(Scorecard)
    /// Last quarter's weight file, scored on the same CSV with its own encodings (so its
    /// features must be columns of the file, whatever the new spec uses).
    case weights(WeightFile, source: PanelSource)
    /// Any other scorer: given the panel and row indices, the champion's scores for those rows.
    case custom(name: String, score: @Sendable (Panel, [Int]) throws -> ModelScores)

    /// The champion's scores of `rows`.
    public func scores(panel: Panel, rows: [Int]) throws -> ModelScores {
        switch self {
        case .scorecard(let card):
            // The scorecard reads the panel's numeric features by name (raw values, before any
            // encoding; a missing cell is NaN and takes the scorecard's `missing:` value).
            var columns: [String: [Double]] = [:]
            for feature in panel.features {
                if case .numeric(let values) = feature.values { columns[feature.name] = rows.map { values[$0] } }
            }
            return try card.modelScores(rawColumns: columns)
        case .weights(let file, let source):
            // Panel rows are the source's rows in order, so table row r is panel row r.
            let scorer = Scorer(file)
            let read = try PanelLoading.table(source, spec: file.metadata.spec, outcome: false)
            let count = read.table.rowCount
            guard count == panel.rowCount else {
                throw WeightFileError.invalid("the champion read \(count) rows of \(source), the panel has \(panel.rowCount)")
            }
            let values = try read.locating { try scorer.probabilities(table: $0, rows: rows) }
            return ModelScores(name: Self.name(of: file), values: values)
        case .custom(_, let score):
            return try score(panel, rows)
        }
    }

    /// The champion's scores from values computed where the data lives (`InDatabaseChampion`):
    /// a weight file's calibrated churn probabilities, or a scorecard's points (Σ weight·value,
    /// which `Scorecard.score(points:)` turns into its score). A custom champion has none.
    public func scores(computed values: [Double]) throws -> ModelScores {
        switch self {
        case .scorecard(let card): return card.modelScores(points: values)
        case .weights(let file, _): return ModelScores(name: Self.name(of: file), values: values)
        case .custom(let name, _):
            throw FitError.shape("the champion \"\(name.shownInMessage)\" scores rows on the client: not with --in-database")
        }
    }

    private static func name(of file: WeightFile) -> String {
        "champion (\(file.metadata.trainingPeriods.last.map { "trained to \($0)" } ?? "weight file"))"
    }

    /// Compares the champion with a backtest's out-of-sample, calibrated scores on the same rows;
    /// `scores` are the champion's scores of `run.rows` when already computed.
    public func compare(with run: BacktestRun, panel: Panel, scores computed: ModelScores? = nil) throws -> ChampionComparison {
        let champion = try computed ?? scores(panel: panel, rows: run.rows)
        let challenger = ModelScores(name: "challenger (new weights)", values: run.calibratedProbability)
        let y = run.rows.map { panel.outcome[$0] }
        let w = panel.weights.map { ws in run.rows.map { ws[$0] } }
        return try ChampionComparison.compare(champion: champion, challenger: challenger, y: y, w: w)
    }
}
