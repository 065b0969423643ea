/// How a column's cells are stored: as numbers, or as dictionary-encoded text.
public enum ColumnKind: Sendable, Equatable {
    case numeric
    case text
}

/// Settings for `CSVReader`. The defaults read what pandas and spreadsheets usually write.
public struct CSVOptions: Sendable {
    /// The field separator, one byte (comma by default; `UInt8(ascii: ";")` or tab for European
    /// exports).
    public var delimiter: UInt8
    /// Cells that mean "no value". Compared case-insensitively after trimming spaces, so `na`,
    /// ` NULL ` and `n/a` all match. A cell of only spaces is always missing.
    public var missingTokens: [String]
    /// Kinds for columns the caller already knows, by name. They override inference, which
    /// matters for id-like columns that happen to be all digits (`customer_id` of `00123`).
    public var columnKinds: [String: ColumnKind]
    /// How many data rows inference looks at: a column not named in `columnKinds` is numeric
    /// when every non-missing cell of these rows reads as a number (a column with no values at
    /// all in these rows is numeric too), else text.
    public var inferenceRows: Int
    /// How many cores parse the file. Files too small to repay the split use one.
    public var threads: Int
    /// Below this many bytes per thread, parsing stays single-threaded (tests lower it to
    /// exercise the split on small inputs).
    var minimumBytesPerThread: Int = 1 << 20
    /// Bytes parsed between releases of a mapped file's parsed pages (tests lower it to
    /// exercise the release on small files).
    var bytesPerPageRelease: Int = 4 << 20

    public static let defaultMissingTokens = ["", "NA", "N/A", "null", "NaN"]

    public init(delimiter: UInt8 = UInt8(ascii: ","),
                missingTokens: [String] = CSVOptions.defaultMissingTokens,
                columnKinds: [String: ColumnKind] = [:],
                inferenceRows: Int = 1000,
                threads: Int = 2) {
        self.delimiter = delimiter
        self.missingTokens = missingTokens
        self.columnKinds = columnKinds
        self.inferenceRows = inferenceRows
        self.threads = threads
    }
}
