/// A short Markdown summary of a run for email or chat: a title, headline bullets, small
/// tables. Built with mutating calls, rendered once with ``render()``.
///
/// Escaping: table cells escape `|` (which would split the cell) and turn newlines into spaces
/// (which would end the row). All text also backslash-escapes `\`, `` ` ``, `*`, `[`, `]`, `<`
/// and `>`, so a customer id or feature name cannot become emphasis, a link or raw HTML in a
/// renderer that allows it. `_` is left alone: GitHub-flavoured Markdown does not treat it as
/// emphasis inside a word, and feature names like `days_since_login` are common.
public struct MarkdownSummary: Sendable, Equatable {
    enum Block: Sendable, Equatable {
        case heading(String)
        case paragraph(String)
        case bullets([String])
        case table(headers: [String], rows: [[String]], numericColumns: Set<Int>)
    }

    public var title: String
    private(set) var blocks: [Block] = []

    public init(title: String) {
        self.title = title
    }

    /// A second-level heading.
    public mutating func heading(_ text: String) {
        blocks.append(.heading(text))
    }

    public mutating func paragraph(_ text: String) {
        blocks.append(.paragraph(text))
    }

    /// A bullet; consecutive bullets form one list.
    public mutating func bullet(_ text: String) {
        if case .bullets(let items)? = blocks.last {
            blocks[blocks.count - 1] = .bullets(items + [text])
        } else {
            blocks.append(.bullets([text]))
        }
    }

    /// A table; columns listed in `numericColumns` (0-based) are right-aligned.
    public mutating func table(headers: [String], rows: [[String]], numericColumns: Set<Int> = []) {
        blocks.append(.table(headers: headers, rows: rows, numericColumns: numericColumns))
    }

    /// Inline text with Markdown's active characters escaped and line breaks flattened. Checked
    /// scalar by scalar: an active character followed by a combining mark is one Character but
    /// still active, and "\r\n" is one Character equal to neither "\r" nor "\n".
    public static func escapeText(_ text: String) -> String {
        escape(text, cell: false)
    }

    /// A table cell: inline escaping plus `|`, which would otherwise split the cell.
    public static func escapeCell(_ text: String) -> String {
        escape(text, cell: true)
    }

    private static func escape(_ text: String, cell: Bool) -> String {
        var out = String.UnicodeScalarView()
        var afterCR = false
        for scalar in text.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            switch scalar {
            case "\\", "`", "*", "[", "]", "<", ">": out.append("\\"); out.append(scalar)
            case "|" where cell: out.append("\\"); out.append(scalar)
            case "\n" where afterCR: continue  // CRLF: one space, as for CR or LF alone
            case "\r", "\n": out.append(" ")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    public func render() -> String {
        var parts = ["# " + Self.escapeText(title)]
        for block in blocks {
            switch block {
            case .heading(let text):
                parts.append("## " + Self.escapeText(text))
            case .paragraph(let text):
                parts.append(Self.escapeText(text))
            case .bullets(let items):
                parts.append(items.map { "- " + Self.escapeText($0) }.joined(separator: "\n"))
            case let .table(headers, rows, numeric):
                // The header decides the column count; short rows are padded so the table parses.
                let width = max(headers.count, rows.map(\.count).max() ?? 0)
                func line(_ cells: [String]) -> String {
                    let padded = cells + Array(repeating: "", count: width - cells.count)
                    return "| " + padded.map(Self.escapeCell).joined(separator: " | ") + " |"
                }
                var lines = [line(headers)]
                lines.append("|" + (0..<width).map { numeric.contains($0) ? " ---: " : " --- " }.joined(separator: "|") + "|")
                lines += rows.map(line)
                parts.append(lines.joined(separator: "\n"))
            }
        }
        return parts.joined(separator: "\n\n") + "\n"
    }
}
