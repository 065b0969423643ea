/// A chart with an optional caption that says what to look for in it.
public struct ReportFigure: Sendable {
    public var chart: any SVGChart
    public var caption: String?
    public init(_ chart: any SVGChart, caption: String? = nil) {
        self.chart = chart
        self.caption = caption
    }

    func html() -> String {
        var out = "<figure class=\"hc-figure\">\n" + chart.svg()
        if let caption { out += "<figcaption>\(HTML.escape(caption))</figcaption>\n" }
        return out + "</figure>\n"
    }
}

/// One piece of a section. All text is plain text and is escaped; the only markup that enters
/// the page unescaped is what the chart types themselves generate.
public enum ReportBlock: Sendable {
    case paragraph(String)
    /// A muted aside: a caveat, a definition, where the numbers came from.
    case note(String)
    case cards([HeadlineCard])
    case table(ReportTable)
    case figure(ReportFigure)
    /// Charts side by side on wide screens, stacked on narrow ones and on paper.
    case figures([ReportFigure])
}

/// A titled part of the report.
public struct ReportSection: Sendable {
    public var title: String
    public var blocks: [ReportBlock]
    /// Start this section on a new page when printed (long appendices, the flag lists).
    public var startsOnNewPage: Bool

    public init(title: String, blocks: [ReportBlock], startsOnNewPage: Bool = false) {
        self.title = title
        self.blocks = blocks
        self.startsOnNewPage = startsOnNewPage
    }
}

/// The leadership report as one self-contained HTML document: inline CSS, inline SVG, no
/// scripts, no fonts or images fetched, so it can be mailed, archived and opened offline, and
/// it prints cleanly.
///
/// The date is a string the caller supplies: the report never reads the clock, so rendering the
/// same run twice gives the same bytes.
public struct HTMLReport: Sendable {
    public var title: String
    /// What was run, e.g. "Q3 2025 recalibration, challenger v14 vs production v13".
    public var runLabel: String?
    /// When, as the caller wants it shown, e.g. "2025-10-02".
    public var date: String?
    public var sections: [ReportSection]
    /// Small print: data source, tool version, how to reproduce.
    public var footer: String?
    /// Language of the document, for screen readers and hyphenation.
    public var language: String

    public init(title: String, runLabel: String? = nil, date: String? = nil, sections: [ReportSection] = [],
                footer: String? = nil, language: String = "en") {
        self.title = title
        self.runLabel = runLabel
        self.date = date
        self.sections = sections
        self.footer = footer
        self.language = language
    }

    /// The subtitle line: run label and date joined, whichever are given.
    var subtitle: String? {
        let parts = [runLabel, date].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " \u{00B7} ")
    }

    /// The complete document.
    public func render() -> String {
        var out = "<!doctype html>\n<html lang=\"\(HTML.escape(language))\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(HTML.escape(title))</title>\n<style>\n\(ReportStyle.css)\n</style>\n</head>\n<body>\n<main>\n"
        out += "<header class=\"hc-head\">\n<h1>\(HTML.escape(title))</h1>\n"
        if let subtitle { out += "<p class=\"hc-subtitle\">\(HTML.escape(subtitle))</p>\n" }
        out += "</header>\n"
        // A table of contents only pays for itself once there is something to skip over.
        if sections.count >= 3 {
            out += "<nav class=\"hc-toc\" aria-label=\"Contents\">\n<strong>Contents</strong>\n<ol>\n"
            for (i, section) in sections.enumerated() {
                out += "<li><a href=\"#section-\(i + 1)\">\(HTML.escape(section.title))</a></li>\n"
            }
            out += "</ol>\n</nav>\n"
        }
        for (i, section) in sections.enumerated() {
            let cls = section.startsOnNewPage ? "hc-section hc-page-break" : "hc-section"
            out += "<section class=\"\(cls)\" id=\"section-\(i + 1)\" aria-labelledby=\"section-\(i + 1)-title\">\n"
            out += "<h2 id=\"section-\(i + 1)-title\">\(HTML.escape(section.title))</h2>\n"
            for block in section.blocks { out += Self.html(block) }
            out += "</section>\n"
        }
        if let footer {
            out += "<footer class=\"hc-foot\">\n<p>\(HTML.escape(footer))</p>\n</footer>\n"
        }
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    static func html(_ block: ReportBlock) -> String {
        switch block {
        case .paragraph(let text):
            return "<p>\(HTML.escape(text))</p>\n"
        case .note(let text):
            return "<p class=\"hc-note\">\(HTML.escape(text))</p>\n"
        case .cards(let cards):
            return "<div class=\"hc-cards\">\n" + cards.map(html).joined() + "</div>\n"
        case .table(let table):
            return table.html()
        case .figure(let figure):
            return figure.html()
        case .figures(let figures):
            return "<div class=\"hc-figures\">\n" + figures.map { $0.html() }.joined() + "</div>\n"
        }
    }

    static func html(_ card: HeadlineCard) -> String {
        var out = "<div class=\"hc-card\">\n<p class=\"label\">\(HTML.escape(card.label))</p>\n"
        out += "<p class=\"value\">\(HTML.escape(card.value))</p>\n"
        out += "<p class=\"sentence\">\(HTML.escape(card.sentence))</p>\n"
        if let delta = card.delta {
            out += "<p class=\"delta \(delta.verdict.rawValue)\"><span aria-hidden=\"true\">\(delta.arrow)</span> "
            out += "\(HTML.escape(delta.text)) (\(delta.verdictWord))</p>\n"
        }
        return out + "</div>\n"
    }
}
