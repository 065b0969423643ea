/// The report's words and heat table for population stability (docs/drift.md).
enum DriftText {
    /// One sentence: which metrics moved past 0.25, or that none did.
    static func sentence(_ d: DriftReport) -> String {
        let reference = d.referencePeriods.isEmpty ? "the training rows"
            : "the training window (\(d.referencePeriods.first ?? "")–\(d.referencePeriods.last ?? ""))"
        var past: [String] = []
        for v in d.variables where v.periods.contains(where: { $0.psi > PopulationStability.majorShift }) { past.append(v.name) }
        if past.isEmpty {
            return "Compared with \(reference), no metric and not the score moved past a population stability index of 0.25 in any scored period."
        }
        return "Compared with \(reference), these moved past a population stability index of 0.25 (a major shift by convention) in at least one period: \(past.joined(separator: ", "))."
    }

    /// Metric × period, each cell the PSI with its reading's marker and tint.
    static func heatTable(_ d: DriftReport) -> ReportTable {
        let periods = d.variables.first?.periods.map(\.period) ?? []
        let rows = d.variables.map { v in
            ReportTable.Row(cells: [.text(v.name)] + v.periods.map { c in
                let level = c.psi > PopulationStability.majorShift ? 2 : c.psi >= PopulationStability.someShift ? 1 : 0
                let marker = level == 2 ? " ▲▲" : level == 1 ? " ▲" : ""
                return .heat(String(format: "%.3f", c.psi) + marker, level: level)
            })
        }
        return ReportTable(caption: "Population stability index by metric and period (▲ 0.1–0.25 some shift, ▲▲ above 0.25 major shift)",
                           columns: [.init("Metric")] + periods.map { .init($0, alignment: .numeric) }, rows: rows)
    }

    static func rule(_ d: DriftReport) -> String {
        "Bins: \(d.binning); an empty bin counts as \(d.epsilon)."
    }
}
