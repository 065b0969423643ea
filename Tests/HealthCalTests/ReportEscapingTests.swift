import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import HealthCal

/// User-supplied strings (customer ids, feature names, labels) appear as text, never as markup.
@Suite struct ReportEscapingTests {
    @Test func escapesTheFiveCharacters() {
        #expect(HTML.escape("<a href=\"x\">Tom's & co</a>")
            == "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; co&lt;/a&gt;")
        #expect(HTML.escape("plain") == "plain")
        #expect(HTML.escape("bell\u{7}") == "bell ")
    }

    @Test func hostileIdAndFeatureAreTextInTheWholeReport() {
        let html = ReportDemo.report.render()
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("a\"b&c"))
        #expect(html.contains("a&quot;b&amp;c"))
    }

    @Test func hostileStringsRoundTripAsTextInSVG() throws {
        let id = ReportDemo.hostileId, feature = ReportDemo.hostileFeature
        let charts: [any SVGChart] = [
            ForestPlot(title: feature, rows: [ForestRow(label: feature, estimate: 0.1, lower: 0, upper: 0.2)]),
            BarChart(title: id, categories: [id, feature], series: [BarSeries(name: feature, values: [1, 2]),
                                                                   BarSeries(name: id, values: [2, 1])]),
            LineChart(title: id, series: [LineSeries(name: feature, x: [0, 1], y: [0, 1])]),
            StackedBarChart(title: feature, categories: [id], layers: [BarSeries(name: feature, values: [1])]),
            ReliabilityDiagram(title: id, series: [ReliabilitySeries(name: feature, points: [ReliabilityPoint(predicted: 0.1, observed: 0.2, count: 3)])]),
            Sparkline(title: id, values: [1, 2]),
            LineChart(title: feature, series: []),
        ]
        for chart in charts {
            let svg = chart.svg()
            #expect(!svg.contains("<script"))
            let document = try parseXML(svg)
            let root = try #require(document.rootElement())
            #expect(attr(root, "aria-label") == chart.title)
            // No element other than the chart's own vocabulary was created by the input.
            let names = Set(try elements("*", in: document).compactMap(\.name))
            #expect(names.isSubset(of: ["svg", "title", "defs", "pattern", "path", "circle", "rect", "line", "text"]), "\(names)")
            // And the strings are there, as text.
            let texts = try elements("text", in: document).compactMap(\.stringValue)
                + (try elements("title", in: document).compactMap(\.stringValue))
            #expect(texts.contains { $0.contains(id) || $0.contains(feature) }, "\(chart.title)")
        }
    }

    @Test func tableCellsAndHeadersAreEscaped() {
        let table = ReportTable(caption: "<b>", columns: [ReportTable.Column("<i>id</i>")], rows: [ReportTable.Row(["<img src=x onerror=alert(1)>"])])
        let html = table.html()
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>") && !html.contains("<i>"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
    }

    @Test func reportTitleFooterAndCardsAreEscaped() {
        let report = HTMLReport(title: "</title><script>", runLabel: "run \"1\"", date: "<now>", sections: [
            ReportSection(title: "<h1>", blocks: [
                .cards([HeadlineCard(label: "<x>", value: "<1>", sentence: "&", delta: HeadlineDelta(text: "<d>", direction: .up, verdict: .better))]),
                .paragraph("<p>"), .note("<n>"),
            ]),
        ], footer: "<footer>")
        let html = report.render()
        #expect(!html.contains("<script"))
        for raw in ["<x>", "<1>", "<d>", "<p>", "<n>", "<now>", "<h1>", "<footer>"] {
            #expect(html.contains(HTML.escape(raw)), "\(raw)")
        }
        #expect(htmlTagProblem(html) == nil)
    }
}
