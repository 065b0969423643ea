/// The columns `healthcal evaluate` needs, pulled from a table with row-precise errors: a score
/// that is missing or not a number, an outcome that is not 0/1/true/false/yes/no, a weight that
/// is not positive.
public struct EvaluationColumns: Sendable {
    public var score: [Double]
    public var outcome: [Double]
    public var weight: [Double]?
    public var period: [String]?

    public static func extract(table: Table, score: String, outcome: String, period: String?, weight: String?) throws(DataValidationError) -> EvaluationColumns {
        var problems = ProblemCollector()
        func column(_ name: String) -> Int? {
            if let j = table.index(of: name) { return j }
            let hint = EditDistance.suggestion(for: name, in: table.names, quote: "\"")
            problems.add(DataProblem(file: table.source, columnName: name,
                                     message: "no column \"\(name.shownInMessage)\" in the file\(hint) (columns: \(table.names.shownInMessage()))"))
            return nil
        }
        let sj = column(score), oj = column(outcome)
        let pj = period.flatMap { column($0) }, wj = weight.flatMap { column($0) }
        try problems.throwIfAny()
        guard let sj, let oj else { throw DataValidationError(problems: problems.problems) }
        let n = table.rowCount
        var s = [Double](repeating: .nan, count: n), y = [Double](repeating: 0, count: n)
        var w: [Double]? = wj == nil ? nil : [Double](repeating: 1, count: n)
        var periods: [String]? = pj == nil ? nil : [String](repeating: "", count: n)
        for r in 0..<n {
            let line = table.line(ofRow: r)
            switch table.columns[sj] {
            case .numeric(let v):
                if v[r].isNaN { problems.add(DataProblem(file: table.source, line: line, column: sj + 1, columnName: score, value: "", message: "expected a score, found a missing cell")) }
                s[r] = v[r]
            case .text(let t):
                problems.add(DataProblem(file: table.source, line: line, column: sj + 1, columnName: score, value: t.value(at: r) ?? "", message: "expected a number"))
            }
            if let v = outcomeValue(table.columns[oj], row: r) { y[r] = v } else {
                problems.add(DataProblem(file: table.source, line: line, column: oj + 1, columnName: outcome,
                                         value: cellText(table.columns[oj], row: r), message: "expected an outcome: 0/1, true/false or yes/no"))
            }
            if let wj, case .numeric(let v) = table.columns[wj] {
                if !(v[r] > 0) || !v[r].isFinite { problems.add(DataProblem(file: table.source, line: line, column: wj + 1, columnName: weight, value: cellText(table.columns[wj], row: r), message: "expected a row weight > 0")) }
                w?[r] = v[r]
            } else if let wj {
                problems.add(DataProblem(file: table.source, line: line, column: wj + 1, columnName: weight, value: cellText(table.columns[wj], row: r), message: "expected a row weight > 0"))
            }
            if let pj { periods?[r] = cellText(table.columns[pj], row: r) }
            if problems.isFull { break }
        }
        try problems.throwIfAny()
        if !y.contains(1) || !y.contains(0) {
            throw DataValidationError(problems: [DataProblem(file: table.source, columnName: outcome,
                message: "every row has \(outcome.shownInMessage) = \(y.first.map { Int($0) } ?? 0): judging a score needs both churners and non-churners")])
        }
        return EvaluationColumns(score: s, outcome: y, weight: w, period: periods)
    }

    static func cellText(_ c: Column, row r: Int) -> String {
        switch c {
        case .numeric(let v): return v[r].isNaN ? "" : formatNumber(v[r])
        case .text(let t): return t.value(at: r) ?? ""
        }
    }

    static func outcomeValue(_ c: Column, row r: Int) -> Double? {
        switch c {
        case .numeric(let v): return v[r] == 0 || v[r] == 1 ? v[r] : nil
        case .text(let t):
            switch t.value(at: r)?.trimmingCharacters(in: .whitespaces).lowercased() {
            case "1", "true", "yes": return 1
            case "0", "false", "no": return 0
            default: return nil
            }
        }
    }
}
