/// `s` with every `quote` scalar doubled (SQL and CSV quoting), checked scalar by scalar.
///
/// Not `replacingOccurrences(of:with:)`: it compares Characters, and a quote followed by a
/// combining mark is one Character that is not a quote, so that quote was left single, ending
/// the SQL string literal or CSV field early while a database or spreadsheet, which read code
/// points, saw the rest as code or as another cell.
func doubling(_ quote: Unicode.Scalar, in s: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in s.unicodeScalars {
        if scalar == quote { out.append(quote) }
        out.append(scalar)
    }
    return String(out)
}
