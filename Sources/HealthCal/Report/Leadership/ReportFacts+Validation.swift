/// The optimism bootstrap for "The model" (`--validate`): how much the in-sample fit flatters it.
extension ReportFacts {
    static let validationLabels: [(String, String, Int)] = [
        ("auc", "AUC", 3), ("dxy", "Somers' Dxy", 3), ("calibration_slope", "Calibration slope", 3),
        ("calibration_intercept", "Calibration intercept", 3), ("brier", "Brier score", 4),
    ]

    /// One plain sentence on the AUC's optimism; nil without a validation.
    var validationSentence: String? {
        guard let v = r.validation else { return nil }
        let source = v.seed.map { "seed \($0)" } ?? "a fixed list of resamples"
        var text = "How much the fit flatters itself: the model was refitted on \(v.fitted) of \(v.resamples) bootstrap resamples of the \(v.customers) customers (\(source); Efron–Gong optimism, as rms's validate), each refit scored on its own resample and on all customers. "
        if let auc = v.figures["auc"] {
            text += "In-sample AUC \(T.num(auc.apparent, 3)) is optimistic by \(T.num(auc.optimism, 3)); corrected, \(T.num(auc.corrected, 3)). "
        }
        if let slope = v.figures["calibration_slope"] {
            text += slope.corrected < 0.9
                ? "A corrected calibration slope of \(T.num(slope.corrected, 2)) says new customers' predictions will be too extreme: the model is overfit (fewer metrics, or a penalty, would help)."
                : "A corrected calibration slope of \(T.num(slope.corrected, 2)) says the weights carry little overfitting."
        }
        return text
    }

    var validationTable: ReportTable? {
        guard let v = r.validation else { return nil }
        let rows: [ReportTable.Row] = Self.validationLabels.compactMap { name, label, digits in
            guard let f = v.figures[name] else { return nil }
            return ReportTable.Row([label, T.num(f.apparent, digits), T.num(f.optimism, digits), T.num(f.corrected, digits), "\(f.resamples)"])
        }
        return ReportTable(caption: "In-sample figures corrected for optimism (bootstrap refits)",
                           columns: [.init("Figure"), .init("In-sample", alignment: .numeric), .init("Optimism", alignment: .numeric),
                                     .init("Corrected", alignment: .numeric), .init("Refits", alignment: .numeric)],
                           rows: rows)
    }
}
