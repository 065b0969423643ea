/// The bootstrap's intervals for the report and the summary ("How sure are these numbers?").
extension ReportFacts {
    static let bootstrapLabels: [(BootstrapFigure, String, Int)] = [
        (.auc, "AUC", 3), (.brier, "Brier score", 4), (.logLoss, "Log loss", 4),
        (.calibrationSlope, "Calibration slope", 3), (.calibrationIntercept, "Calibration intercept", 3),
        (.ece, "ECE (10 equal-width bins)", 4), (.topDecileLift, "Top-decile lift", 2),
        (.falseHealthyShare, "False-healthy share of churners", 3),
    ]

    /// What was resampled, how often, and what the intervals mean; nil without a bootstrap.
    var bootstrapSentence: String? {
        guard let b = r.backtest.bootstrap else { return nil }
        let source = b.seed.map { "seed \($0)" } ?? "a fixed list of resamples"
        return "95% intervals from \(b.resamples) bootstrap resamples (\(source)) of the \(b.customers) customers with out-of-sample rows: "
            + "customers were drawn with replacement, each bringing all its scored periods, and every figure recomputed on the same out-of-sample scores (no model refitted). "
            + "An interval is the 2.5th to 97.5th percentile over the resamples."
            + (b.championMinusChallenger == nil ? "" : " Champion − challenger differences are paired: both models on the same resample; an interval that excludes 0 is a difference the data support.")
    }

    var bootstrapTable: ReportTable? {
        guard let b = r.backtest.bootstrap else { return nil }
        let paired = b.championMinusChallenger
        var columns: [ReportTable.Column] = [.init("Figure"), .init("Out-of-sample", alignment: .numeric), .init("95% interval", alignment: .numeric)]
        if paired != nil { columns.append(.init("Champion − challenger (95% interval)", alignment: .numeric)) }
        let rows: [ReportTable.Row] = Self.bootstrapLabels.compactMap { figure, label, digits in
            guard let i = b.figures[figure.rawValue] else { return nil }
            var cells = [label, T.num(i.estimate, digits), "\(T.num(i.lower, digits))–\(T.num(i.upper, digits))"]
            if let paired {
                cells.append(paired[figure.rawValue].map { "\(T.num($0.estimate, digits)) (\(T.num($0.lower, digits)) to \(T.num($0.upper, digits)))" } ?? "n/a")
            }
            return ReportTable.Row(cells)
        }
        return ReportTable(caption: "Out-of-sample figures with cluster-bootstrap intervals", columns: columns, rows: rows)
    }
}
