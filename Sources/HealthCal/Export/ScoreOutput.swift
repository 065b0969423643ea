import Foundation

/// The scorer's rows as CSV (spreadsheet-safe) or JSON.
public enum ScoreOutput {
    /// Columns: id, period, segment, churn_probability, health_score, band, then per k in 1...top:
    /// top_k_feature, top_k_value, top_k_log_odds. Written by `CSVWriter` (docs/exports.md).
    public static func csv(_ rows: [ScoredRow], top: Int) -> String {
        var header = ["id", "period", "segment", "churn_probability", "health_score", "band"]
        for k in 0..<top { header += ["top\(k + 1)_feature", "top\(k + 1)_value", "top\(k + 1)_log_odds"] }
        var csv = CSVWriter()
        csv.row(header)
        for r in rows {
            csv.append(.text(r.id))
            csv.append(r.period.map { .text($0) } ?? .empty)
            csv.append(r.segment.map { .text($0) } ?? .empty)
            csv.append(.number(r.score.churnProbability))
            csv.append(.number(r.score.healthScore))
            csv.append(r.score.band.map { .text($0) } ?? .empty)
            for k in 0..<top {
                if k < r.score.contributions.count {
                    let c = r.score.contributions[k]
                    csv.append(.text(c.feature))
                    csv.appendValue(c.value)
                    csv.append(.number(c.logOdds))
                } else {
                    for _ in 0..<3 { csv.append(.empty) }
                }
            }
            csv.endRow()
        }
        return csv.text
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
