/// What `SpecSuggestion` needs to know about one column of a table to guess its role: missing
/// cells, distinct values, whether it reads as 0/1 or as periods, and the shape of its numbers.
///
/// Missing cells are the default tokens of `DataOptions` (the spec `healthcal init` writes keeps
/// them), so the profile sees the table the way `Panel.make` will.
struct ColumnProfile {
    var name: String
    var index: Int
    var isText: Bool
    var missing: Int
    var present: Int
    /// Distinct non-missing values.
    var distinct: Int
    /// Every non-missing value is 0/1, true/false or yes/no (and there is at least one).
    var isBinary: Bool
    /// Share of non-missing values that are 1 / true / yes, for binary columns.
    var positiveShare: Double
    /// Every non-missing value parses as a period of one unit: that unit, and the range.
    var periodUnit: Period.Unit?
    var periodRange: (Period, Period)?
    /// Numeric columns: every value is a whole number.
    var isInteger: Bool
    var minimum: Double
    var maximum: Double
    /// Population skewness m3 / m2^1.5 (0 for a constant column).
    var skewness: Double
    var p95: Double
    var standardDeviation: Double
    /// Text columns: levels by frequency, most frequent first (ties alphabetical).
    var levelsByCount: [(String, Int)]

    init(table: Table, column j: Int, data: DataOptions = DataOptions(id: "", outcome: "")) {
        name = table.names[j]
        index = j
        isInteger = false
        minimum = .nan
        maximum = .nan
        skewness = 0
        p95 = .nan
        standardDeviation = 0
        levelsByCount = []
        periodUnit = nil
        periodRange = nil
        switch table.columns[j] {
        case let .numeric(v):
            isText = false
            let x = v.filter { !$0.isNaN }.sorted()
            missing = v.count - x.count
            present = x.count
            var distinctCount = 0
            for k in x.indices where k == 0 || x[k] != x[k - 1] { distinctCount += 1 }
            distinct = distinctCount
            isBinary = !x.isEmpty && x.allSatisfy { $0 == 0 || $0 == 1 }
            positiveShare = x.isEmpty ? 0 : Double(x.filter { $0 == 1 }.count) / Double(x.count)
            if !x.isEmpty {
                isInteger = x.allSatisfy { $0 == $0.rounded() }
                minimum = x[0]
                maximum = x[x.count - 1]
                p95 = OrderStatistics.quantile(sorted: x, 0.95)
                let m = OrderStatistics.mean(x)
                let n = Double(x.count)
                let m2 = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n
                let m3 = x.reduce(0) { $0 + ($1 - m) * ($1 - m) * ($1 - m) } / n
                standardDeviation = m2.squareRoot()
                skewness = m2 > 0 ? m3 / (m2 * m2.squareRoot()) : 0
            }
        case let .text(raw):
            isText = true
            let t = CellParsing.cleaned(raw, data: data)
            var counts: [String: Int] = [:]
            var missingCount = 0
            for c in t.codes {
                if c < 0 { missingCount += 1 } else { counts[t.levels[Int(c)], default: 0] += 1 }
            }
            missing = missingCount
            present = t.codes.count - missingCount
            distinct = counts.count
            levelsByCount = counts.sorted { $0.value != $1.value ? $0.value > $1.value : scalarOrder($0.key, $1.key) }
            let binary = counts.keys.map { CellParsing.binary($0) }
            isBinary = !counts.isEmpty && binary.allSatisfy { $0 != nil }
            let positives = zip(counts.keys, binary).filter { $0.1 == 1 }.reduce(0) { $0 + (counts[$1.0] ?? 0) }
            positiveShare = present == 0 ? 0 : Double(positives) / Double(present)
            let periods = counts.keys.map { Period.parse($0) }
            if !periods.isEmpty, periods.allSatisfy({ $0 != nil }) {
                let ps = periods.compactMap { $0 }
                if let first = ps.first, ps.allSatisfy({ $0.unit == first.unit }), let lo = ps.min(), let hi = ps.max() {
                    periodUnit = first.unit
                    periodRange = (lo, hi)
                }
            }
        }
    }

    /// The name's words, lowercased: "CustomerID" -> ["customer", "id"], "churned_90d" ->
    /// ["churned", "90d"], so that "paid" is not read as an id.
    var words: [String] {
        var out: [String] = []
        var current = ""
        var previousLower = false
        for ch in name {
            if !(ch.isLetter || ch.isNumber) {
                if !current.isEmpty { out.append(current) }
                current = ""
                previousLower = false
                continue
            }
            if ch.isUppercase, previousLower, !current.isEmpty {
                out.append(current)
                current = ""
            }
            current.append(contentsOf: ch.lowercased())
            previousLower = ch.isLowercase || ch.isNumber
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// True when one of the name's words starts with one of `prefixes`.
    func named(like prefixes: [String]) -> Bool {
        words.contains { w in prefixes.contains { w.hasPrefix($0) } }
    }

    var missingShare: Double { missing + present == 0 ? 0 : Double(missing) / Double(missing + present) }
}
