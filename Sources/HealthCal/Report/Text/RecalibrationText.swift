/// The closing summary of `healthcal recalibrate`: the headline numbers and what was written where.
public enum RecalibrationText {
    public static func render(_ r: Recalibration.Result) -> String {
        typealias T = MetricsText
        var out = "Recalibrated \(r.label): \(r.rows) rows, \(r.customers) customers, \(r.periods.first ?? "")–\(r.periods.last ?? "")\n"
        out += "Out-of-sample over \(r.scoredPeriods.count) periods (\(r.scoredPeriods.first ?? "")–\(r.scoredPeriods.last ?? "")):\n"
        var auc = "  AUC \(r.auc.map { T.num($0, 4) } ?? "n/a")"
        if let c = r.championAUC { auc += " (champion \(T.num(c, 4)))" }
        out += auc + ", Brier \(T.num(r.brier, 5)), predicted \(T.pct(r.meanPredicted)) vs observed \(T.pct(r.churnRate)) churn\n"
        out += "  Flags: " + r.flagCounts.keys.sorted().map { "\($0.replacingOccurrences(of: "_", with: " ")) \(r.flagCounts[$0] ?? 0)" }.joined(separator: ", ") + "\n"
        out += "\nWrote:\n"
        let width = (r.files.keys.map(\.count).max() ?? 0) + 2
        for k in r.files.keys.sorted() { out += "  " + k.padding(toLength: width, withPad: " ", startingAt: 0) + (r.files[k] ?? "") + "\n" }
        for n in r.notes { out += "note: \(n)\n" }
        return out
    }
}
