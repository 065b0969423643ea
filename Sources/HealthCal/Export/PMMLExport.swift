/// The weight file as PMML 4.4 (read by JPMML, pypmml/PMML4S, KNIME, SAS): a `RegressionModel` with
/// `functionName="classification"` and `normalizationMethod="logit"`, whose `LocalTransformations`
/// reproduce the encoding (docs/encodings.md) with built-in functions only:
/// `if`/`isMissing` for imputation and missing indicators, `ln(x + 1)` for log1p, `max`/`min`
/// for the clip bounds, `-` and `/` for standardizing, `equal`/`isIn` for one-hot columns.
/// A Platt or intercept calibration is already folded into the coefficients; an isotonic table
/// is applied to the model's probability in the `Output` (`outputFields`).
/// Per-segment models become a `MiningModel` with `selectFirst` segmentation: one segment per
/// named model (`SimplePredicate` on the segment column) and a final `<True/>` segment with the
/// pooled model, so a missing or unlisted segment falls back to it, as in the weight file.
/// Boolean features are string fields read as 0/1, true/false, yes/no (any case). An unseen level
/// scores as the reference even under `unseen: error`; a missing value under `impute: error`
/// makes the prediction missing.
public enum PMMLExport {
    public static func document(_ file: WeightFile, modelName: String = "healthcal") throws(ExportError) -> String {
        let spec = file.metadata.spec
        let target = spec.data.outcome
        var features: [FittedFeature] = []
        var models: [(segment: String?, model: WeightFile.LinearModel, encoding: FittedEncoding)] = []
        for name in (file.segments ?? [:]).keys.sorted() {
            let chosen = file.model(forSegment: name)
            models.append((name, chosen.model, chosen.encoding))
        }
        models.append((nil, file.model, file.encoding))
        for m in models {
            for f in m.encoding.features where !features.contains(where: { $0.name == f.name }) { features.append(f) }
        }
        let segmentField = file.segments == nil ? nil : file.segmentColumn
        if file.segments != nil && segmentField == nil {
            throw .unsupported(format: "PMML", reason: "the weight file has per-segment models but no segment_column")
        }
        for name in [target, modelName] + [segmentField].compactMap({ $0 }) + features.map(\.name)
            + models.flatMap({ $0.encoding.names }) + models.compactMap({ $0.segment }) { try checkName(name) }
        // Output fields share the field namespace with the data fields.
        for name in [target] + [segmentField].compactMap({ $0 }) + features.map(\.name)
            where outputNames(file.calibration).contains(name) {
            throw .badName(format: "PMML", name: name, reason: "is the name of the PMML's output field; rename the column")
        }

        var x = XMLText()
        x.line(0, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        x.line(0, "<PMML xmlns=\"http://www.dmg.org/PMML-4_4\" version=\"4.4\">")
        x.line(1, "<Header description=\"healthcal churn model (weight file format \(file.version))\">")
        x.line(2, "<Application name=\"healthcal\" version=\"\(attr(file.metadata.toolVersion))\"/>")
        x.line(1, "</Header>")
        x.line(1, "<DataDictionary numberOfFields=\"\(features.count + 1 + (segmentField == nil ? 0 : 1))\">")
        x.line(2, "<DataField name=\"\(attr(target))\" optype=\"categorical\" dataType=\"string\">")
        x.line(3, "<Value value=\"0\"/>")
        x.line(3, "<Value value=\"1\"/>")
        x.line(2, "</DataField>")
        if let segmentField { x.line(2, "<DataField name=\"\(attr(segmentField))\" optype=\"categorical\" dataType=\"string\"/>") }
        for f in features {
            let text = f.type != .numeric
            x.line(2, "<DataField name=\"\(attr(f.name))\" optype=\"\(text ? "categorical" : "continuous")\" dataType=\"\(text ? "string" : "double")\"/>")
        }
        x.line(1, "</DataDictionary>")
        let output = outputFields(file.calibration)
        guard let segmentField else {
            regressionModel(&x, depth: 1, name: modelName, model: file.model, encoding: file.encoding, target: target, output: output)
            x.line(0, "</PMML>")
            return x.text
        }
        // Per-segment models: the first segment whose predicate holds scores the row; a row
        // whose segment is missing or not listed falls through to the pooled model (<True/>).
        // The Output is repeated in each segment's model: PMML4S (pypmml) only emits a
        // MiningModel's named outputs when the selected segment declares them.
        x.line(1, "<MiningModel modelName=\"\(attr(modelName))\" functionName=\"classification\">")
        x.line(2, "<MiningSchema>")
        x.line(3, "<MiningField name=\"\(attr(target))\" usageType=\"target\"/>")
        x.line(3, "<MiningField name=\"\(attr(segmentField))\"/>")
        for f in features { x.line(3, "<MiningField name=\"\(attr(f.name))\"/>") }
        x.line(2, "</MiningSchema>")
        x.line(2, output)
        x.line(2, "<Segmentation multipleModelMethod=\"selectFirst\">")
        for (k, m) in models.enumerated() {
            x.line(3, "<Segment id=\"\(k + 1)\">")
            if let segment = m.segment {
                x.line(4, "<SimplePredicate field=\"\(attr(segmentField))\" operator=\"equal\" value=\"\(attr(segment))\"/>")
            } else {
                x.line(4, "<True/>")
            }
            regressionModel(&x, depth: 4, name: m.segment.map { "\(modelName) (\($0))" } ?? modelName,
                            model: m.model, encoding: m.encoding, target: target, output: output)
            x.line(3, "</Segment>")
        }
        x.line(2, "</Segmentation>")
        x.line(1, "</MiningModel>")
        x.line(0, "</PMML>")
        return x.text
    }

    /// The names `outputFields` declares.
    static func outputNames(_ calibration: CalibrationMap) -> [String] {
        if case .isotonic = calibration { return ["raw_churn_probability", "churn_probability"] }
        return ["churn_probability"]
    }

    /// The `Output`: `churn_probability`, the probability of "1". With an isotonic table (which
    /// a linear score cannot fold in) the model's probability is `raw_churn_probability` and
    /// `churn_probability` is the table applied to it: a `NormContinuous` whose `LinearNorm`
    /// knots are the table's, interpolated linearly and held constant beyond the ends
    /// (`outliers="asExtremeValues"`), as the scorer applies it.
    static func outputFields(_ calibration: CalibrationMap) -> String {
        func field(_ name: String, _ feature: String, _ rest: String = "") -> String {
            "<OutputField name=\"\(name)\" optype=\"continuous\" dataType=\"double\" feature=\"\(feature)\"\(rest)"
        }
        guard case .isotonic(let table) = calibration else {
            return "<Output>" + field("churn_probability", "probability", " value=\"1\"/>") + "</Output>"
        }
        let raw = "raw_churn_probability"
        let knots = zip(table.thresholdsX, table.thresholdsY)
        let map = table.thresholdsX.count == 1 ? constant(table.thresholdsY[0])
            : "<NormContinuous field=\"\(raw)\" outliers=\"asExtremeValues\">"
                + knots.map { "<LinearNorm orig=\"\(exactNumber($0))\" norm=\"\(exactNumber($1))\"/>" }.joined()
                + "</NormContinuous>"
        return "<Output>" + field(raw, "probability", " value=\"1\"/>")
            + field("churn_probability", "transformedValue", ">") + map + "</OutputField></Output>"
    }

    /// One logit RegressionModel with its encoding as LocalTransformations.
    static func regressionModel(_ x: inout XMLText, depth d: Int, name: String, model: WeightFile.LinearModel,
                                encoding enc: FittedEncoding, target: String, output: String?) {
        x.line(d, "<RegressionModel modelName=\"\(attr(name))\" functionName=\"classification\" normalizationMethod=\"logit\">")
        x.line(d + 1, "<MiningSchema>")
        x.line(d + 2, "<MiningField name=\"\(attr(target))\" usageType=\"target\"/>")
        for f in enc.features { x.line(d + 2, "<MiningField name=\"\(attr(f.name))\"/>") }
        x.line(d + 1, "</MiningSchema>")
        if let output { x.line(d + 1, output) }
        x.line(d + 1, "<LocalTransformations>")
        var derived: [String] = []
        for f in enc.features {
            for (column, expr) in zip(f.columns, columnExpressions(f)) {
                let name = derivedName(column)
                derived.append(name)
                x.line(d + 2, "<DerivedField name=\"\(attr(name))\" optype=\"continuous\" dataType=\"double\">")
                x.line(d + 3, expr)
                x.line(d + 2, "</DerivedField>")
            }
        }
        x.line(d + 1, "</LocalTransformations>")
        x.line(d + 1, "<RegressionTable intercept=\"\(exactNumber(model.intercept))\" targetCategory=\"1\">")
        for (name, w) in zip(derived, model.weights) {
            x.line(d + 2, "<NumericPredictor name=\"\(attr(name))\" coefficient=\"\(exactNumber(w))\"/>")
        }
        x.line(d + 1, "</RegressionTable>")
        x.line(d + 1, "<RegressionTable intercept=\"0.0\" targetCategory=\"0\"/>")
        x.line(d, "</RegressionModel>")
    }

    /// The name of the derived field of an encoded column.
    public static func derivedName(_ column: String) -> String { "enc(\(column))" }

    static func columnExpressions(_ f: FittedFeature) -> [String] {
        let ref = "<FieldRef field=\"\(attr(f.name))\"/>"
        let isMissing = "<Apply function=\"isMissing\">\(ref)</Apply>"
        func ifElse(_ c: String, _ a: String, _ b: String) -> String { "<Apply function=\"if\">\(c)\(a)\(b)</Apply>" }
        func apply(_ fn: String, _ args: String...) -> String { "<Apply function=\"\(attr(fn))\">\(args.joined())</Apply>" }
        let one = constant(1), zero = constant(0)
        switch f.type {
        case .numeric, .boolean:
            if let cuts = f.cuts { return binExpressions(f, cuts: cuts) }
            var t = ref
            if f.type == .boolean {
                // Any spelling the panel accepts: 0/1, true/false, yes/no in any case; anything
                // else is missing (the scorer rejects it).
                let text = apply("lowercase", apply("trimBlanks", ref))
                func isIn(_ values: [String]) -> String {
                    "<Apply function=\"isIn\">\(text)" + values.map { "<Constant dataType=\"string\">\($0)</Constant>" }.joined() + "</Apply>"
                }
                t = ifElse(isIn(["1", "1.0", "true", "yes"]), one,
                           ifElse(isIn(["0", "0.0", "false", "no"]), zero, "<Constant dataType=\"double\" missing=\"true\"/>"))
            }
            if f.transform == .log1p { t = apply("ln", apply("+", t, one)) }
            if let lower = f.lower { t = apply("max", t, constant(lower)) }
            if let upper = f.upper { t = apply("min", t, constant(upper)) }
            // impute: error has no value: a missing cell leaves the field missing, so the prediction is missing.
            let x = f.imputeValue.map { ifElse(isMissing, constant($0), t) } ?? t
            var v = x
            if let center = f.center, let scale = f.scale { v = apply("/", apply("-", v, constant(center)), constant(scale)) }
            var out = [v]
            if f.missingIndicator == true { out.append(ifElse(isMissing, one, zero)) }
            if f.knots != nil { out += splineColumns(f, x: x) }
            return out
        case .categorical:
            // A missing cell sets no level column (it is the reference, or the "(missing)" column).
            func present(_ test: String) -> String {
                ifElse(isMissing, zero, ifElse(test, one, zero))
            }
            var out = (f.levels ?? []).map { present(apply("equal", ref, "<Constant dataType=\"string\">\(text($0))</Constant>")) }
            if f.hasOther == true {
                let pooled = (f.pooled ?? []).map { "<Constant dataType=\"string\">\(text($0))</Constant>" }
                out.append(pooled.isEmpty ? zero : present("<Apply function=\"isIn\">\(ref)\(pooled.joined())</Apply>"))
            }
            if f.hasMissingLevel == true { out.append(ifElse(isMissing, one, zero)) }
            return out
        }
    }

    static func constant(_ v: Double) -> String { "<Constant dataType=\"double\">\(exactNumber(v))</Constant>" }

    /// XML 1.0 cannot hold most control characters at all, escaped or not.
    static func checkName(_ name: String) throws(ExportError) {
        for u in name.unicodeScalars where u.value < 0x20 && u != "\n" && u != "\r" && u != "\t" {
            throw .badName(format: "PMML", name: name, reason: "contains a control character that XML 1.0 cannot represent")
        }
        if name.isEmpty { throw .badName(format: "PMML", name: name, reason: "is empty") }
    }

    /// Escapes for an attribute value; newline, CR and tab as character references so that
    /// attribute-value normalization keeps them.
    static func attr(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Element text (category levels in `Constant`s). Text with markup characters goes in a
    /// CDATA section: pypmml's evaluator (PMML4S) keeps only the first chunk of text that
    /// contains character references, so `p&lt;ro` would read as "p". A CR cannot survive
    /// CDATA (XML parsers turn it into LF), so text with a CR, or with "]]>", is escaped
    /// instead: correct XML, though PMML4S then misreads that level.
    static func text(_ s: String) -> String {
        let special: Set<Unicode.Scalar> = ["&", "<", ">", "\"", "'", "\n", "\t"]
        guard s.unicodeScalars.contains(where: { special.contains($0) }) else { return s }
        // By scalar and byte, not Character: "\r\n" is one Character (equal to neither "\r" nor
        // "\n"), and "]]>" followed by a combining mark does not contain the Characters "]]>".
        let bytes = Array(s.utf8)
        let endsCDATA = bytes.indices.dropLast(2).contains { bytes[$0] == 0x5D && bytes[$0 + 1] == 0x5D && bytes[$0 + 2] == 0x3E }
        if s.unicodeScalars.contains("\r") || endsCDATA { return attr(s) }
        return "<![CDATA[" + s + "]]>"
    }
}

/// Indented XML lines.
struct XMLText {
    var text = ""
    mutating func line(_ depth: Int, _ s: String) {
        text += String(repeating: "  ", count: depth) + s + "\n"
    }
}
