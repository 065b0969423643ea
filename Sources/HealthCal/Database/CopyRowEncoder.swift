/// Writes a `Table`'s rows as PostgreSQL `COPY ... (FORMAT csv)` text: numbers in shortest
/// round-trip form (so `double precision` stores exactly the parsed value), text quoted when it
/// must be, a missing cell as an empty unquoted field (NULL), and the outcome as 0/1.
struct CopyRowEncoder {
    enum Cell {
        case number([Double])
        case integer([Double])          // the outcome, already read as 0/1
        case text(TextColumn)
    }
    let cells: [Cell]
    /// Each text column's levels, already quoted as CSV fields.
    private let quotedLevels: [[[UInt8]]]

    init(cells: [Cell]) {
        self.cells = cells
        quotedLevels = cells.map { cell in
            guard case .text(let t) = cell else { return [] }
            return t.levels.map(Self.quoted)
        }
    }

    /// Appends row `r` (with its line ending) to `out`.
    func append(row r: Int, to out: inout [UInt8]) {
        for (c, cell) in cells.enumerated() {
            if c > 0 { out.append(UInt8(ascii: ",")) }
            switch cell {
            case .number(let v):
                let x = v[r]
                if !x.isNaN { out.append(contentsOf: x.description.utf8) }
            case .integer(let v):
                let x = v[r]
                if !x.isNaN { out.append(x == 0 ? UInt8(ascii: "0") : UInt8(ascii: "1")) }
            case .text(let t):
                let code = t.codes[r]
                if code >= 0 { out.append(contentsOf: quotedLevels[c][Int(code)]) }
            }
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// Always quoted: an empty string then stays an empty string, not NULL (COPY's CSV rule).
    static func quoted(_ s: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for b in s.utf8 {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}
