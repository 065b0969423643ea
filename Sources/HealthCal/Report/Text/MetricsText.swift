import Foundation

/// Plain-text renderings of metrics for the terminal: short, aligned, every figure labelled.
public enum MetricsText {
    /// The headline metrics of one report, one per line.
    public static func summary(_ m: MetricsReport, indent: String = "") -> String {
        var rows: [(String, String)] = [
            ("Rows", "\(m.rowCount)" + (m.weighted ? " (weighted total \(num(m.totalWeight, 1)))" : "")),
            ("Churn rate (observed)", pct(m.churnRate)),
            ("Mean predicted", pct(m.meanPredicted)),
        ]
        if let auc = m.rocAUC {
            var s = num(auc, 4)
            if let d = m.rocAUCDeLong { s += "  (95% CI \(num(d.lower95, 4))–\(num(d.upper95, 4)), DeLong)" }
            rows.append(("ROC AUC", s))
        }
        if let ap = m.averagePrecision { rows.append(("Average precision", num(ap, 4))) }
        if let lift = m.topDecileLift { rows.append(("Top-decile lift", "\(num(lift.lift, 2))x  (\(pct(lift.topRate)) vs \(pct(lift.overallRate)))")) }
        rows.append(("Log loss", num(m.logLoss, 5)))
        let b = m.brierDecomposition
        rows.append(("Brier score", "\(num(m.brier, 5))  (reliability \(num(b.reliability, 5)), resolution \(num(b.resolution, 5)), uncertainty \(num(b.uncertainty, 5)))"))
        rows.append(("ECE", "\(num(m.reliabilityUniform.expectedCalibrationError, 4)) equal-width, \(num(m.reliabilityQuantile.expectedCalibrationError, 4)) equal-mass"))
        if let citl = m.calibrationInTheLarge { rows.append(("Calibration-in-the-large", "\(signedPct(citl.difference)) (observed − predicted)")) }
        if let cox = m.cox { rows.append(("Calibration slope / intercept", "\(num(cox.slope, 3)) / \(num(cox.intercept, 3))  (ideal 1 / 0, Cox)")) }
        if let hl = m.hosmerLemeshow { rows.append(("Hosmer-Lemeshow", "χ² = \(num(hl.statistic, 2)) on \(hl.degreesOfFreedom) df, p = \(pValue(hl.pValue))")) }
        if let bands = m.bands, !bands.isEmpty {
            rows.append(("Churn rate by band", bands.map { "\($0.band) \($0.churnRate.map(pct) ?? "n/a")" }.joined(separator: ", ")))
        }
        let width = (rows.map(\.0.count).max() ?? 0) + 2
        var out = rows.map { indent + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + $0.1 }
        for note in m.notes { out.append(indent + "note: " + note) }
        return out.joined(separator: "\n") + "\n"
    }

    /// A table with a header row; numbers right-aligned, text left-aligned.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { j in max(header[j].count, rows.map { j < $0.count ? $0[j].count : 0 }.max() ?? 0) }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { j, c in
                let w = widths[j]
                let numeric = Double(c.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "x", with: "")) != nil
                return numeric ? String(repeating: " ", count: max(0, w - c.count)) + c : c.padding(toLength: w, withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
            .joined(separator: "\n") + "\n"
    }

    public static func num(_ v: Double, _ digits: Int) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "n/a" }
    public static func pct(_ v: Double) -> String { v.isFinite ? String(format: "%.2f%%", 100 * v) : "n/a" }
    public static func signedPct(_ v: Double) -> String { v.isFinite ? String(format: "%+.2f pp", 100 * v) : "n/a" }
    public static func pValue(_ p: Double) -> String { p < 1e-4 ? String(format: "%.1e", p) : String(format: "%.4f", p) }
}
