/// How user-supplied names and values appear inside messages.
///
/// A column name, level, key or value comes from the input and can be megabytes long (a CSV
/// whose header is one 10 MB field); quoted in full in every message it once made 150 MB of
/// stderr. Every message that quotes user text goes through `shownInMessage`. File paths are
/// not cut: the user typed them, the system bounds them (PATH_MAX), and a cut path is useless.
extension String {
    /// How many characters of a quoted name or value a message keeps.
    public static let messageQuoteLimit = 60

    /// The text with control characters escaped (`debugEscaped`) and, when longer than
    /// `messageQuoteLimit` characters, cut to that many followed by "… (N characters)".
    public var shownInMessage: String {
        // The UTF-8 count bounds the character count from above and costs nothing to read.
        if utf8.count <= Self.messageQuoteLimit { return debugEscaped }
        let total = count
        if total <= Self.messageQuoteLimit { return debugEscaped }
        return String(prefix(Self.messageQuoteLimit)).debugEscaped + "… (\(total) characters)"
    }
}

extension Sequence<String> {
    /// Names listed in a message: each `shownInMessage`, joined with ", ", at most `limit` of
    /// them followed by "... (N in all)".
    public func shownInMessage(limit: Int = 30) -> String {
        var shown: [String] = []
        var total = 0
        for name in self {
            if total < limit { shown.append(name.shownInMessage) }
            total += 1
        }
        return shown.joined(separator: ", ") + (total > limit ? ", ... (\(total) in all)" : "")
    }
}
