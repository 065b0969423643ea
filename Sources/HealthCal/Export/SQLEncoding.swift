/// The fitted encoding compiled to SQL expressions: one compiler for the SQL export (scoring in
/// the warehouse) and the in-database fit (`InDatabaseFit`), so a row is encoded the same way
/// whether it is scored or fitted there. docs/encodings.md gives each step; docs/scale.md how
/// the fit uses them.
///
/// Each feature compiles stage by stage (`presentValue` is the transformed, clipped value of a
/// present cell; `columns` the design columns), so an encoding with more stages (splines and
/// bins, issue 17) adds its stage here once and both the export and the fit get it.
/// Standard SQL that SQLite and PostgreSQL both run: `CASE`, `CAST`, `LN`, `EXP`, `LOWER`,
/// `TRIM`; no `GREATEST`/`LEAST` (postgres_fdw does not ship them to a shard).
public enum SQLEncoding {
    /// One SQL expression per design column of the feature, in column order.
    public static func columns(_ f: FittedFeature) -> [String] {
        let c = identifier(f.name)
        switch f.type {
        case .numeric, .boolean:
            if let cuts = f.cuts { return binColumns(f, cuts: cuts) }
            let x = "(CASE WHEN \(c) IS NULL THEN \(f.imputeValue.map(number) ?? "NULL") ELSE \(presentValue(f)) END)"
            var v = x
            if let center = f.center, let scale = f.scale { v = "((\(v) - \(number(center))) / \(number(scale)))" }
            var out = [v]
            if f.missingIndicator == true { out.append(missingIndicator(f)) }
            if f.knots != nil { out += splineColumns(f, x: x) }
            return out
        case .categorical:
            let missing = "(\(c) IS NULL OR TRIM(\(c)) = '')"
            var out = (f.levels ?? []).map { "(CASE WHEN \(c) = \(literal($0)) THEN 1.0 ELSE 0.0 END)" }
            if f.hasOther == true {
                let pooled = (f.pooled ?? []).map(literal)
                out.append(pooled.isEmpty ? "0.0" : "(CASE WHEN \(c) IN (\(pooled.joined(separator: ", "))) THEN 1.0 ELSE 0.0 END)")
            }
            if f.hasMissingLevel == true { out.append("(CASE WHEN \(missing) THEN 1.0 ELSE 0.0 END)") }
            return out
        }
    }

    /// A numeric or boolean cell's value when present: parsed (booleans from their spellings),
    /// transformed (log1p) and clipped to `lower`/`upper`; NULL when it cannot be encoded
    /// (log1p of a value <= -1, a boolean spelled otherwise). Not meaningful for a missing cell.
    public static func presentValue(_ f: FittedFeature) -> String {
        let c = identifier(f.name)
        var t: String
        if f.type == .boolean {
            let text = "LOWER(TRIM(CAST(\(c) AS TEXT)))"
            t = "(CASE WHEN \(text) IN ('1', '1.0', 'true', 'yes') THEN 1.0 WHEN \(text) IN ('0', '0.0', 'false', 'no') THEN 0.0 ELSE NULL END)"
        } else {
            t = "CAST(\(c) AS DOUBLE PRECISION)"
        }
        if f.transform == .log1p { t = "(CASE WHEN \(t) > -1 THEN LN(1.0 + \(t)) ELSE NULL END)" }
        if let lower = f.lower { t = "(CASE WHEN \(t) < \(number(lower)) THEN \(number(lower)) ELSE \(t) END)" }
        if let upper = f.upper { t = "(CASE WHEN \(t) > \(number(upper)) THEN \(number(upper)) ELSE \(t) END)" }
        return t
    }

    /// The "name (missing)" column: 1 for a missing cell, else 0.
    public static func missingIndicator(_ f: FittedFeature) -> String {
        "(CASE WHEN \(identifier(f.name)) IS NULL THEN 1.0 ELSE 0.0 END)"
    }

    /// A double-quoted identifier; embedded double quotes are doubled.
    public static func identifier(_ name: String) -> String {
        "\"" + doubling("\"", in: name) + "\""
    }

    /// A single-quoted text literal; embedded single quotes are doubled.
    public static func literal(_ text: String) -> String {
        "'" + doubling("'", in: text) + "'"
    }

    /// A number, exact, in parentheses when negative (so `- -1` never becomes a `--` comment).
    public static func number(_ v: Double) -> String {
        let s = exactNumber(v)
        return v < 0 || s.hasPrefix("-") ? "(\(s))" : s
    }
}
