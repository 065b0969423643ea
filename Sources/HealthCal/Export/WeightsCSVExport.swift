import Foundation

/// The weights as a CSV for spreadsheets: one row per encoded column (the intercept first), with
/// the final weight (calibration folded in), its odds ratio e^w, the training mean of the column
/// (`contribution_means`), the standardization center and scale of the feature, and its group.
/// Written by `CSVWriter` (docs/exports.md), numbers at full precision.
public enum WeightsCSVExport {
    public static let header = ["feature", "encoded_column", "weight", "odds_ratio", "mean", "center", "scale", "group"]

    public static func csv(_ file: WeightFile) -> String {
        var csv = CSVWriter()
        csv.row(header)
        let enc = file.encoding
        csv.row([.text("(intercept)"), .text("const"), .number(file.model.intercept), .number(exp(file.model.intercept)),
                 .optional(enc.contributionMeans.first), .empty, .empty, .empty])
        var j = 0
        for f in enc.features {
            for column in f.columns {
                let w = file.model.weights[j]
                csv.row([.text(f.name), .text(column), .number(w), .number(exp(w)), .optional(enc.contributionMeans[j + 1]),
                         column == f.name ? .optional(f.center) : .empty,
                         column == f.name ? .optional(f.scale) : .empty,
                         f.group.map { .text($0) } ?? .empty])
                j += 1
            }
        }
        return csv.text
    }
}
