/// The terminal rendering of `healthcal evaluate`.
public enum EvaluationText {
    public static func render(_ e: ScoreEvaluation, score: String) -> String {
        typealias T = MetricsText
        var out = "Score '\(score)' read as \(e.scale.rawValue)\n\n"
        if let m = e.overall {
            out += T.summary(m, indent: "  ")
        } else {
            var s = "  ROC AUC             \(T.num(e.auc, 4))"
            if let d = e.aucDeLong { s += "  (95% CI \(T.num(d.lower95, 4))–\(T.num(d.upper95, 4)), DeLong)" }
            out += s + "\n  Average precision   \(T.num(e.averagePrecision, 4))\n"
            if let l = e.topDecileLift { out += "  Top-decile lift     \(T.num(l.lift, 2))x\n" }
        }
        if !e.perPeriod.isEmpty {
            out += "\nBy period:\n" + T.table(["Period", "Rows", "Churn", "AUC", "Brier", "Log loss"], e.perPeriod.map { p in
                [p.period, "\(p.rows)", T.pct(p.churnRate), p.auc.map { T.num($0, 4) } ?? "n/a",
                 p.brier.map { T.num($0, 5) } ?? "n/a", p.logLoss.map { T.num($0, 5) } ?? "n/a"]
            })
        }
        for n in e.notes { out += "note: \(n)\n" }
        return out
    }
}
