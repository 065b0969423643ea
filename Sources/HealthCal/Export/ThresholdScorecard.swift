import Foundation

/// The scorecard as thresholds (`export --to scorecard` for a weight file with binned
/// features): one row per metric and range, the form customer-success platforms take per-measure
/// thresholds and points in.
///
/// Rows (CSV `metric, group, item, lower, upper, points`): `(base points)` first; then per
/// binned metric one row per bin with `lower <= value < upper` (an empty bound is open), and
/// `missing`; per categorical metric one row per level (the reference and any level not
/// listed score 0) and `missing`; per boolean metric `value 1`, `value 0` and `missing`.
/// A customer's points are the base points plus the one matching row of each metric.
///
/// Scale: the per-unit scorecard's (`ScorecardExport.Scale`): points = offset − factor · η,
/// higher is healthier; each row's points are −factor · (its columns' weights), the lowest bin
/// of a binned metric (the reference) scoring 0, and the base points are offset − factor ·
/// intercept. Points are rounded to 0.01, so a customer's sum of n_features + 1 rounded numbers
/// is within (n_features + 1) · 0.005 points of the exact points, that is within
/// (n_features + 1) · 0.005 / factor in log-odds (the base row states both figures).
///
/// A numeric metric that is not binned (linear, log1p, or any other shape) has no ranges: such a
/// weight file is refused with the metric and its transform named (use `transform: bins`, or
/// export the per-unit scorecard from a fit without bins).
extension ScorecardExport {
    public static let thresholdHeader = ["metric", "group", "item", "lower", "upper", "points"]

    /// Points are written rounded to this many decimals.
    public static let thresholdDecimals = 2

    static func thresholdCSV(_ file: WeightFile, scale: Scale) throws(ExportError) -> String {
        let m = file.model, enc = file.encoding
        let factor = scale.factor
        func points(_ w: Double) -> CSVWriter.Cell {
            let p = -factor * w
            return .number((p * 100).rounded() / 100, decimals: thresholdDecimals)
        }
        var rows: [[CSVWriter.Cell]] = []
        var j = 0
        for f in enc.features {
            let weights = Array(m.weights[j..<(j + f.width)])
            j += f.width
            let metric = CSVWriter.Cell.text(f.name), group = f.group.map { CSVWriter.Cell.text($0) } ?? .empty
            switch f.type {
            case .numeric:
                guard let cuts = f.cuts else {
                    throw .unsupported(format: "scorecard", reason: "metric \"\(f.name.shownInMessage)\" is not binned (transform: \((f.transform ?? .none).rawValue)), so it has no thresholds; give it transform: bins in the spec and refit, or export the per-unit scorecard from a weight file without binned metrics")
                }
                for k in 0...cuts.count {
                    rows.append([metric, group, .text(k == 0 ? "range (reference)" : "range"),
                                 k == 0 ? .empty : .number(cuts[k - 1]), k == cuts.count ? .empty : .number(cuts[k]),
                                 points(k == 0 ? 0 : weights[k - 1])])
                }
                if f.imputeValue != nil {
                    let missing: Double
                    if f.missingIndicator == true {
                        missing = weights[cuts.count]
                    } else {
                        let b = MonotoneBins.bin(f.imputeValue ?? 0, cuts: cuts)
                        missing = b == 0 ? 0 : weights[b - 1]
                    }
                    rows.append([metric, group, .text("missing"), .empty, .empty, points(missing)])
                }
            case .boolean:
                let w = weights[0], indicator = f.missingIndicator == true && f.width > 1 ? weights[1] : 0
                rows.append([metric, group, .text("value 1"), .empty, .empty, points(w)])
                rows.append([metric, group, .text("value 0"), .empty, .empty, points(0)])
                if let v = f.imputeValue { rows.append([metric, group, .text("missing"), .empty, .empty, points(w * v + indicator)]) }
            case .categorical:
                for (offset, column) in f.columns.enumerated() {
                    if column == "\(f.name)=\(FeatureEncoder.missingLevel)" { continue }
                    var item = column.hasPrefix(f.name + "=") ? "level " + String(column.dropFirst(f.name.count + 1)) : column
                    if column == "\(f.name)=\(FeatureEncoder.otherLevel)" {
                        item = "levels \((f.pooled ?? []).joined(separator: " | "))"
                    }
                    rows.append([metric, group, .text(item), .empty, .empty, points(weights[offset])])
                }
                rows.append([metric, group, .text("level \(f.reference ?? "") (reference)\(f.unseen == .error ? "" : " and any level not listed")"),
                             .empty, .empty, points(0)])
                let missingOffset = f.hasMissingLevel == true ? f.width - 1 : nil
                rows.append([metric, group, .text("missing"), .empty, .empty, points(missingOffset.map { weights[$0] } ?? 0)])
            }
        }
        let terms = Double(enc.features.count + 1)
        let boundPoints = terms * 0.005
        var csv = CSVWriter()
        csv.row(thresholdHeader)
        csv.row([.text("(base points)"), .empty,
                 .text("pdo \(scale.pdo), \(scale.basePoints) points at odds \(scale.baseOdds):1; each metric scores the one row whose range holds its value (lower <= value < upper); points rounded to 0.01, so a total is within \(CSVWriter.format(boundPoints, decimals: 3)) points (\(CSVWriter.format(boundPoints / factor, decimals: 6)) in log-odds) of the exact score"),
                 .empty, .empty, .number(((scale.offset - factor * m.intercept) * 100).rounded() / 100, decimals: thresholdDecimals)])
        for r in rows { csv.row(r) }
        return csv.text
    }
}
