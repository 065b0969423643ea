import Testing
@testable import HealthCal

/// The Markdown summary: structure, and escaping of cells and inline text.
@Suite struct ReportMarkdownTests {
    @Test func rendersHeadlinesAndATable() {
        var md = MarkdownSummary(title: "Churn score, Q3 2025")
        md.bullet("AUC 0.781 (+0.039 vs champion, better)")
        md.bullet("6.2% of churners were scored green")
        md.heading("Bands")
        md.table(headers: ["Band", "Churn rate"], rows: [["Red", "19.0%"], ["Green", "1.0%"]], numericColumns: [1])
        #expect(md.render() == """
        # Churn score, Q3 2025

        - AUC 0.781 (+0.039 vs champion, better)
        - 6.2% of churners were scored green

        ## Bands

        | Band | Churn rate |
        | --- | ---: |
        | Red | 19.0% |
        | Green | 1.0% |

        """)
    }

    @Test func cellsEscapePipesAndNewlines() {
        var md = MarkdownSummary(title: "t")
        md.table(headers: ["a|b"], rows: [["line1\nline2"], ["x\r\ny|z"], ["back\\slash"]])
        let lines = md.render().split(separator: "\n").map(String.init)
        #expect(lines.contains("| a\\|b |"))
        #expect(lines.contains("| line1 line2 |"))
        #expect(lines.contains("| x y\\|z |"))
        #expect(lines.contains("| back\\\\slash |"))
        // Every table line has exactly the two outer unescaped pipes of a one-column table.
        for line in lines where line.hasPrefix("|") {
            #expect(line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count == 2, "\(line)")
        }
    }

    @Test func inlineTextCannotBecomeMarkupOrBreakTheList() {
        var md = MarkdownSummary(title: "<script>alert(1)</script>")
        md.bullet("customer *VIP* [link](x)\n# not a heading")
        md.paragraph("days_since_login stays readable")
        let text = md.render()
        #expect(text.hasPrefix("# \\<script\\>alert(1)\\</script\\>\n"))
        #expect(text.contains("- customer \\*VIP\\* \\[link\\](x) # not a heading\n"))
        #expect(text.contains("days_since_login stays readable"))
    }

    /// An active character followed by a combining mark is one Character but still active.
    @Test func activeCharactersWithCombiningMarksAreEscaped() {
        #expect(MarkdownSummary.escapeText("*\u{301}bold*") == "\\*\u{301}bold\\*")
        #expect(MarkdownSummary.escapeCell("a|\u{301}b") == "a\\|\u{301}b")
        #expect(MarkdownSummary.escapeText("a\r\nb\rc\nd") == "a b c d")
    }

    @Test func shortRowsArePadded() {
        var md = MarkdownSummary(title: "t")
        md.table(headers: ["a", "b", "c"], rows: [["1"]])
        #expect(md.render().contains("| 1 |  |  |"))
    }
}
