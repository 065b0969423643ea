import Foundation

extension WeightFile {
    /// A per-segment model handed to `make`: coefficients ("const" first) aligned with the
    /// segment's encoding (nil: the pooled encoding).
    public struct SegmentFit: Sendable {
        public var encoding: FittedEncoding?
        public var coefficients: [Double]
        public var contributionSDs: [String: Double]?

        public init(encoding: FittedEncoding? = nil, coefficients: [Double], contributionSDs: [String: Double]? = nil) {
            self.encoding = encoding
            self.coefficients = coefficients
            self.contributionSDs = contributionSDs
        }
    }

    /// Builds a weight file from its parts. `coefficients` are the fitted (uncalibrated)
    /// coefficients aligned with `encoding.names` ("const" first); the calibration is folded
    /// into them when it can be (platt, intercept, none). `contributionSDs` are per feature, in
    /// log-odds of the *final* weights (see `contributionSDs(encoding:design:weights:)`).
    public static func make(encoding: FittedEncoding, coefficients: [Double], calibration: CalibrationMap,
                            bands: BandAssignment?, metadata: Metadata, segmentColumn: String? = nil,
                            segments: [String: SegmentFit] = [:],
                            contributionSDs: [String: Double]? = nil) throws(WeightFileError) -> WeightFile {
        let pooled = try linearModel(encoding: encoding, coefficients: coefficients, calibration: calibration,
                                     contributionSDs: contributionSDs, ownEncoding: false, label: "pooled model")
        var segmentModels: [String: LinearModel] = [:]
        for (name, s) in segments {
            segmentModels[name] = try linearModel(encoding: s.encoding ?? encoding, coefficients: s.coefficients,
                                                  calibration: calibration, contributionSDs: s.contributionSDs,
                                                  ownEncoding: s.encoding != nil, label: "segment \"\(name)\"")
        }
        if !segments.isEmpty && segmentColumn == nil {
            throw .invalid("per-segment models need the segment column's name")
        }
        return WeightFile(format: formatName, version: currentVersion, encoding: encoding, model: pooled,
                          segmentColumn: segmentColumn ?? metadata.spec.data.segment,
                          segments: segmentModels.isEmpty ? nil : segmentModels, calibration: calibration,
                          calibrationFolded: calibration.isFoldable, healthScore: HealthScoreMapping(),
                          bands: bands, metadata: metadata)
    }

    /// The usual path: a pooled `SpecFit` on `rows` of `panel` (all rows when nil), with the
    /// metadata computed from the panel (training periods, rows, churn rate) and the SHA-256 of
    /// the training file's bytes.
    public static func make(panel: Panel, rows: [Int]? = nil, fit: SpecFit, calibration: CalibrationMap,
                            bands: BandAssignment?, inputBytes: [UInt8],
                            metrics: [String: Double]? = nil) throws -> WeightFile {
        try make(panel: panel, rows: rows, fit: fit, calibration: calibration, bands: bands,
                 inputSHA256: Fingerprint.sha256(inputBytes), metrics: metrics)
    }

    /// `make(panel:rows:fit:...)` with the training file's SHA-256 (64 hex digits) computed by
    /// the caller, e.g. by `Fingerprint.sha256(contentsOf:)` without reading the file into memory.
    /// `contributionSDs`, when given, were computed where the rows are (`--in-database`: the
    /// panel then holds no feature columns).
    public static func make(panel: Panel, rows: [Int]? = nil, fit: SpecFit, calibration: CalibrationMap,
                            bands: BandAssignment?, inputSHA256: String,
                            metrics: [String: Double]? = nil, contributionSDs given: [String: Double]? = nil,
                            segmentContributionSDs: [String: [String: Double]]? = nil) throws -> WeightFile {
        let rows = rows ?? Array(0..<panel.rowCount)
        guard fit.fit.names == fit.encoding.names else {
            throw WeightFileError.invalid("the fit's coefficient names do not match the encoding's columns")
        }
        var periodSeen = [Bool](repeating: false, count: panel.periods.count)
        var wSum = 0.0, yw = 0.0
        for r in rows {
            if !panel.isSnapshot, case let p = Int(panel.periodOfRow[r]), periodSeen.indices.contains(p) { periodSeen[p] = true }
            let w = panel.weights?[r] ?? 1
            wSum += w
            yw += w * panel.outcome[r]
        }
        let periods = periodSeen.indices.filter { periodSeen[$0] }.map { panel.periods[$0].label }
        var metadata = Metadata(trainingPeriods: periods, rows: rows.count, churnRate: wSum > 0 ? yw / wSum : 0,
                                inputSHA256: inputSHA256, spec: panel.spec, metrics: metrics)
        metadata.covariance = CovarianceRecord(fit: fit.fit, idColumn: panel.spec.data.id)
        metadata.penalty = PenaltyRecord(fit)
        let sds = try given ?? contributionSDs(panel: panel, rows: rows, fit: fit, calibration: calibration)
        return try make(encoding: fit.encoding, coefficients: fit.fit.coefficients, calibration: calibration,
                        bands: bands, metadata: metadata, contributionSDs: sds)
    }

    /// The per-segment path (`model.per_segment`): the pooled model of `fit` as `model`, and each
    /// segment's own model (raw and calibrated weights, its own encoding, contribution SDs over
    /// that segment's rows) under `segments`. The one calibration map is folded into every model.
    /// Without segment models this is exactly `make(panel:rows:fit:...)` with the pooled fit.
    public static func make(panel: Panel, rows: [Int]? = nil, segmented: SegmentedFit, calibration: CalibrationMap,
                            bands: BandAssignment?, inputBytes: [UInt8],
                            metrics: [String: Double]? = nil) throws -> WeightFile {
        try make(panel: panel, rows: rows, segmented: segmented, calibration: calibration, bands: bands,
                 inputSHA256: Fingerprint.sha256(inputBytes), metrics: metrics)
    }

    /// `make(panel:rows:segmented:...)` with the training file's SHA-256 computed by the caller.
    public static func make(panel: Panel, rows: [Int]? = nil, segmented: SegmentedFit, calibration: CalibrationMap,
                            bands: BandAssignment?, inputSHA256: String,
                            metrics: [String: Double]? = nil, contributionSDs given: [String: Double]? = nil,
                            segmentContributionSDs: [String: [String: Double]]? = nil) throws -> WeightFile {
        let rows = rows ?? Array(0..<panel.rowCount)
        let pooled = try make(panel: panel, rows: rows, fit: segmented.pooled, calibration: calibration, bands: bands,
                              inputSHA256: inputSHA256, metrics: metrics, contributionSDs: given)
        guard !segmented.segments.isEmpty else { return pooled }
        guard let segmentColumn = panel.spec.data.segment else {
            throw WeightFileError.invalid("per-segment models need the segment column's name")
        }
        var segments: [String: SegmentFit] = [:]
        for (name, fit) in segmented.segments {
            guard fit.fit.names == fit.encoding.names else {
                throw WeightFileError.invalid("segment \"\(name)\": the fit's coefficient names do not match the encoding's columns")
            }
            let sds = try segmentContributionSDs?[name] ?? contributionSDs(panel: panel, rows: rows.filter { panel.segment(ofRow: $0) == name },
                                                                           fit: fit, calibration: calibration)
            segments[name] = SegmentFit(encoding: fit.encoding, coefficients: fit.fit.coefficients, contributionSDs: sds)
        }
        return try make(encoding: pooled.encoding, coefficients: segmented.pooled.fit.coefficients, calibration: calibration,
                        bands: bands, metadata: pooled.metadata, segmentColumn: segmentColumn, segments: segments,
                        contributionSDs: pooled.model.contributionSDs)
    }

    static func linearModel(encoding: FittedEncoding, coefficients: [Double], calibration: CalibrationMap,
                            contributionSDs: [String: Double]?, ownEncoding: Bool, label: String) throws(WeightFileError) -> LinearModel {
        guard coefficients.count == encoding.names.count, encoding.names.first == "const" else {
            throw .invalid("\(label): \(coefficients.count) coefficients for \(encoding.names.count) encoded columns (\"const\" first)")
        }
        if let bad = coefficients.firstIndex(where: { !$0.isFinite }) {
            throw .invalid("\(label): the coefficient of \"\(encoding.names[bad])\" is \(coefficients[bad]); a weight file needs finite weights")
        }
        let raw = Array(coefficients.dropFirst())
        var intercept = coefficients[0], weights = raw
        if calibration.isFoldable {
            do { (intercept, weights) = try calibration.folded(intercept: coefficients[0], weights: raw) } catch {
                throw .invalid("\(label): \(error)")
            }
        }
        return LinearModel(columns: Array(encoding.names.dropFirst()), intercept: intercept, weights: weights,
                           rawIntercept: coefficients[0], rawWeights: raw, contributionSDs: contributionSDs,
                           encoding: ownEncoding ? encoding : nil)
    }
}

extension WeightFile {
    /// A weight file straight from an in-sample fit (`healthcal fit --weights-out`): no
    /// calibration (`none`), and bands from the spec: fixed thresholds as given, quantile cut
    /// points from the model's in-sample probabilities on the reference period (`latest` or the
    /// label; all rows for a snapshot). `healthcal recalibrate` replaces both with out-of-sample
    /// estimates.
    public static func makeInSample(panel: Panel, fit: SpecFit, inputBytes: [UInt8]) throws -> WeightFile {
        try makeInSample(panel: panel, segmented: SegmentedFit(pooled: fit), inputBytes: inputBytes)
    }

    /// `makeInSample` with per-segment models (`model.per_segment`): the reference period's
    /// probabilities, which set quantile cut points, come from each row's own model.
    public static func makeInSample(panel: Panel, segmented: SegmentedFit, inputBytes: [UInt8]) throws -> WeightFile {
        try makeInSample(panel: panel, segmented: segmented, inputSHA256: Fingerprint.sha256(inputBytes))
    }

    /// The rows whose in-sample probabilities set quantile cut points: those of
    /// `bands.reference_period` ("latest": the last period), every row of a snapshot; with the
    /// period's label (nil for a snapshot).
    public static func inSampleReference(panel: Panel) throws -> (rows: [Int], period: String?) {
        guard !panel.isSnapshot else { return (Array(0..<panel.rowCount), nil) }
        let label = panel.spec.bands.referencePeriod
        let k = label == "latest" ? panel.periods.count - 1 : panel.periods.firstIndex { $0.label == label }
        guard let k, k >= 0 else {
            throw BandError.unknownReferencePeriod(label, available: panel.periodLabels)
        }
        return (panel.rowsByPeriod[k], panel.periods[k].label)
    }

    /// `makeInSample` with the training file's digest already computed (e.g. by
    /// `Fingerprint.sha256(contentsOf:)`, which never holds the whole file).
    public static func makeInSample(panel: Panel, segmented: SegmentedFit, inputSHA256: String) throws -> WeightFile {
        let spec = panel.spec
        let eta = try segmented.linearPredictor(panel: panel, rows: try inSampleReference(panel: panel).rows)
        let bands = try BandAssignment(options: spec.bands, referenceProbabilities: eta.map(CalibrationMap.sigmoid))
        var file = try make(panel: panel, segmented: segmented, calibration: .identity, bands: bands, inputSHA256: inputSHA256)
        // The training window's reference bins for `healthcal drift` (uncalibrated: no backtest here).
        let all = Array(0..<panel.rowCount)
        let score = try segmented.linearPredictor(panel: panel, rows: all).map(CalibrationMap.sigmoid)
        file.drift = DriftComputation.reference(panel: panel, rows: all, score: score)
        return file
    }
}
