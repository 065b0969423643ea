/// What the header and inference decided, shared read-only by every chunk.
struct CSVLayout: Sendable {
    var names: [String]
    var kinds: [ColumnKind]
    /// Column c's index among the numeric columns or among the text columns, by its kind.
    var slots: [Int]
    /// True when the kind came from inference rather than `CSVOptions.columnKinds`; the
    /// "expected a number" message then says how to read the column as text instead.
    var inferred: [Bool]
    var inferenceRows: Int

    init(names: [String], kinds: [ColumnKind], inferred: [Bool], inferenceRows: Int) {
        self.names = names
        self.kinds = kinds
        self.inferred = inferred
        self.inferenceRows = inferenceRows
        var numeric = 0, text = 0
        slots = kinds.map { kind in
            switch kind {
            case .numeric: defer { numeric += 1 }; return numeric
            case .text: defer { text += 1 }; return text
            }
        }
        numericCount = numeric
        textCount = text
    }

    private(set) var numericCount: Int
    private(set) var textCount: Int
    var columnCount: Int { names.count }
}
