/// CSV output cells that are safe to open in a spreadsheet (RFC 4180 quoting, plus formula
/// neutralization: OWASP "CSV injection").
public enum CSVCell {
    /// A text cell: a leading `=`, `+`, `-`, `@`, tab or CR would make a spreadsheet run it as
    /// a formula, so such a cell gets a leading single quote; then the cell is quoted (quotes
    /// doubled) when it holds the delimiter, a quote, CR or LF. The same rule as `CSVWriter`'s.
    public static func text(_ s: String, delimiter: Character = ",") -> String {
        CSVWriter.text(s, separator: delimiter)
    }

    /// A number cell, written as a number (never escaped: `-0.5` is a number, not a formula);
    /// empty for nil or a non-finite value.
    public static func number(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "" }
        return "\(v)"
    }

    /// One record: cells joined by the delimiter, CRLF-free (LF line end).
    public static func record(_ cells: [String], delimiter: Character = ",") -> String {
        cells.joined(separator: String(delimiter)) + "\n"
    }
}
