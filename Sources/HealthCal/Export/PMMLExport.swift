/// The weight file as PMML 4.4 (read by JPMML, pypmml/PMML4S, KNIME, SAS): a `RegressionModel` with
/// `functionName="classification"` and `normalizationMethod="logit"`, whose `LocalTransformations`
/// reproduce the encoding (docs/encodings.md) with built-in functions only:
/// `if`/`isMissing` for imputation and missing indicators, `ln(x + 1)` for log1p, `max`/`min`
/// for the clip bounds, `-` and `/` for standardizing, `equal`/`isIn` for one-hot columns.
/// The calibration is already folded into the coefficients.
///
/// Restrictions (the export refuses with a message rather than emit a different model):
/// - isotonic calibration (not linear on the logit scale; a RegressionModel cannot apply a table
///   after its logit normalization);
/// - per-segment models (a PMML `MiningModel` segmentation would be needed).
/// Boolean features are string fields read as 0/1, true/false, yes/no (any case). An unseen level
/// scores as the reference even under `unseen: error`; a missing value under `impute: error`
/// makes the prediction missing.
public enum PMMLExport {
    public static func document(_ file: WeightFile, modelName: String = "healthcal") throws(ExportError) -> String {
        if case .isotonic = file.calibration {
            throw .unsupported(format: "PMML", reason: "isotonic calibration cannot be expressed in a PMML RegressionModel (it is a table applied after the logit); refit with calibration: platt, intercept or none, or score with the weight file, SQL or the healthcal scorer")
        }
        if file.segments != nil {
            throw .unsupported(format: "PMML", reason: "per-segment models are not exported to PMML yet; use the SQL export or the weight file")
        }
        let spec = file.metadata.spec
        let target = spec.data.outcome
        let enc = file.encoding
        for name in [target, modelName] + enc.features.map(\.name) + enc.names { try checkName(name) }

        var x = XMLText()
        x.line(0, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        x.line(0, "<PMML xmlns=\"http://www.dmg.org/PMML-4_4\" version=\"4.4\">")
        x.line(1, "<Header description=\"healthcal churn model (weight file format \(file.version))\">")
        x.line(2, "<Application name=\"healthcal\" version=\"\(attr(file.metadata.toolVersion))\"/>")
        x.line(1, "</Header>")
        x.line(1, "<DataDictionary numberOfFields=\"\(enc.features.count + 1)\">")
        x.line(2, "<DataField name=\"\(attr(target))\" optype=\"categorical\" dataType=\"string\">")
        x.line(3, "<Value value=\"0\"/>")
        x.line(3, "<Value value=\"1\"/>")
        x.line(2, "</DataField>")
        for f in enc.features {
            let text = f.type != .numeric
            x.line(2, "<DataField name=\"\(attr(f.name))\" optype=\"\(text ? "categorical" : "continuous")\" dataType=\"\(text ? "string" : "double")\"/>")
        }
        x.line(1, "</DataDictionary>")
        x.line(1, "<RegressionModel modelName=\"\(attr(modelName))\" functionName=\"classification\" normalizationMethod=\"logit\">")
        x.line(2, "<MiningSchema>")
        x.line(3, "<MiningField name=\"\(attr(target))\" usageType=\"target\"/>")
        for f in enc.features { x.line(3, "<MiningField name=\"\(attr(f.name))\"/>") }
        x.line(2, "</MiningSchema>")
        x.line(2, "<Output>")
        x.line(3, "<OutputField name=\"churn_probability\" optype=\"continuous\" dataType=\"double\" feature=\"probability\" value=\"1\"/>")
        x.line(2, "</Output>")
        x.line(2, "<LocalTransformations>")
        var derived: [String] = []
        for f in enc.features {
            for (column, expr) in zip(f.columns, columnExpressions(f)) {
                let name = derivedName(column)
                derived.append(name)
                x.line(3, "<DerivedField name=\"\(attr(name))\" optype=\"continuous\" dataType=\"double\">")
                x.line(4, expr)
                x.line(3, "</DerivedField>")
            }
        }
        x.line(2, "</LocalTransformations>")
        x.line(2, "<RegressionTable intercept=\"\(exactNumber(file.model.intercept))\" targetCategory=\"1\">")
        for (name, w) in zip(derived, file.model.weights) {
            x.line(3, "<NumericPredictor name=\"\(attr(name))\" coefficient=\"\(exactNumber(w))\"/>")
        }
        x.line(2, "</RegressionTable>")
        x.line(2, "<RegressionTable intercept=\"0.0\" targetCategory=\"0\"/>")
        x.line(1, "</RegressionModel>")
        x.line(0, "</PMML>")
        return x.text
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
            var v = f.imputeValue.map { ifElse(isMissing, constant($0), t) } ?? t
            if let center = f.center, let scale = f.scale { v = apply("/", apply("-", v, constant(center)), constant(scale)) }
            var out = [v]
            if f.missingIndicator == true { out.append(ifElse(isMissing, one, zero)) }
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
        if s.contains("\r") || s.contains("]]>") { return attr(s) }
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
