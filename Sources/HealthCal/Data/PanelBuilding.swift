import Foundation

extension Panel {
    /// Interprets `table` with `spec` and validates it, collecting up to
    /// `DataValidationError.limit` problems so an analyst can fix them in one pass.
    ///
    /// Checks, in order: every column the spec names exists (else: what exists and the closest
    /// name); ids, periods, outcomes, weights, segments, gate and feature cells are readable;
    /// no (customer, period) appears twice; no customer has rows after the period it churned in;
    /// both outcome classes occur.
    public static func make(table: Table, spec: Spec) throws(DataValidationError) -> Panel {
        var builder = PanelBuilder(table: table, spec: spec)
        return try builder.build()
    }
}

/// The working state of `Panel.make`; one method per kind of column.
struct PanelBuilder {
    let table: Table
    let spec: Spec
    var problems = ProblemCollector()

    init(table: Table, spec: Spec) {
        self.table = table
        self.spec = spec
    }

    mutating func problem(row: Int? = nil, column: Int? = nil, _ name: String?, value: String? = nil, _ message: String) {
        problems.add(DataProblem(file: table.source, line: row.map { table.line(ofRow: $0) },
                                 column: column.map { $0 + 1 }, columnName: name, value: value, message: message))
    }

    /// Two values of a segment or categorical column that are equal Swift Strings but differ in
    /// code points ("café" precomposed and with U+0301) are distinct levels to the reader and to
    /// a database, but one key to every dictionary by name (per-segment reports and models, band
    /// schemes, one-hot column names): a problem showing both, not a silent merge.
    mutating func checkNormalizationTwins(_ text: TextColumn, column: Int, _ name: String) {
        var first: [String: String] = [:]
        for (code, level) in text.levels.enumerated() {
            guard let other = first[level] else { first[level] = level; continue }
            // The first row holding this spelling (a scan, on this error path only).
            let row = text.codes.firstIndex(of: Int32(code))
            problem(row: row, column: column, name, value: level, "this value and \"\(other.shownInMessage)\" differ only in Unicode normalization (\(Self.codePoints(level)) vs \(Self.codePoints(other))); spell them alike")
        }
    }

    static func codePoints(_ s: String) -> String { s.unicodeScalars.map { String(format: "U+%04X", $0.value) }.joined(separator: " ") }

    /// Looks up every column the spec names; reports each missing one with the closest existing name.
    /// Names match byte for byte: Swift's `==` takes "é" and "e" + U+0301 for the same name,
    /// but the SQL and PMML exports name the columns as the spec spells them, and a database or
    /// a PMML evaluator compares code points. A name that matches only that way is a problem
    /// that shows both spellings.
    mutating func resolve(_ name: String, role: String) -> Int? {
        if let i = table.names.firstIndex(where: { $0.utf8.elementsEqual(name.utf8) }) { return i }
        if let i = table.index(of: name) {
            problem(name, "\(role) names column \"\(name.shownInMessage)\" (\(Self.codePoints(String(name.prefix(String.messageQuoteLimit))))), which the file's header spells with other code points (\(Self.codePoints(String(table.names[i].prefix(String.messageQuoteLimit))))); the SQL and PMML exports name columns code point for code point, so write the name as the header does")
            return nil
        }
        let near = EditDistance.closest(to: name, in: table.names)
        let hint = near.map { "; did you mean \"\($0.shownInMessage)\"?" } ?? ""
        problem(name, "\(role) names column \"\(name.shownInMessage)\", which is not in the file\(hint) (columns: \(table.names.shownInMessage()))")
        return nil
    }

    mutating func build() throws(DataValidationError) -> Panel {
        let d = spec.data
        let idCol = resolve(d.id, role: "data.id")
        let outcomeCol = resolve(d.outcome, role: "data.outcome")
        let periodCol = d.period.flatMap { resolve($0, role: "data.period") }
        let segmentCol = d.segment.flatMap { resolve($0, role: "data.segment") }
        let weightCol = d.weight.flatMap { resolve($0, role: "data.weight") }
        var featureCols: [Int?] = []
        for (i, f) in spec.features.enumerated() { featureCols.append(resolve(f.name, role: "features[\(i)]")) }
        let gateCol = spec.bands.gate.flatMap { resolve($0.column, role: "bands.gate.column") }
        try problems.throwIfAny()
        guard let idCol, let outcomeCol else { throw DataValidationError(problems: problems.problems) }

        let n = table.rowCount
        let ids = CellParsing.textView(table.columns[idCol], data: d)
        for r in 0..<n where ids.codes[r] < 0 { problem(row: r, column: idCol, d.id, value: "", "the customer id is missing") }

        let outcome = readBinary(outcomeCol, name: d.outcome, what: "the outcome")
        var periods: [Period] = [], periodOfRow: [Int32] = [], rowsByPeriod: [[Int]] = []
        if let periodCol, let p = d.period { (periods, periodOfRow, rowsByPeriod) = readPeriods(periodCol, name: p) }

        var weights: [Double]? = nil
        if let weightCol, let w = d.weight {
            let values = readNumbers(weightCol, name: w, missingIsProblem: true)
            for r in 0..<n where !values[r].isNaN && !(values[r] > 0) {
                problem(row: r, column: weightCol, w, value: CellParsing.label(values[r]), "a row weight must be a number > 0")
            }
            weights = values
        }
        var segmentCodes: [Int32] = [], segmentNames: [String] = []
        if let segmentCol, let s = d.segment {
            let seg = CellParsing.textView(table.columns[segmentCol], data: d)
            for r in 0..<n where seg.codes[r] < 0 { problem(row: r, column: segmentCol, s, value: "", "the segment is missing") }
            (segmentCodes, segmentNames) = (seg.codes, seg.levels)
            checkNormalizationTwins(seg, column: segmentCol, s)
        }
        var gate: [Double]?
        if let gateCol, let g = spec.bands.gate { gate = readNumbers(gateCol, name: g.column, missingIsProblem: false) }

        var features: [PanelFeature] = []
        for (f, col) in zip(spec.features, featureCols) {
            guard let col else { continue }
            let values: Column
            switch f.type {
            case .numeric: values = .numeric(readNumbers(col, name: f.name, missingIsProblem: false))
            case .boolean: values = .numeric(readBinary(col, name: f.name, what: "a boolean", missingIsProblem: false))
            case .categorical:
                let text = CellParsing.textView(table.columns[col], data: d)
                checkNormalizationTwins(text, column: col, f.name)
                values = .text(text)
            }
            features.append(PanelFeature(spec: f, columnNumber: col + 1, values: values))
        }
        try problems.throwIfAny()

        checkBandReferences(periods: periods, segmentNames: segmentNames)
        checkDuplicates(ids: ids, periodOfRow: periodOfRow, periods: periods)
        if !periods.isEmpty { checkRowsAfterChurn(ids: ids, outcome: outcome, periodOfRow: periodOfRow, periods: periods) }
        checkBothClasses(outcome, name: d.outcome)
        try problems.throwIfAny()

        return Panel(source: table.source, spec: spec, rowCount: n, lines: RowLines(count: n, explicit: table.rowLines),
                     customerCodes: ids.codes, customerIDs: ids.levels, periods: periods, periodOfRow: periodOfRow,
                     rowsByPeriod: rowsByPeriod, outcome: outcome, weights: weights,
                     segmentCodes: segmentCodes, segmentNames: segmentNames, features: features, gate: gate)
    }

    /// Numbers from a numeric column, or from a text column whose cells all read as numbers.
    /// Missing cells are NaN (and a problem when `missingIsProblem`).
    mutating func readNumbers(_ col: Int, name: String, missingIsProblem: Bool) -> [Double] {
        let n = table.rowCount
        switch table.columns[col] {
        case let .numeric(v):
            if Self.containsInfinity(v) {
                for r in 0..<n where v[r].isInfinite { problem(row: r, column: col, name, value: "\(v[r])", "expected a finite number") }
            }
            if missingIsProblem { for r in 0..<n where v[r].isNaN { problem(row: r, column: col, name, value: "", "the value is missing; expected a number") } }
            return v
        case let .text(raw):
            let t = CellParsing.cleaned(raw, data: spec.data)
            let parsed = t.levels.map(CellParsing.number)
            var out = [Double](repeating: .nan, count: n)
            for r in 0..<n {
                let c = Int(t.codes[r])
                if c < 0 {
                    if missingIsProblem { problem(row: r, column: col, name, value: raw.value(at: r) ?? "", "the value is missing; expected a number") }
                } else if let v = parsed[c] {
                    out[r] = v
                } else {
                    problem(row: r, column: col, name, value: t.levels[c], "expected a number")
                }
            }
            return out
        }
    }

    /// Whether any value is ±infinity (the reader never gives one, but a `Table` can be built
    /// by hand): branch-free over the bits, so the compiler can check several values at once.
    static func containsInfinity(_ values: [Double]) -> Bool {
        values.withUnsafeBufferPointer { b in
            var found: UInt64 = 0
            for x in b { found |= (x.bitPattern & ~(1 << 63)) == Double.infinity.bitPattern ? 1 : 0 }
            return found != 0
        }
    }

    /// 0/1 values: numbers 0 and 1, or text 0/1, true/false, yes/no in any case.
    mutating func readBinary(_ col: Int, name: String, what: String, missingIsProblem: Bool = true) -> [Double] {
        let n = table.rowCount
        var out = [Double](repeating: .nan, count: n)
        let expected = "expected 0/1, true/false or yes/no for \(what)"
        switch table.columns[col] {
        case let .numeric(v):
            for r in 0..<n {
                if v[r].isNaN {
                    if missingIsProblem { problem(row: r, column: col, name, value: "", "\(what) is missing; \(expected)") }
                } else if let b = CellParsing.binary(v[r]) {
                    out[r] = b
                } else {
                    problem(row: r, column: col, name, value: CellParsing.label(v[r]), expected)
                }
            }
        case let .text(raw):
            let t = CellParsing.cleaned(raw, data: spec.data)
            let parsed = t.levels.map { CellParsing.binary($0) }
            for r in 0..<n {
                let c = Int(t.codes[r])
                if c < 0 {
                    if missingIsProblem { problem(row: r, column: col, name, value: raw.value(at: r) ?? "", "\(what) is missing; \(expected)") }
                } else if let b = parsed[c] {
                    out[r] = b
                } else {
                    problem(row: r, column: col, name, value: t.levels[c], expected)
                }
            }
        }
        return out
    }

    /// Parses periods per distinct label, checks one format throughout, and sorts chronologically.
    mutating func readPeriods(_ col: Int, name: String) -> ([Period], [Int32], [[Int]]) {
        let n = table.rowCount
        let format = spec.data.periodFormat
        let t = CellParsing.textView(table.columns[col], data: spec.data)
        let isNumeric: Bool = if case .numeric = table.columns[col] { true } else { false }
        let parsed = t.levels.map { isNumeric ? nil : Period.parse($0, format: format) }
        let want = format == .auto ? "a period such as 2025Q3, 2025-07 or 2025-07-01" : "a \(format.rawValue) period such as \(example(format))"
        // Validate row by row (problems in row order), but keep only each row's level code;
        // periods are then ordered and indexed once per distinct level, not once per row.
        var firstUnit: (unit: Period.Unit, row: Int)?
        var valid = [Bool](repeating: false, count: n)
        var levelUsed = [Bool](repeating: false, count: t.levels.count)
        for r in 0..<n {
            let c = Int(t.codes[r])
            guard c >= 0 else {
                problem(row: r, column: col, name, value: "", "the period is missing; expected \(want)")
                continue
            }
            guard let p = parsed[c] else {
                problem(row: r, column: col, name, value: t.levels[c], "expected \(want)")
                continue
            }
            if let first = firstUnit {
                if first.unit != p.unit {
                    let firstValue = t.value(at: first.row) ?? ""
                    problem(row: r, column: col, name, value: t.levels[c],
                            "this period is a \(p.unit.format.rawValue) but line \(table.line(ofRow: first.row)) (\"\(firstValue.shownInMessage)\") is a \(first.unit.format.rawValue); a panel uses one period format")
                    continue
                }
            } else {
                firstUnit = (p.unit, r)
            }
            valid[r] = true
            levelUsed[c] = true
        }
        var distinctSet = Set<Period>()
        for c in t.levels.indices where levelUsed[c] { if let p = parsed[c] { distinctSet.insert(p) } }
        let distinct = distinctSet.sorted()
        let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, Int32($0)) })
        let indexOfLevel: [Int32] = parsed.map { p in p.flatMap { index[$0] } ?? -1 }
        var of = [Int32](repeating: -1, count: n)
        var counts = [Int](repeating: 0, count: distinct.count)
        for r in 0..<n where valid[r] {
            let i = indexOfLevel[Int(t.codes[r])]
            of[r] = i
            counts[Int(i)] += 1
        }
        var by = counts.map { c -> [Int] in
            var rows: [Int] = []
            rows.reserveCapacity(c)
            return rows
        }
        for r in 0..<n where of[r] >= 0 { by[Int(of[r])].append(r) }
        return (distinct, of, by)
    }

    private func example(_ f: PeriodFormat) -> String {
        switch f {
        case .quarter: "2025Q3"
        case .month: "2025-07"
        case .date, .auto: "2025-07-01"
        }
    }

    /// Names in the spec's bands that must exist in the data: `per_segment` segments and a
    /// `reference_period` other than "latest".
    mutating func checkBandReferences(periods: [Period], segmentNames: [String]) {
        let b = spec.bands
        for name in b.perSegment.keys.sorted() where !segmentNames.contains(name) {
            let hint = EditDistance.closest(to: name, in: segmentNames).map { "; did you mean \"\($0.shownInMessage)\"?" } ?? ""
            let known = spec.data.segment == nil ? "the spec names no data.segment column" : "segments: \(segmentNames.shownInMessage())"
            problem(spec.data.segment, value: name, "bands.per_segment names a segment that is not in the data\(hint) (\(known))")
        }
        if b.referencePeriod != "latest", !periods.isEmpty {
            let labels = periods.map(\.label)
            let wanted = Period.parse(b.referencePeriod)
            if wanted.map({ !periods.contains($0) }) ?? true {
                let hint = EditDistance.closest(to: b.referencePeriod, in: labels).map { "; did you mean \"\($0.shownInMessage)\"?" } ?? ""
                problem(spec.data.period, value: b.referencePeriod,
                        "bands.reference_period is not a period of the panel\(hint) (periods \(labels.first ?? "") to \(labels.last ?? ""))")
            }
        }
    }

    /// A (customer, period) pair — or, in a snapshot, a customer — must appear once.
    mutating func checkDuplicates(ids: TextColumn, periodOfRow: [Int32], periods: [Period]) {
        // Key = customer code x period count + period index. When the keys are few enough
        // (customers x periods at most 4 rows per key, or 1M), a flat table of first rows;
        // otherwise a dictionary.
        let periodCount = max(periods.count, 1)
        let keyCount = ids.levels.count.multipliedReportingOverflow(by: periodCount)
        let flat = !keyCount.overflow && keyCount.partialValue <= max(4 * table.rowCount, 1 << 20) && table.rowCount < Int(Int32.max)
        var firstRowFlat = [Int32](repeating: -1, count: flat ? keyCount.partialValue : 0)
        var firstRowMap: [Int: Int] = [:]
        for r in 0..<table.rowCount {
            let p = periodOfRow.isEmpty ? 0 : Int(periodOfRow[r])
            let c = Int(ids.codes[r])
            guard c >= 0, p >= 0 else { continue }
            let key = c * periodCount + p
            let first: Int?
            if flat {
                let f = firstRowFlat[key]
                first = f >= 0 ? Int(f) : nil
                if f < 0 { firstRowFlat[key] = Int32(truncatingIfNeeded: r) }
            } else {
                first = firstRowMap[key]
                if first == nil { firstRowMap[key] = r }
            }
            if let first {
                let who = "customer \"\((ids.value(at: r) ?? "").shownInMessage)\""
                let what = periods.isEmpty ? "\(who) appears twice in a snapshot panel" : "\(who) has two rows for \(periods[p].label)"
                problem(row: r, column: table.index(of: spec.data.id), spec.data.id, value: ids.value(at: r),
                        "\(what): lines \(table.line(ofRow: first)) and \(table.line(ofRow: r))")
            }
        }
    }

    /// A customer has no rows after the period in which it churned (the outcome of its last row).
    mutating func checkRowsAfterChurn(ids: TextColumn, outcome: [Double], periodOfRow: [Int32], periods: [Period]) {
        var churnRow = [Int](repeating: -1, count: ids.levels.count)
        for r in 0..<table.rowCount where outcome[r] == 1 {
            let c = Int(ids.codes[r])
            if churnRow[c] < 0 || periodOfRow[r] < periodOfRow[churnRow[c]] { churnRow[c] = r }
        }
        for r in 0..<table.rowCount {
            let c = Int(ids.codes[r])
            let k = churnRow[c]
            guard k >= 0, periodOfRow[r] > periodOfRow[k] else { continue }
            let pCol = spec.data.period.flatMap { table.index(of: $0) }
            problem(row: r, column: pCol, spec.data.period, value: periods[Int(periodOfRow[r])].label,
                    "customer \"\(ids.levels[c].shownInMessage)\" churned in \(periods[Int(periodOfRow[k])].label) (line \(table.line(ofRow: k))) but has a row for a later period; a customer has no rows after the period in which it churned")
        }
    }

    mutating func checkBothClasses(_ outcome: [Double], name: String) {
        guard !outcome.isEmpty else {
            problem(nil, "the panel has no rows")
            return
        }
        let ones = outcome.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        if ones == 0 || ones == outcome.count {
            let v = ones == 0 ? 0 : 1
            problem(name, "every row has \(name.shownInMessage) = \(v): a churn model needs both churners and non-churners")
        }
    }
}
