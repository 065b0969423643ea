import Foundation
import Testing
@testable import HealthCal

/// The HTML page: self-contained, balanced, byte-stable, and the champion deltas say the truth.
@Suite struct ReportPageTests {
    @Test func rendersACompleteSelfContainedDocument() {
        let html = ReportDemo.report.render()
        #expect(html.hasPrefix("<!doctype html>\n"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<title>Customer health score: accuracy report</title>"))
        #expect(html.contains("Q3 2025 recalibration, challenger vs production \u{00B7} 2025-10-02"))
        #expect(html.contains("@media print"))
        #expect(html.contains("page-break-inside: avoid"))
        // Nothing fetched, nothing run: the SVG namespace URI is an identifier, not a request.
        let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        for forbidden in ["<script", "http://", "https://", "<link", "@import", "@font-face", "src=", "javascript:"] {
            #expect(!withoutNamespace.contains(forbidden), "\(forbidden)")
        }
        #expect(htmlTagProblem(html) == nil, "\(htmlTagProblem(html) ?? "")")
        #expect(!containsNonFiniteText(html))
        #expect(html.components(separatedBy: "<svg ").count - 1 == 9)
    }

    @Test func isByteStable() {
        #expect(ReportDemo.report.render() == ReportDemo.report.render())
    }

    @Test func deltasKnowWhichDirectionIsBetter() {
        let auc = HeadlineDelta(value: 0.781, reference: 0.742, higherIsBetter: true)
        #expect(auc.text == "+0.039 vs champion" && auc.direction == .up && auc.verdict == .better)
        let logLoss = HeadlineDelta(value: 0.230, reference: 0.219, higherIsBetter: false)
        #expect(logLoss.text == "\u{2212}0.011 vs champion".replacingOccurrences(of: "\u{2212}", with: "+")
                && logLoss.direction == .up && logLoss.verdict == .worse)
        let brier = HeadlineDelta(value: 0.05, reference: 0.06, higherIsBetter: false, format: .number(decimals: 2))
        #expect(brier.text == "\u{2212}0.01 vs champion" && brier.verdict == .better)
        let tiny = HeadlineDelta(value: 0.7811, reference: 0.7809, higherIsBetter: true)
        #expect(tiny.verdict == .unchanged && tiny.text == "same as champion")
        let missing = HeadlineDelta(value: .nan, reference: 0.7, higherIsBetter: true)
        #expect(missing.verdict == .notComparable)
    }

    @Test func cardsSayBetterOrWorseInWords() {
        let html = ReportDemo.report.render()
        #expect(html.contains("<p class=\"delta better\"><span aria-hidden=\"true\">\u{25B2}</span> +0.039 vs champion (better)</p>"))
        #expect(html.contains("(worse)</p>"))
    }

    @Test func tablesHaveHeadersNumericAlignmentAndHighlights() {
        let table = ReportTable(columns: [ReportTable.Column("Band"), ReportTable.Column("Rate", alignment: .numeric)],
                                rows: [ReportTable.Row(["Red", "19%"], highlight: .attention), ReportTable.Row(["Green"])])
        let html = table.html()
        #expect(html.contains("<th scope=\"col\">Band</th><th scope=\"col\" class=\"num\">Rate</th>"))
        #expect(html.contains("<tr class=\"hl-attention\"><th scope=\"row\">Red</th><td class=\"num\">19%</td></tr>"))
        // The short row is padded so columns stay aligned.
        #expect(html.contains("<tr><th scope=\"row\">Green</th><td class=\"num\"></td></tr>"))
        #expect(htmlTagProblem(html) == nil)
    }

    @Test func fewSectionsHaveNoTableOfContents() {
        let html = HTMLReport(title: "t", sections: [ReportSection(title: "only", blocks: [])]).render()
        #expect(!html.contains("hc-toc\""))
        #expect(!html.contains("hc-subtitle\">"))
    }

    /// Writes the demo report where `HEALTHCAL_REPORT_DEMO` says, for `scripts/render-check`.
    @Test func writesDemoWhenAsked() throws {
        guard let path = ProcessInfo.processInfo.environment["HEALTHCAL_REPORT_DEMO"], !path.isEmpty else { return }
        try ReportDemo.report.render().write(toFile: path, atomically: true, encoding: .utf8)
    }
}
