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
    public var notes: [String]

    /// `rows` are the out-of-sample panel rows with their period ordinal (or fold key),
    /// linear predictor, probability, outcome and optional weight.
    public init(panel: Panel, rows: [Int], period periodKey: [Int], linearPredictor eta: [Double],
                probability p: [Double], outcome y: [Double], weights w: [Double]?,
                progress: (@Sendable (String) -> Void)? = nil) throws {
        let spec = panel.spec
        let method = spec.calibration.method
        var calibrated = p
        var assessment: CalibrationAssessment? = nil
        var notes: [String] = []
        if method != .none {
            progress?("calibration (\(method.rawValue)) assessed period by period on \(p.count) out-of-sample rows")
        }
        // Independent of each other, one core each: the assessment; the pooled metrics of the
        // raw scores and the final map (read from their Cox fit when it is the same fit).
        let horizon = panel.isSnapshot ? 1 : spec.backtest.horizon, raw = p
        let (assessed, (finalFit, pooledRaw)) = concurrently({ () -> Result<CalibrationAssessment, CalibrationError>? in
            guard method != .none else { return nil }
            return Result { () throws(CalibrationError) in
                try CalibrationAssessment.assess(p: raw, y: y, w: w, period: periodKey, method: method, mode: .rolling, horizon: horizon)
            }
        }, {
            let report = Result { () throws(MetricError) in try MetricsReport.compute(p: raw, y: y, w: w) }
            return (Result { () throws(CalibrationError) in
                method == .none ? .identity : try CalibrationMap.fit(method, p: raw, y: y, w: w, reusing: try? report.get())
            }, report)
        })
        if let assessed {
            do {
                let a = try assessed.get()
                assessment = a
                var mapOfKey: [Int: CalibrationMap] = [:]
                for step in a.steps { for t in step.evaluationPeriods { mapOfKey[t] = step.map } }
                for i in rows.indices { if let m = mapOfKey[periodKey[i]] { calibrated[i] = m.apply(logit: eta[i]) } }
                let uncovered = Set(periodKey).subtracting(mapOfKey.keys).count
                if uncovered > 0 {
                    notes.append("calibration: the first \(uncovered) scored period\(uncovered == 1 ? "" : "s") had no earlier scores to estimate a map on; their scores are uncalibrated")
                }
            } catch {
                notes.append("calibration could not be assessed: \(error)")
            }
        }
        let finalMap: CalibrationMap
        do { finalMap = try finalFit.get() } catch {
            notes.append("calibration map could not be estimated (\(error)); scores are left uncalibrated")
            finalMap = .identity
        }

        progress?("pooled and per-segment metrics")
        let pooled = try pooledRaw.get()
        // The calibrated reports, pooled and per segment, are independent: spread over the cores.
        var segmentRows = [[Int]](repeating: [], count: panel.segmentNames.count)
        for i in rows.indices where !segmentRows.isEmpty {
            let s = Int(panel.segmentCodes[rows[i]])
            if segmentRows.indices.contains(s) { segmentRows[s].append(i) }
        }
        let scores = calibrated, parts = [Array(rows.indices)] + segmentRows
        let reports = concurrentMap(parts.count) { k in
            let idx = parts[k]
            return Result { () throws(MetricError) in
                try MetricsReport.compute(p: idx.map { scores[$0] }, y: idx.map { y[$0] }, w: w.map { ws in idx.map { ws[$0] } })
            }
        }
        let pooledCalibrated = try reports[0].get()
        var perSegment: [String: MetricsReport] = [:]
        for (s, name) in panel.segmentNames.enumerated() where !segmentRows[s].isEmpty {
            perSegment[name] = try? reports[s + 1].get()
        }
        self.calibrated = calibrated
        self.pooled = pooled
        self.pooledCalibrated = pooledCalibrated
        self.perSegment = perSegment
        self.assessment = assessment
        self.finalMap = finalMap
        self.notes = notes
    }
}
