/// A table as read from a delimited file: named columns, each either numeric or text.
///
/// This is the hand-off between the CSV reader and everything that interprets the data (the
/// spec, validation, encodings). Text columns are dictionary-encoded: a customer id or a segment
/// name is stored once per distinct value, and rows hold small integer codes.
public struct Table: Sendable {
    /// Where the table came from, for error messages (a path, or a label such as "<stdin>").
    public var source: String
    /// Column names in file order.
    public var names: [String]
    public var columns: [Column]
    public var rowCount: Int
    /// The 1-based line of the file on which each row starts. Empty when every row is one line
    /// and the header is line 1, in which case row r (0-based) starts on line r + 2.
    public var rowLines: [Int]

    public init(source: String, names: [String], columns: [Column], rowCount: Int, rowLines: [Int] = []) {
        self.source = source
        self.names = names
        self.columns = columns
        self.rowCount = rowCount
        self.rowLines = rowLines
    }

    /// The 1-based file line on which row `row` (0-based) starts.
    public func line(ofRow row: Int) -> Int {
        rowLines.isEmpty ? row + 2 : rowLines[row]
    }

    /// The index of the column called `name`, or nil.
    public func index(of name: String) -> Int? {
        names.firstIndex(of: name)
    }
}

/// One column of a `Table`.
public enum Column: Sendable, Equatable {
    /// Numbers; a missing cell is `Double.nan` (the reader never produces NaN from a number).
    case numeric([Double])
    /// Text, dictionary-encoded.
    case text(TextColumn)
}

/// A dictionary-encoded text column: `levels[codes[r]]` is row r's value; a missing cell has
/// code -1. Levels appear in order of first occurrence.
public struct TextColumn: Sendable, Equatable {
    public var codes: [Int32]
    public var levels: [String]

    public init(codes: [Int32], levels: [String]) {
        self.codes = codes
        self.levels = levels
    }

    /// Row r's value, or nil when missing.
    public func value(at row: Int) -> String? {
        let c = codes[row]
        return c < 0 ? nil : levels[Int(c)]
    }
}
