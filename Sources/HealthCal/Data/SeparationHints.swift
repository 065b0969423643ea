/// Groups of rows that a suggested feature would give their own design column and whose outcome
/// is the same in every row: the missing cells of a column (its missing indicator), a level of a
/// categorical or a value of a boolean. Such a column separates the outcome (quasi-completely):
/// plain maximum likelihood has no finite weight for it, and the fit, or a backtest fold, stops
/// with a separation error. `healthcal init` then suggests `firth: true`.
enum SeparationHints {
    /// One line per separating group, e.g. "TotalCharges missing: 11 rows, all 0".
    static func find(table: Table, outcome: ColumnProfile, features: [ColumnProfile]) -> [String] {
        let y = outcomes(table.columns[outcome.index])
        var hints: [String] = []
        for p in features {
            switch table.columns[p.index] {
            case let .numeric(v):
                if p.missing > 0, let label = oneClass(rows: v.indices.filter { v[$0].isNaN }, y) {
                    hints.append("\(p.name) missing: \(p.missing) row\(p.missing == 1 ? "" : "s"), all \(label)")
                }
                if p.isBinary {
                    for value in [0.0, 1.0] {
                        let rows = v.indices.filter { v[$0] == value }
                        if let label = oneClass(rows: rows, y) {
                            hints.append("\(p.name) = \(Int(value)): \(rows.count) rows, all \(label)")
                        }
                    }
                }
            case let .text(raw):
                let t = CellParsing.cleaned(raw, data: DataOptions(id: "", outcome: ""))
                var rowsOfCode = [[Int]](repeating: [], count: t.levels.count + 1)
                for (r, c) in t.codes.enumerated() { rowsOfCode[Int(c) + 1].append(r) }
                if p.missing > 0, let label = oneClass(rows: rowsOfCode[0], y) {
                    hints.append("\(p.name) missing: \(p.missing) row\(p.missing == 1 ? "" : "s"), all \(label)")
                }
                guard p.distinct <= SpecSuggestion.maxCategoricalLevels else { continue }
                for (k, level) in t.levels.enumerated() where !rowsOfCode[k + 1].isEmpty {
                    if let label = oneClass(rows: rowsOfCode[k + 1], y) {
                        let n = rowsOfCode[k + 1].count
                        hints.append("\(p.name) = \(level): \(n) row\(n == 1 ? "" : "s"), all \(label)")
                    }
                }
            }
        }
        return hints
    }

    /// Row r's outcome as 0/1, nil when missing or not binary.
    static func outcomes(_ column: Column) -> [Double?] {
        switch column {
        case let .numeric(v): return v.map { CellParsing.binary($0) }
        case let .text(raw):
            let t = CellParsing.cleaned(raw, data: DataOptions(id: "", outcome: ""))
            let levels = t.levels.map { CellParsing.binary($0) }
            return t.codes.map { $0 < 0 ? nil : levels[Int($0)] }
        }
    }

    /// "0 (no churn)" or "1 (churned)" when every row of a non-empty group, not the whole table,
    /// has the same known outcome; nil otherwise.
    static func oneClass(rows: [Int], _ y: [Double?]) -> String? {
        guard !rows.isEmpty, rows.count < y.count else { return nil }
        var seen: Double? = nil
        for r in rows {
            guard let v = y[r] else { continue }
            if let s = seen, s != v { return nil }
            seen = v
        }
        guard let seen else { return nil }
        // The whole table in one class is not separation but a one-class outcome.
        guard y.contains(where: { $0 != nil && $0 != seen }) else { return nil }
        return seen == 1 ? "1 (churned)" : "0 (did not churn)"
    }
}
