/// The validated panel: one row per customer per period, every column already interpreted.
///
/// Built by `Panel.make(table:spec:)`, which checks everything an analyst can get wrong in the
/// data before any model sees it. Rows stay in file order (so `lines[r]` points back into the
/// file); `periods` are sorted chronologically and `rowsByPeriod` groups row indices by period.
public struct Panel: Sendable {
    /// Where the data came from (the table's source), for messages.
    public var source: String
    public var spec: Spec
    public var rowCount: Int
    /// The 1-based file line of each row (`lines[r]`).
    public var lines: RowLines

    /// Customer of each row: `customerIDs[Int(customerCodes[r])]`. Numeric ids are written as
    /// integers when they are whole ("1042", not "1042.0").
    public var customerCodes: [Int32]
    public var customerIDs: [String]

    /// Distinct periods, chronological. Empty for a snapshot panel (no period column).
    public var periods: [Period]
    /// Index into `periods` of each row; empty for a snapshot.
    public var periodOfRow: [Int32]
    /// For each entry of `periods`, its rows in file order; empty for a snapshot.
    public var rowsByPeriod: [[Int]]

    /// 1 churned, 0 not.
    public var outcome: [Double]
    /// Frequency weights (> 0), one per row; nil when the spec names no weight column (every
    /// row weighs 1, and no array of ones is held).
    public var weights: [Double]?
    public var hasWeights: Bool { weights != nil }

    /// Segment of each row: `segmentNames[Int(segmentCodes[r])]`; both empty without a segment column.
    public var segmentCodes: [Int32]
    public var segmentNames: [String]

    /// The raw feature columns, in spec order.
    public var features: [PanelFeature]
    /// Values of `bands.gate.column` (NaN when missing), when the spec has a gate.
    public var gate: [Double]?
    /// Read from a database: a problem names a row by its id and period, not by the line of
    /// the pulled text (set by `PanelLoading`).
    public var rowsNamedByKey = false

    /// Where each row is, for problems found after loading (encoding, the design).
    public var places: RowPlaces {
        RowPlaces(source: source, lines: lines, keys: rowsNamedByKey ? (customerCodes, customerIDs, periodOfRow, periods) : nil)
    }

    public var isSnapshot: Bool { periods.isEmpty }
    public var periodLabels: [String] { periods.map(\.label) }

    /// The period of row `r`, or nil in a snapshot.
    public func period(ofRow r: Int) -> Period? {
        periodOfRow.isEmpty ? nil : periods[Int(periodOfRow[r])]
    }

    public func customerID(ofRow r: Int) -> String { customerIDs[Int(customerCodes[r])] }

    /// The segment of row `r`, or nil when the panel has no segment column.
    public func segment(ofRow r: Int) -> String? {
        segmentCodes.isEmpty ? nil : segmentNames[Int(segmentCodes[r])]
    }
}

/// One feature's raw values, interpreted per its spec type but not yet encoded.
public struct PanelFeature: Sendable {
    public var spec: FeatureSpec
    /// 1-based position of the column in the file, for problems that name a cell.
    public var columnNumber: Int
    /// `.numeric` for numeric and boolean features (booleans as 0/1; NaN when missing),
    /// `.text` for categorical features (code -1 when missing; numbers written as text).
    public var values: Column

    public init(spec: FeatureSpec, columnNumber: Int, values: Column) {
        self.spec = spec
        self.columnNumber = columnNumber
        self.values = values
    }

    public var name: String { spec.name }
}

/// How cells are read as numbers, booleans and outcomes, shared by the panel, the encoder's
/// scalar path and the quick design so that every path accepts exactly the same spellings.
enum CellParsing {
    /// A finite number, or nil. Surrounding whitespace is ignored; "inf" and "nan" are not numbers.
    static func number(_ text: String) -> Double? {
        let t = text.trimmingWhitespace
        guard !t.isEmpty, let v = Double(t), v.isFinite else { return nil }
        return v
    }

    /// 0/1, true/false, yes/no in any case (and numbers equal to 0 or 1).
    static func binary(_ text: String) -> Double? {
        switch text.trimmingWhitespace.lowercased() {
        case "1", "true", "yes": return 1
        case "0", "false", "no": return 0
        default:
            if let v = number(text), v == 0 || v == 1 { return v }
            return nil
        }
    }

    /// 0 or 1 from a number; anything else is nil.
    static func binary(_ value: Double) -> Double? { value == 0 || value == 1 ? value : nil }

    /// A number as an id or a category label: whole numbers without ".0".
    static func label(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    /// A text column with the spec's missing tokens turned into code -1 (the reader may already
    /// have done it; doing it again is harmless).
    static func cleaned(_ column: TextColumn, data: DataOptions) -> TextColumn {
        let missingLevel = missingLevels(column.levels, data: data)
        guard missingLevel.contains(true) else { return column }
        var out = column
        for r in out.codes.indices where out.codes[r] >= 0 && missingLevel[Int(out.codes[r])] { out.codes[r] = -1 }
        return out
    }

    /// `data.isMissingToken` of each level. An ASCII level with no whitespace at either end can
    /// only match a token whose lowercased form has as many bytes (ASCII lowercasing keeps the
    /// length), so most levels (a customer-id column has ~10^5) are settled by their length
    /// instead of two Unicode passes each.
    static func missingLevels(_ levels: [String], data: DataOptions) -> [Bool] {
        let tokenLengths = Set(data.missing.map { $0.lowercased().utf8.count })
        return levels.map { level in
            let bytes = level.utf8
            if let first = bytes.first, let last = bytes.last, first > 0x20, last > 0x20,
               !tokenLengths.contains(bytes.count), bytes.allSatisfy({ $0 < 0x80 }) {
                return false
            }
            return data.isMissingToken(level)
        }
    }

    /// A text view of any column: numbers written with `label`, missing as code -1.
    static func textView(_ column: Column, data: DataOptions) -> TextColumn {
        switch column {
        case let .text(t):
            return cleaned(t, data: data)
        case let .numeric(values):
            var index: [Double: Int32] = [:]
            var levels: [String] = []
            var codes = [Int32](repeating: -1, count: values.count)
            for (r, v) in values.enumerated() where !v.isNaN {
                if let c = index[v] {
                    codes[r] = c
                } else {
                    let c = Int32(levels.count)
                    index[v] = c
                    levels.append(label(v))
                    codes[r] = c
                }
            }
            return TextColumn(codes: codes, levels: levels)
        }
    }
}

/// The 1-based file line of each row of a panel, without a stored line per row in the usual
/// case (row r on line r + 2: every row one line, header on line 1): a million rows would
/// otherwise hold 8 MB of consecutive numbers for error messages.
public struct RowLines: RandomAccessCollection, Sendable, Equatable {
    public let count: Int
    /// Each row's line when the rows are not on consecutive lines (a quoted field with a line
    /// break, blank lines); empty otherwise. `Table.rowLines`' convention.
    private let explicit: [Int]

    public init(count: Int, explicit: [Int] = []) {
        self.count = explicit.isEmpty ? count : explicit.count
        self.explicit = explicit
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(row: Int) -> Int { explicit.isEmpty ? row + 2 : explicit[row] }

    /// The same lines, however they are held.
    public static func == (a: RowLines, b: RowLines) -> Bool { a.elementsEqual(b) }
}


/// Where a panel's row is, for a problem about it: the file and line; or, for a panel read from
/// a database, whose rows have no lines an analyst can use, the relation and the row's id and
/// period (as `PanelLoading` names rows while reading one).
public struct RowPlaces: Sendable {
    let source: String
    let lines: RowLines
    let keys: (codes: [Int32], ids: [String], periodOfRow: [Int32], periods: [Period])?

    /// How every problem names a database row: `table "panel", row with id "c1", period "2024Q1"`.
    public static func label(_ source: String, id: String, period: String?) -> String {
        source + ", row with id \"\(id.debugEscaped)\"" + (period.map { ", period \"\($0.debugEscaped)\"" } ?? "")
    }

    /// The problem's file (with the row's id and period for a database) and line (nil for a database).
    func place(ofRow r: Int) -> (file: String, line: Int?) {
        guard let keys else { return (source, lines[r]) }
        let period = keys.periodOfRow.isEmpty ? nil : keys.periods[Int(keys.periodOfRow[r])].label
        return (Self.label(source, id: keys.ids[Int(keys.codes[r])], period: period), nil)
    }

    /// A problem about row `r` (or the whole column when nil) of column `name` (`number`, 1-based, in the file).
    func problem(row r: Int?, column number: Int?, _ name: String, value: String?, _ message: String) -> DataProblem {
        guard let r else { return DataProblem(file: source, columnName: name, value: value, message: message) }
        let (file, line) = place(ofRow: r)
        return DataProblem(file: file, line: line, column: line == nil ? nil : number, columnName: name, value: value, message: message)
    }
}
