/// The backtest after its folds: the honest calibration of the out-of-sample scores (each
/// period's map estimated only on earlier scored periods), the final map, and the pooled and
/// per-segment metrics. Separate from the folds so that a benchmark can time it alone.
@_spi(Benchmarks) public struct BacktestEvaluation: Sendable {
    /// The probability after the map estimated before each row's period (raw where none could be).
    public var calibrated: [Double]
    public var pooled: MetricsReport
    public var pooledCalibrated: MetricsReport
    public var perSegment: [String: MetricsReport]
    public var assessment: CalibrationAssessment?
    public var finalMap: CalibrationMap
    /// With `folds`: the metrics of each fold's raw scores (nil where undefined).
    public var foldMetrics: [MetricsReport?]
    public var notes: [String]

    /// `rows` are the out-of-sample panel rows with their period ordinal (or fold key),
    /// linear predictor, probability, outcome and optional weight; `folds`, when given, is the
    /// fold of each row and the number of folds, for `foldMetrics`.
    public init(panel: Panel, rows: [Int], period periodKey: [Int], linearPredictor eta: [Double],
                probability p: [Double], outcome y: [Double], weights w: [Double]?,
                folds: (ofRow: [Int], count: Int)? = nil,
                progress: (@Sendable (String) -> Void)? = nil) throws {
        let spec = panel.spec
        let method = spec.calibration.method
        if method != .none {
            progress?("calibration (\(method.rawValue)) assessed period by period on \(p.count) out-of-sample rows")
        }
        let segmentCount = panel.segmentNames.count
        let segmentOfRow = segmentCount == 0 ? nil : rows.map { r -> Int in
            let s = Int(panel.segmentCodes[r])
            return s >= 0 && s < segmentCount ? s : -1
        }
        // Two chains, one core each (their parts spread further when the other core is free):
        // the assessment, the calibrated scores it gives, then their pooled and per-segment
        // metrics (one ranking); and the pooled and per-fold metrics of the raw scores (one
        // ranking) with the final map (read from their Cox fit when it is the same fit).
        let horizon = panel.isSnapshot ? 1 : spec.backtest.horizon, raw = p
        let (calibratedSide, (finalFit, pooledRaw, foldReports)) = concurrently({
            let (calibrated, assessment, notes) = Self.calibrated(panel: panel, p: raw, y: y, w: w, period: periodKey,
                                                                  linearPredictor: eta, method: method, horizon: horizon)
            progress?("pooled and per-segment metrics")
            let reports = GroupedReports.compute(p: calibrated, y: y, w: w, group: segmentOfRow, groupCount: segmentCount)
            return (calibrated: calibrated, assessment: assessment, notes: notes, reports: reports)
        }, {
            let (report, perFold) = GroupedReports.compute(p: raw, y: y, w: w, group: folds?.ofRow, groupCount: folds?.count ?? 0)
            return (Result { () throws(CalibrationError) in
                method == .none ? .identity : try CalibrationMap.fit(method, p: raw, y: y, w: w, reusing: try? report.get())
            }, report, perFold)
        })
        var notes = calibratedSide.notes
        let finalMap: CalibrationMap
        do { finalMap = try finalFit.get() } catch {
            notes.append("calibration map could not be estimated (\(error)); scores are left uncalibrated")
            finalMap = .identity
        }
        let pooled = try pooledRaw.get()
        let (calibratedReport, segmentReports) = calibratedSide.reports
        let pooledCalibrated = try calibratedReport.get()
        var perSegment: [String: MetricsReport] = [:]
        // A segment whose report is undefined (e.g. `.empty`: no rows) gets no entry.
        for (s, name) in panel.segmentNames.enumerated() { perSegment[name] = try? segmentReports[s].get() }
        let calibrated = calibratedSide.calibrated, assessment = calibratedSide.assessment
        self.calibrated = calibrated
        self.pooled = pooled
        self.pooledCalibrated = pooledCalibrated
        self.perSegment = perSegment
        self.assessment = assessment
        self.finalMap = finalMap
        self.foldMetrics = foldReports.map { try? $0.get() }
        self.notes = notes
    }

    /// The honestly calibrated scores: the rolling assessment, then each row's probability from
    /// the map estimated before its period (raw where none could be), with the notes saying
    /// which periods stayed raw or why the assessment failed.
    static func calibrated(panel: Panel, p: [Double], y: [Double], w: [Double]?, period periodKey: [Int],
                           linearPredictor eta: [Double], method: CalibrationOptions.Method, horizon: Int)
        -> (values: [Double], assessment: CalibrationAssessment?, notes: [String]) {
        guard method != .none else { return (p, nil, []) }
        let a: CalibrationAssessment
        do {
            // A snapshot's folds have no order: each is calibrated by a map from all the others.
            a = try CalibrationAssessment.assess(p: p, y: y, w: w, period: periodKey, method: method,
                                                 mode: panel.isSnapshot ? .crossFitted : .rolling, horizon: horizon)
        } catch {
            return (p, nil, ["calibration could not be assessed: \(error)"])
        }
        var mapOfKey: [Int: CalibrationMap] = [:]
        for step in a.steps { for t in step.evaluationPeriods { mapOfKey[t] = step.map } }
        // Rows come in runs of one period: one look-up per run. The two halves on the two cores.
        let n = p.count, maps = mapOfKey
        let halves = concurrentMap(2) { h -> (values: [Double], keys: Set<Int>) in
            var values = Array(p[(h * n / 2)..<((h + 1) * n / 2)])
            var runKey: Int? = nil, runMap: CalibrationMap? = nil
            var keys = Set<Int>()
            for (k, i) in ((h * n / 2)..<((h + 1) * n / 2)).enumerated() {
                if periodKey[i] != runKey {
                    runKey = periodKey[i]
                    runMap = maps[periodKey[i]]
                    keys.insert(periodKey[i])
                }
                if let m = runMap { values[k] = m.apply(logit: eta[i]) }
            }
            return (values, keys)
        }
        var notes: [String] = []
        let uncovered = halves[0].keys.union(halves[1].keys).subtracting(mapOfKey.keys).sorted()
        if !uncovered.isEmpty {
            // The keys are period ordinals (fold numbers for a snapshot): named as the analyst knows them.
            let labels = uncovered.map { key in
                panel.isSnapshot ? "fold \(key + 1)" : panel.periods.first { $0.ordinal == key }?.label ?? "\(key)"
            }
            let which = uncovered.count == 1 ? "\(labels[0]), the first scored period, had"
                : "\(labels.dropLast().joined(separator: ", ")) and \(labels[labels.count - 1]), the first \(uncovered.count) scored periods, had"
            notes.append("calibration: \(which) no earlier scores to estimate a map on; \(uncovered.count == 1 ? "its" : "their") scores are uncalibrated")
        }
        return (halves[0].values + halves[1].values, a, notes)
    }
}
