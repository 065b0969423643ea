/// A panel and, when the source already produced it, its input fingerprint.
public struct LoadedPanel: Sendable {
    public var panel: Panel
    /// SHA-256 of the streamed rows for a database source; nil for a CSV file, which callers
    /// hash from the file (in chunks, on another core) as before.
    public var inputSHA256: String?
}

/// A table read from a source, with what is needed to name its rows in problems.
public struct SourcedTable: Sendable {
    public var table: Table
    /// SHA-256 of the streamed rows for a database source; nil for a CSV file.
    public var inputSHA256: String?
    let locator: RowLocator?

    /// Runs `body` on the table; for a database source, problems that name a line of the
    /// pulled text are rewritten to name the row's id and period instead.
    public func locating<T>(_ body: (Table) throws -> T) throws -> T {
        do {
            return try body(table)
        } catch let error as DataValidationError {
            throw locator?.relocate(error) ?? error
        }
    }
}

extension PanelLoading {
    /// Reads a panel from a CSV file or from PostgreSQL with the same parser and validation.
    /// A database problem names the relation, the row's id and period, and the column.
    public static func load(_ source: PanelSource, spec: Spec) throws -> LoadedPanel {
        try load(source, spec: spec, orderedByKeys: false)
    }

    /// `load`; `orderedByKeys` reads a database source's rows ordered by id, then period
    /// (bytewise), for a relation whose rows have no order of their own (a sharded table).
    static func load(_ source: PanelSource, spec: Spec, orderedByKeys: Bool) throws -> LoadedPanel {
        if case .csv(let path) = source { return LoadedPanel(panel: try load(path: path, spec: spec), inputSHA256: nil) }
        let read = try table(source, spec: spec, orderedByKeys: orderedByKeys)
        var panel = try read.locating { try Panel.make(table: $0, spec: spec) }
        panel.rowsNamedByKey = true
        return LoadedPanel(panel: panel, inputSHA256: read.inputSHA256)
    }

    /// Every column of a source as a `Table`, read with `options` (the delimiter is a comma for
    /// a database): for what has no spec (`init`, `evaluate`). A database's `real` columns are
    /// not refused here; their text is what PostgreSQL prints.
    public static func table(_ source: PanelSource, options: CSVOptions) throws -> SourcedTable {
        switch source {
        case .csv(let path):
            return SourcedTable(table: try CSVReader.read(path: path, options: options), inputSHA256: nil, locator: nil)
        case .postgres(let url, let relation):
            let pulled = try PostgresPanelReader.pullAll(url: url, relation: relation)
            var options = options
            options.delimiter = UInt8(ascii: ",")
            let label = relation.description
            let locator = RowLocator(rows: .text(pulled.bytes), label: label, hasPeriod: false)
            do {
                return SourcedTable(table: try CSVReader.read(bytes: pulled.bytes, source: label, options: options),
                                    inputSHA256: pulled.sha256, locator: locator)
            } catch {
                throw locator.relocate(error)
            }
        }
    }

    /// The spec's columns from a source as a `Table` (the CSV file whole, as `CSVReader` reads
    /// it). `outcome: false` (scoring) pulls the outcome only when the relation has it.
    public static func table(_ source: PanelSource, spec: Spec, outcome: Bool = true) throws -> SourcedTable {
        try table(source, spec: spec, outcome: outcome, orderedByKeys: false)
    }

    static func table(_ source: PanelSource, spec: Spec, outcome: Bool = true, orderedByKeys: Bool) throws -> SourcedTable {
        switch source {
        case .csv(let path):
            return SourcedTable(table: try CSVReader.read(path: path, options: csvOptions(for: spec)), inputSHA256: nil, locator: nil)
        case .postgres(let url, let relation):
            let pulled = try PostgresPanelReader.pull(url: url, relation: relation, spec: spec, outcome: outcome, orderedByKeys: orderedByKeys)
            var options = csvOptions(for: spec)
            options.delimiter = UInt8(ascii: ",")  // COPY's CSV, whatever the spec says for files
            let label = relation.description
            let hasPeriod = spec.data.period != nil
            do {
                let table = try CSVReader.read(bytes: pulled.bytes, source: label, options: options)
                // Validation names rows from the table's own id and period columns (text, first in
                // the select list), so the pulled text is released here, before the panel is built.
                return SourcedTable(table: table, inputSHA256: pulled.sha256,
                                    locator: RowLocator(rows: .table(table), label: label, hasPeriod: hasPeriod))
            } catch {
                throw RowLocator(rows: .text(pulled.bytes), label: label, hasPeriod: hasPeriod).relocate(error)
            }
        }
    }
}

/// Turns a problem's line in the pulled CSV text into the row's id and period, which is how
/// an analyst finds a row in a table (there are no line numbers).
struct RowLocator: Sendable {
    /// Where a line's leading fields are read: the pulled text, or a table whose first columns
    /// are text (the id, then the period: the spec's select list), whose rows know their lines.
    enum Rows: Sendable {
        case text([UInt8])
        case table(Table)
    }
    let rows: Rows
    let label: String
    let hasPeriod: Bool

    func relocate(_ error: DataValidationError) -> DataValidationError {
        var out = error
        out.problems = error.problems.map { p in
            var q = p
            q.file = label
            if let line = p.line {
                q.line = nil
                q.column = nil
                if line == 1 { q.file = label + ", header" }
                else if let fields = leadingFields(ofLine: line, count: hasPeriod ? 2 : 1) {
                    q.file = RowPlaces.label(label, id: fields.first ?? "", period: hasPeriod && fields.count > 1 ? fields[1] : nil)
                }
            }
            return q
        }
        return out
    }

    /// The first `count` fields of physical line `line` (1-based; a quoted field may span lines,
    /// and the reader counts physical lines too), unquoted.
    func leadingFields(ofLine line: Int, count: Int) -> [String]? {
        switch rows {
        case .text(let bytes): return Self.leadingFields(of: bytes, line: line, count: count)
        case .table(let table): return Self.leadingFields(of: table, line: line, count: count)
        }
    }

    /// A missing cell is an empty field, as in the text.
    static func leadingFields(of table: Table, line: Int, count: Int) -> [String]? {
        let row: Int
        if table.rowLines.isEmpty {
            row = line - 2
        } else {
            var lo = 0, hi = table.rowLines.count  // the first row starting at or after `line`
            while lo < hi { let mid = (lo + hi) / 2; if table.rowLines[mid] < line { lo = mid + 1 } else { hi = mid } }
            row = lo
        }
        guard row >= 0, row < table.rowCount, table.line(ofRow: row) == line, table.columns.count >= count else { return nil }
        var fields: [String] = []
        for column in table.columns.prefix(count) {
            guard case .text(let text) = column else { return nil }
            fields.append(text.value(at: row) ?? "")
        }
        return fields
    }

    static func leadingFields(of bytes: [UInt8], line: Int, count: Int) -> [String]? {
        var i = 0, current = 1
        while current < line {
            guard let lf = bytes[i...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            i = lf + 1
            current += 1
        }
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        while i < bytes.count, fields.count < count {
            let b = bytes[i]
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") { field.append(b); i += 1 } else { quoted = false }
                } else { field.append(b) }
            } else if b == UInt8(ascii: "\"") {
                quoted = true
            } else if b == UInt8(ascii: ",") || b == UInt8(ascii: "\n") {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll()
                if b == UInt8(ascii: "\n") { break }
            } else { field.append(b) }
            i += 1
        }
        if fields.count < count, !field.isEmpty { fields.append(String(decoding: field, as: UTF8.self)) }
        return fields
    }
}
