/// The terminal rendering of a backtest: the folds, the pooled record, calibration before and
/// after, segments and the champion comparison.
public enum BacktestText {
    public static func render(_ r: BacktestReport) -> String {
        typealias T = MetricsText
        var out = "Walk-forward backtest (out-of-sample: each period scored by a model trained only on earlier, known outcomes)\n\n"
        let rows: [[String]] = r.folds.map { f in
            let train = f.trainPeriods.isEmpty ? "other folds" :
                (f.trainPeriods.count == 1 ? f.trainPeriods[0] : "\(f.trainPeriods.first ?? "")–\(f.trainPeriods.last ?? "") (\(f.trainPeriods.count))")
            return [f.test, train, "\(f.trainRows)", "\(f.testRows)",
                    f.metrics.map { T.pct($0.churnRate) } ?? "n/a",
                    f.metrics?.rocAUC.map { T.num($0, 4) } ?? "n/a",
                    f.metrics.map { T.num($0.logLoss, 4) } ?? "n/a",
                    f.metrics.map { T.num($0.brier, 4) } ?? "n/a"]
        }
        out += T.table(["Scored", "Trained on", "Train rows", "Rows", "Churn", "AUC", "Log loss", "Brier"], rows)
        out += "\nPooled out-of-sample, calibrated as it would have been at the time:\n"
        out += T.summary(r.pooledCalibrated, indent: "  ")
        if let c = r.calibration {
            out += "\nCalibration (\(c.method.rawValue)), judged on periods each map was not estimated on:\n"
            out += T.table(["", "Log loss", "Brier", "ECE", "Slope", "Intercept", "Observed − predicted"], [
                ["before", T.num(c.before.logLoss, 5), T.num(c.before.brier, 5), c.before.ece.map { T.num($0, 4) } ?? "n/a",
                 c.before.coxSlope.map { T.num($0, 3) } ?? "n/a", c.before.coxIntercept.map { T.num($0, 3) } ?? "n/a",
                 T.signedPct(c.before.calibrationInTheLarge)],
                ["after", T.num(c.after.logLoss, 5), T.num(c.after.brier, 5), c.after.ece.map { T.num($0, 4) } ?? "n/a",
                 c.after.coxSlope.map { T.num($0, 3) } ?? "n/a", c.after.coxIntercept.map { T.num($0, 3) } ?? "n/a",
                 T.signedPct(c.after.calibrationInTheLarge)],
            ])
        }
        if !r.perSegment.isEmpty {
            out += "\nBy segment (calibrated):\n"
            out += T.table(["Segment", "Rows", "Churn", "AUC", "Brier"], r.perSegment.keys.sorted().compactMap { k in
                guard let m = r.perSegment[k] else { return nil }
                return [k, "\(m.rowCount)", T.pct(m.churnRate), m.rocAUC.map { T.num($0, 4) } ?? "n/a", T.num(m.brier, 4)]
            })
        }
        if let c = r.champion {
            out += "\nChampion vs challenger on the same rows:\n"
            out += T.table(["Model", "AUC", "Brier", "Log loss", "Riskiest band holds"], [c.champion, c.challenger].map { m in
                [m.name, T.num(m.auc, 4), m.brier.map { T.num($0, 5) } ?? "n/a", m.logLoss.map { T.num($0, 5) } ?? "n/a",
                 "\(T.pct(m.capture.churnerShare)) of churners"]
            })
            var line = "  AUC difference (challenger − champion) \(T.num(c.aucDifference, 4))"
            if let d = c.delongTest { line += ", DeLong p = \(T.pValue(d.pValue))" }
            out += line + "\n"
            for n in c.notes { out += "  note: \(n)\n" }
        }
        for n in r.notes { out += "note: \(n)\n" }
        return out
    }
}
