/// Why an export cannot be written in the requested format.
public enum ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The weight file uses something the format cannot express (e.g. isotonic calibration in PMML).
    case unsupported(format: String, reason: String)
    /// A name that no quoting can carry into the format (e.g. a control character in XML).
    case badName(format: String, name: String, reason: String)

    public var description: String {
        switch self {
        case let .unsupported(format, reason): "cannot export to \(format): \(reason)"
        case let .badName(format, name, reason): "cannot export to \(format): the name \"\(name.shownInMessage)\" \(reason)"
        }
    }
}

/// Exact decimal text of a double (the shortest representation that reads back to the same
/// value), as every export writes its numbers. Callers check finiteness first.
func exactNumber(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) + ".0" }
    return "\(v)"
}
