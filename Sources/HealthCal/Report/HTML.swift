/// Escaping for text that lands in HTML or SVG.
///
/// Every string a report shows comes from somewhere the report does not control: customer ids
/// from a CRM export, feature names from a spec, segment names typed by an analyst. Any of them
/// can contain `<`, `&` or a quote, by accident or on purpose, so all of them go through
/// ``escape(_:)`` before they are written, in element text and in attribute values alike.
public enum HTML {
    /// Replaces the five characters that can end a text node or an attribute value
    /// (`&`, `<`, `>`, `"`, `'`) with character references.
    ///
    /// One function serves both element text and attribute values (double- or single-quoted),
    /// so a call site never has to choose the right variant. The output is also valid XML,
    /// which keeps standalone SVG files well-formed.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab/newline are not allowed in XML 1.0; a stray
                // one in a CSV cell would make the SVG unparsable, so it becomes a space.
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" {
                    out += " "
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
