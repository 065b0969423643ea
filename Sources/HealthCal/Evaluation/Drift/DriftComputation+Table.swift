extension DriftComputation {
    /// `healthcal drift`: the population stability of a new table (a quarter's panel, read with
    /// `Scorer.readTable`) against the training window stored in `file`, without refitting. The
    /// score is the file's calibrated churn probability; each metric is read as the spec types it.
    /// Rows are grouped by period when the table has the spec's period column (chronologically),
    /// else compared as one group, "all rows". A metric column missing from the table is an
    /// error naming it (from the scorer).
    public static func report(file: WeightFile, table: Table, path: String) throws -> DriftReport {
        guard let reference = file.drift else { throw WeightFileError.noDriftReference(path: path) }
        let scorer = Scorer(file)
        let scored = try scorer.score(table: table)
        let spec = file.metadata.spec
        var groups: [String: [Int]] = [:]
        for (r, row) in scored.enumerated() { groups[row.period ?? "all rows", default: []].append(r) }
        let labels = groups.keys.sorted { a, b in
            switch (Period.parse(a), Period.parse(b)) {
            case let (x?, y?): return x < y
            default: return a < b
            }
        }
        let periods = labels.map { ($0, groups[$0] ?? []) }
        let score = scored.map(\.score.churnProbability)
        var variables: [DriftVariable] = [DriftVariable(name: "score", kind: "score", periods: periods.map { label, rows in
            DriftCell(period: label, counts: reference.score.counts(numeric: rows.map { score[$0] }), reference: reference.score)
        })]
        for f in spec.features {
            guard let ref = reference.metrics[f.name], let j = table.index(of: f.name) else { continue }
            let column = table.columns[j]
            variables.append(DriftVariable(name: f.name, kind: "metric", periods: periods.map { label, rows in
                let counts: [Int]
                if f.type == .categorical {
                    let t = CellParsing.textView(column, data: spec.data)
                    counts = ref.counts(categorical: rows.map { t.value(at: $0) })
                } else {
                    counts = ref.counts(numeric: rows.map { numericValue(column, row: $0, boolean: f.type == .boolean) })
                }
                return DriftCell(period: label, counts: counts, reference: ref)
            }))
        }
        return DriftReport(referencePeriods: reference.periods, referenceRows: reference.rows, variables: variables)
    }

    /// A numeric or boolean metric's cell as the panel reads it (NaN when missing or unreadable).
    static func numericValue(_ column: Column, row r: Int, boolean: Bool) -> Double {
        switch column {
        case let .numeric(v): return v[r]
        case let .text(t):
            guard let s = t.value(at: r) else { return .nan }
            return (boolean ? CellParsing.binary(s) : CellParsing.number(s)) ?? .nan
        }
    }

    /// The report as a table: one line per variable, PSI per period, and the convention.
    public static func table(_ report: DriftReport) -> String {
        let periods = report.variables.first?.periods.map(\.period) ?? []
        let width = max(12, (report.variables.map(\.name.count).max() ?? 0) + 2)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
        var lines = ["Population stability index against the training window (\(report.referencePeriods.isEmpty ? "all rows" : report.referencePeriods.joined(separator: ", ")); \(report.referenceRows) rows)"]
        lines.append(pad("", width) + periods.map { pad($0, 10) }.joined())
        for v in report.variables {
            lines.append(pad(v.name, width) + v.periods.map { c in
                pad(formatNumber((c.psi * 1000).rounded() / 1000) + (c.psi > PopulationStability.majorShift ? "!" : ""), 10)
            }.joined())
        }
        lines.append("")
        lines.append(report.majorShifts.isEmpty ? "No metric past 0.25." : "Past 0.25 (!): " + report.majorShifts.joined(separator: "; "))
        lines.append("Reading: " + PopulationStability.convention + ".")
        return lines.joined(separator: "\n") + "\n"
    }
}
