/// What a weight file stores so that `healthcal drift` can compare a new panel with the model's
/// training window without refitting: each metric's and the score's reference bins and shares
/// (`StabilityReference`). Optional in the file: files written before it lack it.
public struct DriftReference: Sendable, Codable, Equatable {
    /// The training window's periods (empty for a snapshot).
    public var periods: [String]
    public var rows: Int
    /// The calibrated churn probability of the file's model on the training rows.
    public var score: StabilityReference
    /// Metric (feature) name → its reference.
    public var metrics: [String: StabilityReference]
}

/// Builds drift references and reports from a panel's raw metric values.
public enum DriftComputation {
    /// The reference bins of `feature` over `rows`.
    public static func reference(_ feature: PanelFeature, rows: [Int]) -> StabilityReference {
        switch feature.values {
        case let .numeric(v): return StabilityReference(numeric: rows.map { v[$0] })
        case let .text(t): return StabilityReference(categorical: rows.map { t.value(at: $0) })
        }
    }

    /// Rows per bin of `feature` over `rows`.
    public static func counts(_ feature: PanelFeature, rows: [Int], reference: StabilityReference) -> [Int] {
        switch feature.values {
        case let .numeric(v): return reference.counts(numeric: rows.map { v[$0] })
        case let .text(t): return reference.counts(categorical: rows.map { t.value(at: $0) })
        }
    }

    /// The reference of every metric and of `score` (one value per panel row) over `rows`.
    public static func reference(panel: Panel, rows: [Int], score: [Double]) -> DriftReference {
        var seen = [Bool](repeating: false, count: panel.periods.count)
        if !panel.isSnapshot { for r in rows { seen[Int(panel.periodOfRow[r])] = true } }
        var metrics: [String: StabilityReference] = [:]
        for f in panel.features { metrics[f.name] = reference(f, rows: rows) }
        return DriftReference(periods: seen.indices.filter { seen[$0] }.map { panel.periods[$0].label }, rows: rows.count,
                              score: StabilityReference(numeric: rows.map { score[$0] }), metrics: metrics)
    }

    /// PSI of the score and of every metric of `panel` in each of `periods` (label, rows)
    /// against `reference`. A metric the reference lacks is skipped (the caller checks columns).
    public static func report(panel: Panel, reference: DriftReference, periods: [(String, [Int])],
                              score: [Double]?) -> DriftReport {
        var variables: [DriftVariable] = []
        if let score {
            variables.append(DriftVariable(name: "score", kind: "score", periods: periods.map { label, rows in
                DriftCell(period: label, counts: reference.score.counts(numeric: rows.map { score[$0] }), reference: reference.score)
            }))
        }
        for f in panel.features {
            guard let ref = reference.metrics[f.name] else { continue }
            variables.append(DriftVariable(name: f.name, kind: "metric", periods: periods.map { label, rows in
                DriftCell(period: label, counts: counts(f, rows: rows, reference: ref), reference: ref)
            }))
        }
        return DriftReport(referencePeriods: reference.periods, referenceRows: reference.rows, variables: variables)
    }
}
