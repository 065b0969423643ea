import Foundation

/// The model as a credit-style points scorecard, the form customer-success platforms take
/// measure weights in.
///
/// Scale: points = offset + factor · ln(odds of staying), odds = (1 − p) / p, with
/// factor = pdo / ln 2 (every `pdo` points double the odds of staying) and
/// offset = basePoints − factor · ln(baseOdds) (a customer with odds `baseOdds`:1 of staying
/// scores `basePoints`). Defaults 20 / 600 / 50, the usual credit-scorecard convention.
/// Since ln(odds) = −η, points = offset − factor · η: each encoded column's points are
/// −factor · weight, so higher points mean healthier.
///
/// Rows (CSV): `(base points)` (offset − factor · (intercept − Σ weight · center / scale) over
/// standardized columns: the points of a customer whose transformed values are all 0); then per
/// metric its points per unit of the metric as the model sees it (after log1p, for log1p
/// features; linear only between `lower` and `upper`, the clip bounds), points per level for
/// categorical metrics (the reference level scores 0), and the points of a missing value (its
/// imputed value's per-unit points plus its missing indicator, in one number).
/// Summing base + per-unit × value + level/missing points gives the points exactly.
///
/// `share` is each metric's share of the score's spread, defined as its share of the **sum of
/// the per-metric contribution variances** on the training rows (from `contribution_sds`:
/// SD² / Σ SD²; covariances between metrics are ignored, so the shares add up to 1). It is empty
/// when the weight file carries no contribution SDs.
public enum ScorecardExport {
    public struct Scale: Sendable, Equatable {
        public var pdo: Double = 20
        public var basePoints: Double = 600
        public var baseOdds: Double = 50
        public init(pdo: Double = 20, basePoints: Double = 600, baseOdds: Double = 50) {
            self.pdo = pdo
            self.basePoints = basePoints
            self.baseOdds = baseOdds
        }
        public var factor: Double { pdo / log(2) }
        public var offset: Double { basePoints - factor * log(baseOdds) }
    }

    public static let header = ["metric", "group", "item", "points", "lower", "upper", "share"]

    public static func csv(_ file: WeightFile, scale: Scale = Scale()) throws(ExportError) -> String {
        guard scale.pdo > 0, scale.baseOdds > 0, scale.pdo.isFinite, scale.basePoints.isFinite, scale.baseOdds.isFinite else {
            throw .unsupported(format: "scorecard", reason: "--pdo and --base-odds must be positive numbers")
        }
        if case .isotonic = file.calibration {
            throw .unsupported(format: "scorecard", reason: "isotonic calibration is not linear in the log-odds, so it has no points scale; use platt, intercept or none")
        }
        if let spline = file.encoding.features.first(where: { $0.knots != nil }) {
            throw .unsupported(format: "scorecard", reason: "\"\(spline.name.shownInMessage)\" is a spline, whose points are not a constant per unit; a scorecard would misstate them (use the weight file, SQL or PMML, which carry the spline exactly)")
        }
        if file.encoding.features.contains(where: { $0.cuts != nil }) { return try thresholdCSV(file, scale: scale) }
        let m = file.model, enc = file.encoding
        let factor = scale.factor
        let sds = m.contributionSDs ?? [:]
        let totalVariance = enc.features.reduce(0.0) { $0 + pow(sds[$1.name] ?? 0, 2) }
        var rows: [[CSVWriter.Cell]] = []
        var shift = 0.0
        var j = 0
        for f in enc.features {
            let share: CSVWriter.Cell = m.contributionSDs != nil && totalVariance > 0 ? .number(pow(sds[f.name] ?? 0, 2) / totalVariance) : .empty
            let metric = CSVWriter.Cell.text(f.name), group = f.group.map { CSVWriter.Cell.text($0) } ?? .empty
            var perUnit = 0.0, indicator = 0.0
            for column in f.columns {
                let w = m.weights[j]
                j += 1
                if column == f.name, f.type != .categorical {
                    perUnit = w
                    if let center = f.center, let s = f.scale { perUnit = w / s; shift += w * center / s }
                    let unit = f.type == .boolean ? "when 1 (vs 0)" : f.transform == .log1p ? "per unit of ln(1 + value)" : "per unit"
                    rows.append([metric, group, .text(unit), .number(-factor * perUnit),
                                 .optional(f.lower), .optional(f.upper), share])
                } else if column == "\(f.name) (missing)" {
                    indicator = w
                } else if column == "\(f.name)=(missing)" {
                    rows.append([metric, group, .text("when missing"), .number(-factor * w), .empty, .empty, share])
                } else {
                    let level = column.hasPrefix(f.name + "=") ? String(column.dropFirst(f.name.count + 1)) : column
                    rows.append([metric, group, .text("level \(level)"), .number(-factor * w), .empty, .empty, share])
                }
            }
            // A missing numeric/boolean value scores its imputed value plus its indicator: one row.
            if f.type != .categorical, let v = f.imputeValue {
                rows.append([metric, group, .text("when missing (instead of per unit)"),
                             .number(-factor * (perUnit * v + indicator)), .empty, .empty, share])
            }
            if f.type == .categorical, let ref = f.reference {
                rows.append([metric, group, .text("level \(ref) (reference)"), .number(0), .empty, .empty, share])
            }
        }
        let base = scale.offset - factor * (m.intercept - shift)
        var csv = CSVWriter()
        csv.row(header)
        csv.row([.text("(base points)"), .empty, .text("pdo \(scale.pdo), \(scale.basePoints) points at odds \(scale.baseOdds):1"),
                 .number(base), .empty, .empty, .empty])
        for r in rows { csv.row(r) }
        return csv.text
    }
}
