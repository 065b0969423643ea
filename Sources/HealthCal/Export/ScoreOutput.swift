import Foundation

/// The scorer's rows as CSV (spreadsheet-safe) or JSON.
public enum ScoreOutput {
    /// Columns: id, period, segment, churn_probability, health_score, band, then per k in 1...top:
    /// top_k_feature, top_k_value, top_k_log_odds.
    public static func csv(_ rows: [ScoredRow], top: Int) -> String {
        var header = ["id", "period", "segment", "churn_probability", "health_score", "band"]
        for k in 0..<top { header += ["top\(k + 1)_feature", "top\(k + 1)_value", "top\(k + 1)_log_odds"] }
        var out = CSVCell.record(header.map { CSVCell.text($0) })
        for r in rows {
            var cells = [CSVCell.text(r.id), CSVCell.text(r.period ?? ""), CSVCell.text(r.segment ?? ""),
                         CSVCell.number(r.score.churnProbability), CSVCell.number(r.score.healthScore), CSVCell.text(r.score.band ?? "")]
            for k in 0..<top {
                if k < r.score.contributions.count {
                    let c = r.score.contributions[k]
                    // A raw metric value is written as a number when it is one, so "-36" is a number, not a formula.
                    let value = Double(c.value)?.isFinite == true ? c.value : CSVCell.text(c.value)
                    cells += [CSVCell.text(c.feature), value, CSVCell.number(c.logOdds)]
                } else {
                    cells += ["", "", ""]
                }
            }
            out += CSVCell.record(cells)
        }
        return out
    }

    struct Row: Encodable {
        var id: String
        var period: String?
        var segment: String?
        var churnProbability: Double
        var healthScore: Double
        var band: String?
        var model: String?
        var contributions: [Scorer.Contribution]

        enum CodingKeys: String, CodingKey {
            case id, period, segment, churnProbability = "churn_probability", healthScore = "health_score", band, model, contributions
        }
    }

    public static func json(_ rows: [ScoredRow], top: Int) throws -> String {
        try JSONOutput.string(rows.map {
            Row(id: $0.id, period: $0.period, segment: $0.segment, churnProbability: $0.score.churnProbability,
                healthScore: $0.score.healthScore, band: $0.score.band, model: $0.score.model,
                contributions: Array($0.score.contributions.prefix(top)))
        })
    }
}
