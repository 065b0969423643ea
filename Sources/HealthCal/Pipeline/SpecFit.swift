/// One pooled fit of a panel as its spec says: encodings fitted on the given rows, the design
/// built, the logistic regression fitted with the spec's ridge penalty and covariance
/// (`Panel.covarianceType`: cluster-robust on the customer id by default for a panel).
public struct SpecFit: Sendable {
    public var encoding: FittedEncoding
    public var fit: LogisticFit
    /// With `model.select: path`: the path and how its λ was chosen (`PathSelection`).
    public var selection: PathSelection? = nil

    /// Fits on `rows` (all rows when nil). `ridge` overrides the spec's `model.ridge`.
    /// `warmStart` (an earlier fit, e.g. the previous backtest fold's) starts the Newton
    /// iterations from its weights when its columns are the same; the optimum does not change.
    /// `previous` (a backtest fold's predecessor) starts them from its optimum moved by one Newton
    /// step for the added rows instead (`FoldStart`), when that can be computed.
    /// `storage` holds the design's elements and gets them back after the fit (see `DesignStorage`).
    /// `finalHessian`: `.beforeLastStep` only for fits whose standard errors nobody reads.
    public static func run(panel: Panel, rows: [Int]? = nil, ridge: Double? = nil, warmStart: LogisticFit? = nil,
                           previous: PreviousFold? = nil, storage: DesignStorage? = nil,
                           finalHessian: FinalHessian = .exact) throws -> SpecFit {
        let rows = rows ?? Array(0..<panel.rowCount)
        let (encoding, fresh) = try FeatureEncoder.fitWithEncodedDesign(panel, rows: rows, spec: panel.spec, storage: storage)
        var design = fresh.design
        defer { if let storage { storage.giveBack(design.releaseStorage()) } }
        return try fitted(encoding, design, ranges: fresh.ranges, panel: panel, rows: rows, ridge: ridge, warmStart: warmStart,
                          previous: previous, finalHessian: finalHessian)
    }

    /// `run` on all rows for a caller that is done with the panel's feature columns (a one-off
    /// fit): the raw columns are freed while the design is built, so the data path peaks at
    /// about one design in memory. The panel is left without feature columns (except under
    /// `select: path`, whose folds encode from them: then this is `run(panel:)`).
    public static func run(releasing panel: inout Panel, ridge: Double? = nil) throws -> SpecFit {
        let rows = Array(0..<panel.rowCount)
        // select: path encodes each selection fold from the raw columns: they must stay.
        if panel.spec.model.select == .path { return try run(panel: panel, ridge: ridge) }
        let (encoding, encoded) = try FeatureEncoder.fitWithEncodedDesign(releasing: &panel, rows: rows, spec: panel.spec)
        return try fitted(encoding, encoded.design, ranges: encoded.ranges, panel: panel, rows: rows, ridge: ridge, warmStart: nil)
    }

    private static func fitted(_ encoding: FittedEncoding, _ design: Design, ranges: [LogisticRegression.ColumnRange?], panel: Panel, rows: [Int],
                               ridge: Double?, warmStart: LogisticFit?, previous: PreviousFold? = nil,
                               finalHessian: FinalHessian = .exact) throws -> SpecFit {
        let spec = panel.spec
        let y = rows.map { panel.outcome[$0] }
        let w = panel.weights.map { ws in rows.map { ws[$0] } }
        var options = LogisticOptions(ridge: ridge ?? spec.model.l2, firth: spec.model.firth, l1: spec.model.l1)
        // select: path picks the penalty on the walk-forward backtest of these rows only.
        let selection = spec.model.select == .path
            ? try PathSelection.run(panel: panel, rows: rows, design: design, y: y, weights: w) : nil
        if let selection { (options.l1, options.ridge) = (selection.l1, selection.l2) }
        options.newton.maxIterations = spec.model.maxIterations
        let predicted = previous.flatMap { FoldStart.predicted(from: $0, encoding: encoding, design: design, y: y, weights: w) }
        let start = selection.map { $0.path.coefficients[$0.chosenIndex] } ?? predicted?.start
            ?? warmStart.flatMap { $0.names == design.names ? $0.coefficients : nil }
        // Steps on the predicted start's Hessian save the Hessian passes, not the one at the optimum:
        // only for fits whose standard errors nobody reads.
        let approximate = finalHessian == .beforeLastStep && selection == nil ? predicted?.hessian : nil
        // Only fits whose standard errors are read get the sandwich (its pass over the design).
        let clusters = finalHessian == .exact ? panel.clusterCodes(rows: rows) : nil
        let fit = try LogisticRegression.fit(design, y: y, weights: w, options: options, outcomeName: spec.data.outcome,
                                               start: start, approximateHessian: approximate, finalHessian: finalHessian,
                                               knownRanges: ranges, clusters: clusters)
        return SpecFit(encoding: encoding, fit: fit, selection: selection)
    }
}
