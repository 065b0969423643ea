/// What `recalibrate` hands to the weight file and the report, built from the run's results.
extension Recalibration {
    /// The weight file's headline out-of-sample metrics.
    static func headline(_ m: MetricsReport) -> [String: Double] {
        var headline: [String: Double] = ["oos_brier": m.brier, "oos_log_loss": m.logLoss,
                                          "oos_churn_rate": m.churnRate, "oos_mean_predicted": m.meanPredicted]
        if let auc = m.rocAUC { headline["oos_auc"] = auc }
        if let slope = m.cox?.slope { headline["oos_calibration_slope"] = slope }
        return headline
    }

    /// The report's inputs known before the flags: the backtest's scores, the final model and its
    /// partial effects (bands, flags and the output list are added when known).
    static func reportInputs(label: String, date: String?, source: PanelSource, backtest: BacktestReport, run: BacktestRun,
                             panel: Panel, champion: ModelScores?, final: SpecFit) -> ReportInputs {
        let periodLabels = panel.periodLabels
        var inputs = ReportInputs(
            runLabel: label, date: date, dataFile: source.shortName,
            backtest: backtest, probability: run.calibratedProbability, rawProbability: run.probability,
            outcome: run.rows.map { panel.outcome[$0] }, weights: panel.weights.map { ws in run.rows.map { ws[$0] } },
            periodLabels: panel.isSnapshot ? run.rows.map { _ in "" } : run.rows.map { periodLabels[Int(panel.periodOfRow[$0])] },
            champion: champion, fit: final.fit, calibration: run.finalCalibration, bands: nil, flags: nil, outputs: [])
        inputs.partialEffects = PartialEffect.curves(encoding: final.encoding, fit: final.fit,
                                                     ranges: PartialEffect.ranges(encoding: final.encoding, panel: panel, rows: Array(0..<panel.rowCount)))
        inputs.selection = final.selection
        return inputs
    }
}
