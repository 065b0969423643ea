import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import HealthCal

/// Every chart type: well-formed XML, accessible, drawn, finite, byte-stable, and graceful
/// on empty or non-finite input.
@Suite struct ReportChartTests {
    @Test func everyDemoChartIsWellFormedAccessibleAndFinite() throws {
        for chart in ReportDemo.charts {
            let svg = chart.svg()
            let document = try parseXML(svg)
            let root = try #require(document.rootElement())
            #expect(root.name == "svg", "\(chart.title)")
            #expect(attr(root, "role") == "img", "\(chart.title)")
            #expect(attr(root, "aria-label") == chart.title)
            #expect(try elements("title", in: document).first?.stringValue == chart.title)
            #expect(try drawnShapeCount(document) > 0, "\(chart.title)")
            #expect(!containsNonFiniteText(svg), "\(chart.title)")
            #expect(!svg.contains("<script"), "\(chart.title)")
            #expect(chart.svg() == svg, "byte-stable: \(chart.title)")
        }
    }

    @Test func lineChartDrawsOnePathPerSeries() throws {
        let chart = LineChart.roc(title: "ROC", series: [
            LineSeries(name: "A", x: [0, 0.2, 1], y: [0, 0.6, 1]),
            LineSeries(name: "B", x: [0, 0.3, 1], y: [0, 0.5, 1]),
        ])
        let document = try parseXML(chart.svg())
        // One path per series plus their legend swatches; the diagonal is a <line>.
        let curves = try elements("path", in: document).filter { attr($0, "fill") == "none" }
        #expect(curves.count == 2)
        let dashes = Set(curves.map { attr($0, "stroke-dasharray") ?? "solid" })
        #expect(dashes.count == 2, "series differ by dash pattern, not only colour")
        #expect(try elements("line", in: document).contains { attr($0, "stroke-dasharray") != nil })
    }

    /// A ROC curve of 100,000 distinct scores keeps at most two points per thousandth of the
    /// axes' travel, its ends, and never moves the line by more than the step.
    @Test func rocCurvesAreThinnedToWhatTheChartCanShow() throws {
        let n = 100_000
        let x = (0...n).map { Double($0) / Double(n) }
        let y = x.map { $0.squareRoot() }
        let full = LineSeries(name: "A", x: x, y: y)
        let thin = full.thinned(step: 0.001)
        #expect(thin.points.count <= 2_001 && thin.points.count > 500)
        #expect(thin.points.first == full.points.first && thin.points.last == full.points.last)
        // Every dropped point lies within the step of the last kept point before it.
        var k = 0
        for p in full.points {
            if k + 1 < thin.points.count, p == thin.points[k + 1] { k += 1; continue }
            #expect(abs(p.x - thin.points[k].x) < 0.001 && abs(p.y - thin.points[k].y) < 0.001)
        }
        let chart = LineChart.roc(title: "ROC", series: [full])
        #expect(chart.series[0] == thin)
        let small = LineSeries(name: "B", x: [0, 0.0001, 1], y: [0, 0.0002, 1])
        #expect(small.thinned(step: 0.001).points.count == 2)
    }

    @Test func reliabilityDiagramDrawsEachSeriesWithCountSizedMarkers() throws {
        let chart = ReliabilityDiagram(title: "cal",
                                       before: [ReliabilityPoint(predicted: 0.1, observed: 0.15, count: 400),
                                                ReliabilityPoint(predicted: 0.3, observed: 0.4, count: 100)],
                                       after: [ReliabilityPoint(predicted: 0.12, observed: 0.13, count: 380),
                                               ReliabilityPoint(predicted: 0.33, observed: 0.35, count: .zero)])
        let document = try parseXML(chart.svg())
        let curves = try elements("path", in: document).filter { attr($0, "fill") == "none" }
        #expect(curves.count == 2)
        // Before: circles, radius 3 + 7 sqrt(n / max): 10 for n = 400, 6.5 for n = 100.
        let radii = try elements("circle", in: document).filter { $0.elements(forName: "title").first != nil }
            .compactMap { attr($0, "r") }
        #expect(radii == ["10.00", "6.50"])
        // After: squares; the empty bin (count 0) is not drawn.
        let squares = try elements("rect", in: document).filter { $0.elements(forName: "title").first != nil }
        #expect(squares.count == 1)
    }

    @Test func nonFiniteValuesAreSkippedAndBreakTheLine() throws {
        let chart = LineChart(title: "gaps", series: [
            LineSeries(name: "s", x: [1, 2, 3, 4, 5], y: [1, .nan, 3, .infinity, 5]),
        ])
        let svg = chart.svg()
        #expect(!containsNonFiniteText(svg))
        let document = try parseXML(svg)
        let d = try #require(try elements("path", in: document).first { attr($0, "fill") == "none" })
        // Three separate pieces: M at 1, M at 3, M at 5.
        #expect((attr(d, "d") ?? "").filter { $0 == "M" }.count == 3)
    }

    @Test func emptyInputsRenderANoDataNote() throws {
        let empties: [any SVGChart] = [
            LineChart(title: "none", series: []),
            LineChart(title: "all missing", series: [LineSeries(name: "s", x: [.nan], y: [1])]),
            ReliabilityDiagram(title: "none", before: [], after: [ReliabilityPoint(predicted: 0.1, observed: 0.1, count: 0)]),
            BarChart(title: "none", categories: [], series: []),
            BarChart(title: "missing bars", categories: ["a"], series: [BarSeries(name: "s", values: [.nan])]),
            StackedBarChart(title: "zeros", categories: ["a", "b"], layers: [BarSeries(name: "Red", values: [0, 0])]),
            ForestPlot(title: "none", rows: []),
            ForestPlot(title: "not estimable", rows: [ForestRow(label: "x", estimate: .nan, lower: .nan, upper: .nan)]),
            Sparkline(title: "none", values: []),
            Sparkline(title: "non-finite", values: [.nan, .infinity]),
        ]
        for chart in empties {
            let svg = chart.svg()
            let root = try #require(try parseXML(svg).rootElement())
            #expect(attr(root, "data-empty") == "true", "\(chart.title)")
            #expect(svg.lowercased().contains("no data"), "\(chart.title)")
            #expect(!containsNonFiniteText(svg), "\(chart.title)")
        }
    }

    @Test func singlePointAndConstantDataStillHaveAnAxis() throws {
        let charts: [any SVGChart] = [
            LineChart(title: "one", series: [LineSeries(name: "s", x: [3], y: [7])]),
            BarChart(title: "zeros", categories: ["a", "b"], series: [BarSeries(name: "s", values: [0, 0])]),
            Sparkline(title: "flat", values: [50, 50, 50]),
            ForestPlot(title: "point", rows: [ForestRow(label: "x", estimate: 0, lower: 0, upper: 0)]),
        ]
        for chart in charts {
            let svg = chart.svg()
            let document = try parseXML(svg)
            #expect(try drawnShapeCount(document) > 0, "\(chart.title)")
            #expect(!containsNonFiniteText(svg), "\(chart.title)")
            #expect(attr(document.rootElement(), "data-empty") == nil, "\(chart.title)")
        }
    }

    @Test func groupedBarsGetOneBarPerFiniteValueAndHatching() throws {
        let chart = BarChart(title: "bars", categories: ["Q1", "Q2"], series: [
            BarSeries(name: "Champion", values: [0.2, 0.3]),
            BarSeries(name: "Challenger", values: [0.25, .nan]),
        ])
        let document = try parseXML(chart.svg())
        let solid = try elements("rect", in: document).filter { (attr($0, "fill") ?? "").hasPrefix("#") }
        let tips = solid.compactMap { $0.elements(forName: "title").first?.stringValue }
        #expect(tips.count == 3)
        #expect(try elements("pattern", in: document).count >= 1)
    }

    @Test func stackedBarsAddUpToTheFullHeight() throws {
        let chart = StackedBarChart(title: "mix", categories: ["Q1"], layers: [
            BarSeries(name: "Red", values: [1]), BarSeries(name: "Green", values: [3]),
        ])
        let document = try parseXML(chart.svg())
        let segments = try elements("rect", in: document).filter { $0.elements(forName: "title").first != nil }
        #expect(segments.count == 2)
        let heights = segments.compactMap { Double(attr($0, "height") ?? "") }
        let shares = heights.map { $0 / heights.reduce(0, +) }
        try #require(shares.count == 2)
        // 1:3 split, to the 0.01 px rounding of the coordinates.
        #expect(abs(shares[0] - 0.25) < 1e-3)
        #expect(attr(segments[0], "fill") == ChartColor.red.hex)
    }

    @Test func forestPlotShowsOddsRatiosAndAZeroLine() throws {
        let svg = ForestPlot(title: "coef", rows: [ForestRow(label: "x", estimate: log(2), lower: log(1.5), upper: log(2.5))]).svg()
        #expect(svg.contains("2.00 [1.50, 2.50]"))
        #expect(svg.contains("no effect"))
        #expect(ForestPlot.oddsRatio(50) == ">999")
    }

    @Test func niceTicksUseOneTwoFiveSteps() {
        let a = NiceScale(minimum: 0, maximum: 0.87)
        #expect(a.step == 0.2)
        #expect(a.ticks.map { Fixed.string($0, decimals: 1) } == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let b = NiceScale(minimum: 3, maximum: 1234)
        #expect(b.step == 500 && b.lower == 0 && b.upper == 1500)
        let c = NiceScale(minimum: -0.3, maximum: 0.42)
        #expect(c.step == 0.2 && c.ticks.contains(0))
        #expect(NiceScale(minimum: 0, maximum: 0.2).tickDecimals(displayScale: 100) == 0)
        #expect(NiceScale(minimum: 0, maximum: 0.2).tickDecimals() == 2)
        let flat = NiceScale(minimum: 5, maximum: 5)
        #expect(flat.lower < 5 && flat.upper > 5)
    }

    @Test func fixedFormattingIsLocaleFreeAndNeverNegativeZero() {
        #expect(Fixed.string(0.125, decimals: 2) == "0.13")
        #expect(Fixed.string(-0.001, decimals: 2) == "0.00")
        #expect(Fixed.string(-1.5, decimals: 0) == "-2")
        #expect(Fixed.string(1234.5, decimals: 1) == "1234.5")
        #expect(Fixed.string(.nan, decimals: 2) == "0")
        #expect(ValueFormat.percent(decimals: 1).string(0.0625) == "6.3%")
        #expect(ValueFormat.number(decimals: 2).string(.infinity) == "\u{2013}")
    }

    @Test func chartColorsRejectMarkup() {
        #expect(ChartColor(hex: "#A1b2C3")?.hex == "#a1b2c3")
        #expect(ChartColor(hex: "red\" onload=\"x") == nil)
        #expect(ChartColor(hex: "#12345") == nil)
        #expect(ChartPalette.bandColor(named: "Requires attention") == .red)
    }

    @Test func idsDifferBetweenChartsButNotBetweenRuns() {
        let a = BarChart(title: "A", categories: ["x"], series: [BarSeries(name: "1", values: [1]), BarSeries(name: "2", values: [2])])
        var b = a
        b.title = "B"
        #expect(a.svg() == a.svg())
        #expect(a.svg().contains("hc-bar-\(SVGWriter.stableHash("bar\u{1}A"))-hatch-1"))
        #expect(SVGWriter.stableHash("bar\u{1}A") != SVGWriter.stableHash("bar\u{1}B"))
    }
}
