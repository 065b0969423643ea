/// The weight file as one SQL SELECT for the warehouse: for every row of a table with the
/// training CSV's columns it returns `id`, `period`, `churn_probability` and (optionally) `band`,
/// the same numbers as `Scorer` (the conformance test runs it in SQLite and compares to 1e-9).
///
/// The query is never re-indented: a name with a newline stays byte-exact inside its quotes.
/// Standard SQL that SQLite (>= 3.35 built with math functions, as Debian's and Homebrew's are)
/// and PostgreSQL both run: `CASE`, `CAST(... AS DOUBLE PRECISION)`, `LN`, `EXP`, `LOWER`, `TRIM`.
/// Identifiers are double-quoted with embedded quotes doubled, text literals single-quoted with
/// quotes doubled, numbers written exactly. Contract on the table: a missing cell is `NULL`,
/// numeric features hold numbers, categorical features hold text. A row the scorer would reject
/// (a missing value under `impute: error`, log1p of a value <= -1, an unseen level under
/// `unseen: error`) gets a `NULL` probability instead of an error.
public enum SQLExport {
    /// The query. `table` is the table (or view) name, quoted as an identifier; `bands` adds the
    /// band column when the weight file has bands.
    public static func query(_ file: WeightFile, table: String = "panel", bands: Bool = true) throws(ExportError) -> String {
        let spec = file.metadata.spec
        for name in [table, spec.data.id] + file.encoding.features.map(\.name) where name.contains("\u{0}") {
            throw .badName(format: "SQL", name: name, reason: "contains a NUL character")
        }
        let period = spec.data.period.map(identifier) ?? "NULL"
        let level3 = try calibratedProbabilities(file, id: identifier(spec.data.id), period: period,
                                                 from: "FROM \(identifier(table))", gate: true)
        guard bands, let assignment = file.bands else {
            return "SELECT \"id\", \"period\", \"churn_probability\"\n  FROM (\n\(level3)\n  ) AS \"hc_calibrated\";\n"
        }
        return """
        SELECT "id", "period", "churn_probability", \(bandExpression(assignment)) AS "band"
          FROM (
        \(level3)
          ) AS "hc_calibrated";

        """
    }

    /// The weight file's calibrated churn probability of every row of `from` (`FROM ...`, with
    /// any `WHERE`): a SELECT of "id", "period", "hc_segment", "hc_gate" and "churn_probability",
    /// with `id` and `period` the given SQL expressions and `gate` adding the bands' gate column.
    /// What `query` adds the bands to, and what `InDatabaseChampion` runs on a backtest's
    /// out-of-sample periods: one compiled scorer for both. A row the scorer would reject gets a
    /// NULL probability.
    static func calibratedProbabilities(_ file: WeightFile, id: String, period: String, from: String,
                                        gate withGate: Bool) throws(ExportError) -> String {
        let segCol = file.segmentColumn.map(identifier)
        var eta = try linearPredictor(file.model, encoding: file.encoding)
        if let segs = file.segments, let segCol {
            var cases: [String] = []
            for name in segs.keys.sorted() {
                guard let m = segs[name] else { continue }
                cases.append("WHEN \(segCol) = \(literal(name)) THEN \(try linearPredictor(m, encoding: m.encoding ?? file.encoding))")
            }
            eta = "CASE\n        " + cases.joined(separator: "\n        ") + "\n        ELSE \(eta) END"
        }
        let gate = withGate ? file.bands?.gate.map { identifier($0.column) } ?? "NULL" : "NULL"
        let level1 = """
        SELECT \(id) AS "id", \(period) AS "period", \(segCol ?? "NULL") AS "hc_segment", \(gate) AS "hc_gate",
            \(eta) AS "hc_eta"
          \(from)
        """
        // |η| > 700: e^−|η| < 1e-304, so p is 1 or 0 to double precision; PostgreSQL's EXP
        // raises "underflow" instead of returning 0 there.
        let sigmoid = "CASE WHEN \"hc_eta\" IS NULL THEN NULL WHEN \"hc_eta\" > 700 THEN 1.0 WHEN \"hc_eta\" < -700 THEN 0.0 WHEN \"hc_eta\" >= 0 THEN 1.0 / (1.0 + EXP(-\"hc_eta\")) ELSE EXP(\"hc_eta\") / (1.0 + EXP(\"hc_eta\")) END"
        let level2 = """
        SELECT "id", "period", "hc_segment", "hc_gate", \(sigmoid) AS "hc_p"
          FROM (
        \(level1)
          ) AS "hc_linear"
        """
        let probability = file.calibrationFolded ? "\"hc_p\"" : try isotonic(file.calibration, of: "\"hc_p\"")
        return """
        SELECT "id", "period", "hc_segment", "hc_gate", \(probability) AS "churn_probability"
          FROM (
        \(level2)
          ) AS "hc_raw"
        """
    }

    /// η of one model, with every encoded column written inline.
    static func linearPredictor(_ m: WeightFile.LinearModel, encoding: FittedEncoding) throws(ExportError) -> String {
        var terms = [number(m.intercept)]
        var j = 0
        for f in encoding.features {
            let cells = columnExpressions(f)
            for (k, cell) in cells.enumerated() { terms.append("\(number(m.weights[j + k])) * \(cell)") }
            if let guardTerm = unseenGuard(f) { terms.append(guardTerm) }
            j += f.width
        }
        return "(" + terms.joined(separator: "\n        + ") + ")"
    }

    /// For a categorical feature with `unseen: error`, a term that is NULL for a level the
    /// encoding has not seen (so η is NULL) and 0 otherwise; nil for any other feature.
    static func unseenGuard(_ f: FittedFeature) -> String? {
        guard f.type == .categorical, f.unseen == .error else { return nil }
        let c = identifier(f.name)
        let known = ((f.levels ?? []) + [f.reference].compactMap { $0 } + (f.pooled ?? [])).map(literal)
        return "CASE WHEN \(c) IS NOT NULL AND \(c) NOT IN (\(known.joined(separator: ", "))) THEN NULL ELSE 0.0 END"
    }

    /// One SQL expression per design column of the feature (`SQLEncoding`, shared with the in-database fit).
    static func columnExpressions(_ f: FittedFeature) -> [String] { SQLEncoding.columns(f) }

    /// The isotonic table as a CASE: constant beyond the ends, linear in between, with the same
    /// slope arithmetic as `IsotonicFit.predict`.
    static func isotonic(_ map: CalibrationMap, of p: String) throws(ExportError) -> String {
        guard case let .isotonic(t) = map else { return p }
        let x = t.thresholdsX, y = t.thresholdsY
        guard let y0 = y.first, let yn = y.last, let x0 = x.first, let xn = x.last else {
            throw .unsupported(format: "SQL", reason: "the isotonic table is empty")
        }
        if x.count == 1 { return "(CASE WHEN \(p) IS NULL THEN NULL ELSE \(number(y0)) END)" }
        var parts = ["CASE WHEN \(p) IS NULL THEN NULL", "WHEN \(p) <= \(number(x0)) THEN \(number(y0))",
                     "WHEN \(p) >= \(number(xn)) THEN \(number(yn))"]
        for k in 0..<(x.count - 1) {
            let slope = (y[k + 1] - y[k]) / (x[k + 1] - x[k])
            parts.append("WHEN \(p) < \(number(x[k + 1])) THEN \(number(slope)) * (\(p) - \(number(x[k]))) + \(number(y[k]))")
        }
        return "(" + parts.joined(separator: "\n        ") + " END)"
    }

    static func bandExpression(_ a: BandAssignment) -> String {
        let gateFails = a.gate.map { "(\"hc_gate\" IS NULL OR CAST(\"hc_gate\" AS DOUBLE PRECISION) < \(number($0.min)))" }
        func scheme(_ s: BandScheme) -> String {
            var parts = ["CASE"]
            if let gateFails, let first = s.bands.first { parts.append("WHEN \(gateFails) THEN \(literal(first.name))") }
            parts.append("WHEN \"churn_probability\" IS NULL THEN NULL")
            for band in s.bands.dropFirst().reversed() {
                parts.append("WHEN \"churn_probability\" <= \(number(band.maxProbability)) THEN \(literal(band.name))")
            }
            parts.append("ELSE \(s.bands.first.map { literal($0.name) } ?? "NULL") END")
            return "(" + parts.joined(separator: " ") + ")"
        }
        guard !a.perSegment.isEmpty else { return scheme(a.scheme) }
        var parts = ["CASE"]
        for name in a.perSegment.keys.sorted() {
            if let s = a.perSegment[name] { parts.append("WHEN \"hc_segment\" = \(literal(name)) THEN \(scheme(s))") }
        }
        parts.append("ELSE \(scheme(a.scheme)) END")
        return "(" + parts.joined(separator: "\n        ") + ")"
    }

    /// A double-quoted identifier (`SQLEncoding.identifier`).
    public static func identifier(_ name: String) -> String { SQLEncoding.identifier(name) }

    /// A single-quoted text literal (`SQLEncoding.literal`).
    public static func literal(_ text: String) -> String { SQLEncoding.literal(text) }

    /// An exact number (`SQLEncoding.number`).
    static func number(_ v: Double) -> String { SQLEncoding.number(v) }
}
