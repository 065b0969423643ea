/// How a challenger's number compares with the champion's, worked out from the two values so
/// that "up" is never confused with "better" (lower log loss is better, higher AUC is better).
public struct HeadlineDelta: Sendable, Equatable {
    public enum Direction: String, Sendable { case up, down, flat }
    public enum Verdict: String, Sendable { case better, worse, unchanged, notComparable }

    /// E.g. "+0.015 vs champion".
    public var text: String
    public var direction: Direction
    public var verdict: Verdict

    public init(text: String, direction: Direction, verdict: Verdict) {
        self.text = text
        self.direction = direction
        self.verdict = verdict
    }

    /// - Parameters:
    ///   - value: the challenger's (or new) value.
    ///   - reference: the champion's (or old) value.
    ///   - higherIsBetter: true for AUC, lift, average precision; false for log loss, Brier, ECE.
    ///   - format: how the difference is written; a difference that rounds to zero in this
    ///     format counts as unchanged, so the marker never claims a change the text hides.
    ///   - referenceName: who is compared against, written in the text.
    public init(value: Double, reference: Double, higherIsBetter: Bool,
                format: ValueFormat = .number(decimals: 3), referenceName: String = "champion") {
        let difference = value - reference
        guard difference.isFinite else {
            self.init(text: "no comparison with \(referenceName)", direction: .flat, verdict: .notComparable)
            return
        }
        let shown = format.string(abs(difference))
        let roundsToZero = format.string(0) == shown
        if roundsToZero {
            self.init(text: "same as \(referenceName)", direction: .flat, verdict: .unchanged)
            return
        }
        let up = difference > 0
        let sign = up ? "+" : "\u{2212}"
        self.init(text: sign + shown + " vs " + referenceName, direction: up ? .up : .down,
                  verdict: up == higherIsBetter ? .better : .worse)
    }

    /// The arrow shown before the text; the verdict word is written too, so neither colour nor
    /// the arrow alone carries the meaning.
    var arrow: String {
        switch direction {
        case .up: return "\u{25B2}"
        case .down: return "\u{25BC}"
        case .flat: return "\u{25C6}"
        }
    }

    var verdictWord: String {
        switch verdict {
        case .better: return "better"
        case .worse: return "worse"
        case .unchanged: return "no change"
        case .notComparable: return "not comparable"
        }
    }
}

/// A "headline number": the value, one plain-language sentence of what it means, and how it
/// moved against the champion.
public struct HeadlineCard: Sendable, Equatable {
    /// Short name, e.g. "Churners caught in the top decile".
    public var label: String
    /// The number as the caller wants it shown, e.g. "0.812" or "41%".
    public var value: String
    /// What the number means for someone who does not know the metric.
    public var sentence: String
    public var delta: HeadlineDelta?

    public init(label: String, value: String, sentence: String, delta: HeadlineDelta? = nil) {
        self.label = label
        self.value = value
        self.sentence = sentence
        self.delta = delta
    }
}

/// A table of text cells with headers, numeric columns right-aligned.
public struct ReportTable: Sendable, Equatable {
    public enum Alignment: Sendable { case text, numeric }

    public struct Column: Sendable, Equatable {
        public var title: String
        public var alignment: Alignment
        public init(_ title: String, alignment: Alignment = .text) {
            self.title = title
            self.alignment = alignment
        }
    }

    /// Row emphasis; shown with a marker and bold as well as a tint, so it survives grayscale.
    public enum Highlight: String, Sendable { case none, attention, positive }

    /// A cell: text, or a sparkline (a flagged customer's score trajectory next to its id).
    public enum Cell: Sendable, Equatable {
        case text(String)
        case sparkline(Sparkline)
        /// A heat-table cell: text on a tint of level 0 (none) to 2 (strongest); the text carries
        /// the level too (a marker), so it survives grayscale.
        case heat(String, level: Int)
    }

    public struct Row: Sendable, Equatable {
        public var cells: [Cell]
        public var highlight: Highlight
        public init(_ cells: [String], highlight: Highlight = .none) {
            self.init(cells: cells.map(Cell.text), highlight: highlight)
        }
        public init(cells: [Cell], highlight: Highlight = .none) {
            self.cells = cells
            self.highlight = highlight
        }
    }

    public var caption: String?
    public var columns: [Column]
    public var rows: [Row]

    public init(caption: String? = nil, columns: [Column], rows: [Row]) {
        self.caption = caption
        self.columns = columns
        self.rows = rows
    }

    /// HTML for the table. Short rows are padded with empty cells and long rows keep their
    /// extra cells (as text columns), so a mismatch shows rather than silently losing data.
    func html() -> String {
        var out = "<table class=\"hc-table\">\n"
        if let caption { out += "<caption>\(HTML.escape(caption))</caption>\n" }
        out += "<thead><tr>"
        for column in columns {
            out += "<th scope=\"col\"\(column.alignment == .numeric ? " class=\"num\"" : "")>\(HTML.escape(column.title))</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += row.highlight == .none ? "<tr>" : "<tr class=\"hl-\(row.highlight.rawValue)\">"
            let count = max(row.cells.count, columns.count)
            for i in 0..<count {
                let cell = i < row.cells.count ? row.cells[i] : .text("")
                let numeric = i < columns.count && columns[i].alignment == .numeric
                let tag = i == 0 ? "th scope=\"row\"" : "td"
                let content: String
                var classes: [String] = numeric ? ["num"] : []
                switch cell {
                case .text(let text): content = HTML.escape(text)
                case .sparkline(let chart): content = chart.svg()
                case .heat(let text, let level):
                    content = HTML.escape(text)
                    classes.append("heat-\(min(2, max(0, level)))")
                }
                out += "<\(tag)\(classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")>\(content)</\(i == 0 ? "th" : "td")>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        return out
    }
}
