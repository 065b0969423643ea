import Foundation
import Yams

/// A hand-made health scorecard: the way customer-success teams often set weights by hand on
/// raw metrics ("+0.15 per support ticket"), and usually the first champion a fitted model must
/// beat. Decoded from YAML:
///
/// ```yaml
/// scorecard: v1
/// name: CS team health score 2025
/// intercept: -2.0          # optional; churn log-odds at all-zero metrics
/// direction: risk          # risk (higher points = more churn risk) | health (higher = healthier)
/// weights: {logins_30d: -0.02, support_tickets: 0.15, nps: -0.03}
/// missing: {nps: 0}        # value used for a missing metric (default 0)
/// ```
///
/// Points = Σ weight·value on the raw metrics, summed as exact decimals (so points equal on paper
/// tie). The churn-risk score is `points` for direction
/// `risk` and `−points` for `health`. With an `intercept`, the score is a probability:
/// p = sigmoid(intercept + risk points), the intercept being the churn log-odds of a customer whose
/// metrics are all zero. Without one the score only ranks customers (`producesProbabilities` is
/// false), so a comparison reports AUC and capture but skips Brier and log loss.
public struct Scorecard: Sendable, Codable, Equatable {
    public enum Direction: String, Sendable, Codable, CaseIterable { case risk, health }

    /// Format version; only "v1".
    public var scorecard: String
    public var name: String
    public var intercept: Double?
    public var direction: Direction
    /// Metric column name → points per unit of the raw metric.
    public var weights: [String: Double]
    /// Metric column name → value substituted for a missing (NaN) cell; default 0.
    public var missing: [String: Double]

    public init(name: String, intercept: Double? = nil, direction: Direction = .risk,
                weights: [String: Double], missing: [String: Double] = [:]) {
        self.scorecard = "v1"
        self.name = name
        self.intercept = intercept
        self.direction = direction
        self.weights = weights
        self.missing = missing
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case scorecard, name, intercept, direction, weights, missing }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scorecard = try c.decode(String.self, forKey: .scorecard)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? "scorecard"
        intercept = try c.decodeIfPresent(Double.self, forKey: .intercept)
        let d = try c.decodeIfPresent(String.self, forKey: .direction) ?? "risk"
        guard let dir = Direction(rawValue: d.lowercased()) else {
            throw ScorecardError.invalid("direction is '\(d.shownInMessage)'; expected risk (higher points = more churn risk) or health (higher points = healthier)")
        }
        direction = dir
        weights = try c.decode([String: Double].self, forKey: .weights)
        missing = try c.decodeIfPresent([String: Double].self, forKey: .missing) ?? [:]
    }

    /// True when the score is a churn probability (an intercept is given).
    public var producesProbabilities: Bool { intercept != nil }

    /// Parses and validates a scorecard. Unknown top-level keys are rejected with a suggestion,
    /// since a misspelt `missing` or `intercept` would otherwise silently change every score.
    public static func parse(yaml text: String) throws(ScorecardError) -> Scorecard {
        let card: Scorecard
        do {
            guard let node = try Yams.compose(yaml: text), let mapping = node.mapping else {
                throw ScorecardError.invalid("the scorecard is empty or not a YAML mapping")
            }
            let known = CodingKeys.allCases.map(\.rawValue)
            for key in mapping.keys.compactMap(\.string) where !known.contains(key) {
                throw ScorecardError.invalid("unknown key '\(key.shownInMessage)'\(EditDistance.suggestion(for: key, in: known)) "
                    + "(a scorecard has \(known.joined(separator: ", ")))")
            }
            card = try YAMLDecoder().decode(Scorecard.self, from: node)
        } catch let e as ScorecardError {
            throw e
        } catch let DecodingError.keyNotFound(key, _) {
            throw .invalid("missing key '\(key.stringValue.shownInMessage)' (a scorecard needs at least `scorecard: v1` and `weights:`)")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx) {
            let path = ctx.codingPath.map(\.stringValue)
            let numeric = ["weights", "missing", "intercept"].contains(path.first ?? "")
            throw .invalid("'\(path.joined(separator: "."))' has the wrong type: expected \(numeric ? "a number" : "text")")
        } catch let e as YamlError {
            throw .invalid("not valid YAML: \(e)")
        } catch {
            throw .invalid("not a valid scorecard: \(error)")
        }
        try card.validate()
        return card
    }

    /// Checks the version, that there is at least one finite weight, and that `missing` only
    /// names weighted metrics.
    public func validate() throws(ScorecardError) {
        guard scorecard == "v1" else { throw .invalid("scorecard version is '\(scorecard.shownInMessage)'; only v1 is supported") }
        guard !weights.isEmpty else { throw .invalid("weights is empty; give at least one metric: points per unit") }
        for (k, v) in weights.sorted(by: { $0.key < $1.key }) where !v.isFinite {
            throw .invalid("weight of '\(k.shownInMessage)' is \(v); expected a finite number")
        }
        if let intercept, !intercept.isFinite { throw .invalid("intercept is \(intercept); expected a finite number") }
        for (k, v) in missing.sorted(by: { $0.key < $1.key }) {
            guard weights[k] != nil else {
                throw .invalid("missing names '\(k.shownInMessage)', which has no weight\(EditDistance.suggestion(for: k, in: weights.keys.sorted()))")
            }
            guard v.isFinite else { throw .invalid("missing value of '\(k.shownInMessage)' is \(v); expected a finite number") }
        }
    }

    /// The churn-risk score of every row from raw metric columns (NaN = missing cell). Probabilities
    /// when `producesProbabilities`, otherwise risk points (higher = riskier, rank only).
    ///
    /// Points are summed as the decimals they are on paper (`PaperDecimal`): weights and values
    /// with at most 9 decimals are multiplied and added exactly, so rows whose points are equal on
    /// paper get equal scores and tie in every ranking, as they would by hand. A row with a longer
    /// value (or an exact sum beyond 64 bits) is summed in binary, in name order so the result
    /// does not depend on dictionary order.
    public func score(rawColumns: [String: [Double]]) throws(ScorecardError) -> [Double] {
        try validate() // a Scorecard built in code has not been through `parse`
        let names = weights.keys.sorted()
        let available = rawColumns.keys.sorted()
        for name in names where rawColumns[name] == nil {
            throw .unknownMetric(name: name, suggestion: EditDistance.closest(to: name, in: available), available: available)
        }
        let n = rawColumns[names[0]]?.count ?? 0
        var terms: [(column: [Double], weight: Double, paperWeight: PaperDecimal?, fill: Double)] = []
        for name in names {
            guard let column = rawColumns[name], let weight = weights[name] else { continue }
            guard column.count == n else { throw .invalid("column '\(name.shownInMessage)' has \(column.count) rows but '\(names[0].shownInMessage)' has \(n)") }
            let fill = missing[name] ?? 0
            for i in 0..<n where !column[i].isNaN && !column[i].isFinite {
                throw .invalid("'\(name.shownInMessage)' at row \(i) is \(column[i]); expected a finite number or a missing cell")
            }
            terms.append((column, weight, PaperDecimal(weight), fill))
        }
        var points = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var binary = 0.0
            var exact: PaperDecimal? = PaperDecimal(mantissa: 0, decimals: 0)
            for t in terms {
                let v = t.column[i].isNaN ? t.fill : t.column[i]
                binary += t.weight * v
                if let sum = exact, let w = t.paperWeight, let value = PaperDecimal(v), let term = w.times(value) {
                    exact = sum.plus(term)
                } else {
                    exact = nil
                }
            }
            points[i] = exact?.value ?? binary
        }
        return score(points: points)
    }

    /// The churn-risk score of rows whose points (Σ weight·value, before the direction) were
    /// summed elsewhere (in memory above, or in the database: `pointsQuery`).
    public func score(points: [Double]) -> [Double] {
        let sign = direction == .risk ? 1.0 : -1.0
        guard let intercept else { return points.map { sign * $0 } }
        return points.map { CalibrationMap.sigmoid(intercept + sign * $0) }
    }

    /// The scores ready for `ChampionComparison`.
    public func modelScores(rawColumns: [String: [Double]]) throws(ScorecardError) -> ModelScores {
        ModelScores(name: name, values: try score(rawColumns: rawColumns), isProbability: producesProbabilities)
    }

    /// `ModelScores` of rows whose points were summed elsewhere (`score(points:)`).
    public func modelScores(points: [Double]) -> ModelScores {
        ModelScores(name: name, values: score(points: points), isProbability: producesProbabilities)
    }
}

public enum ScorecardError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The YAML is malformed or breaks a rule of the format.
    case invalid(String)
    /// A weighted metric is not among the columns handed to `score`.
    case unknownMetric(name: String, suggestion: String?, available: [String])

    public var description: String {
        switch self {
        case .invalid(let m):
            return "scorecard: \(m)"
        case let .unknownMetric(name, suggestion, available):
            return "scorecard: metric '\(name.shownInMessage)' is not a column of the data"
                + (suggestion.map { "; did you mean '\($0.shownInMessage)'?" } ?? "")
                + " Available columns: \(available.joined(separator: ", "))"
        }
    }
}
