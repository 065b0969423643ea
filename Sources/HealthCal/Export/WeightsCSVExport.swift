import Foundation

/// The weights as a CSV for spreadsheets: one row per encoded column (the intercept first), with
/// the final weight (calibration folded in), its odds ratio e^w, the training mean of the column
/// (`contribution_means`), the standardization center and scale of the feature, and its group.
/// Text cells are formula-escaped (`CSVCell`).
public enum WeightsCSVExport {
    public static let header = ["feature", "encoded_column", "weight", "odds_ratio", "mean", "center", "scale", "group"]

    public static func csv(_ file: WeightFile) -> String {
        var out = CSVCell.record(header.map { CSVCell.text($0) })
        let enc = file.encoding
        out += CSVCell.record([CSVCell.text("(intercept)"), CSVCell.text("const"), CSVCell.number(file.model.intercept),
                               CSVCell.number(exp(file.model.intercept)), CSVCell.number(enc.contributionMeans.first), "", "", ""])
        var j = 0
        for f in enc.features {
            for column in f.columns {
                let w = file.model.weights[j]
                out += CSVCell.record([CSVCell.text(f.name), CSVCell.text(column), CSVCell.number(w), CSVCell.number(exp(w)),
                                       CSVCell.number(enc.contributionMeans[j + 1]),
                                       column == f.name ? CSVCell.number(f.center) : "",
                                       column == f.name ? CSVCell.number(f.scale) : "",
                                       CSVCell.text(f.group ?? "")])
                j += 1
            }
        }
        return out
    }
}
