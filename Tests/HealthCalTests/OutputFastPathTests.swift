import Foundation
import Testing
@testable import HealthCal

/// The output stages' fast paths (contribution SDs without the design, flags
/// explained with a per-model explainer, CSV built as bytes) against the straightforward
/// versions they replace: the results must be identical, not merely close.
@Suite("Output stages: fast paths give the reference results")
struct OutputFastPathTests {
    /// Streamed SDs are bit-identical to the SDs from the design's columns (log1p, winsorizing,
    /// imputation, a one-hot categorical, a boolean), on all rows and on a shuffled subset.
    @Test func contributionSDsWithoutTheDesignAreBitIdentical() throws {
        for fixture in [ExportFixture(), ExportFixture.hostile] {
            let panel = try Panel.make(table: fixture.trainingTable(), spec: fixture.spec)
            let fit = try SpecFit.run(panel: panel)
            let weights = fit.fit.coefficients.dropFirst().map { $0 * 0.85 }
            for rows in [Array(0..<panel.rowCount), Array(stride(from: panel.rowCount - 1, through: 0, by: -3))] {
                let design = try fit.encoding.design(panel, rows: rows)
                let reference = WeightFile.contributionSDs(encoding: fit.encoding, columns: (1..<design.x.cols).map { Array(design.x.column($0)) },
                                                           weights: weights)
                let streamed = try #require(WeightFile.contributionSDs(encoding: fit.encoding, panel: panel, rows: rows, weights: weights))
                #expect(streamed == reference)
            }
            #expect(WeightFile.contributionSDs(encoding: fit.encoding, panel: panel, rows: [], weights: weights) == nil)
        }
    }

    /// The explainer's top, healthiest and group sums against the contributions computed the
    /// direct way (rawRow, encode, weight × (x − mean)) and ranked with RowExplanation's rules.
    @Test func explainerMatchesTheDirectContributions() throws {
        let fixture = ExportFixture()
        let panel = try Panel.make(table: fixture.trainingTable(), spec: fixture.spec)
        let fit = try SpecFit.run(panel: panel)
        let encoding = fit.encoding, w = fit.fit.coefficients
        let explainer = RowExplainer(panel: panel, encoding: encoding, coefficients: w)
        for r in 0..<panel.rowCount {
            let raw = encoding.rawRow(panel, row: r)
            let x = try encoding.encode(raw)
            var j = 1
            var direct: [FeatureContribution] = []
            for (f, value) in zip(encoding.features, raw) {
                var c = 0.0
                for k in j..<(j + f.width) { c += w[k] * (x[k] - encoding.contributionMeans[k]) }
                j += f.width
                direct.append(FeatureContribution(feature: f.name, group: f.group ?? RowExplanation.ungrouped, contribution: c, value: value.shown))
            }
            let reference = RowExplanation(contributions: direct, baseline: 0)
            let e = try #require(explainer.explain(row: r))
            #expect(e.full.contributions == direct)
            for n in [0, 2, 10] {
                #expect(e.top(n) == reference.top(n))
                #expect(e.healthiest(n) == reference.healthiest(n))
            }
            #expect(e.groupSums == reference.groupSums)
        }
    }

    /// The byte-wise writer against `field(_:separator:)`, the reference rule, on cells that
    /// take either path: ASCII, non-ASCII, CR/LF/CRLF, quotes, separators, formula triggers,
    /// combining marks after a trigger, numbers at every precision and edge.
    @Test func csvBytesMatchTheFieldRule() {
        let texts = ["plain", "", "a,b", "say \"hi\"", "=1+2", "-3", "+x", "@a", "\tx", "\rx", "a\nb", "a\r\nb", "\r\n",
                     "é,", "=\u{301}x", ",\u{301}", "naïve", "x;y", "tab\there"]
        let numbers: [Double] = [0, -0.0, 0.5, -0.5, 1.25, -0.00004, 2.675, 123.456, 1e15, 9.99e14, 1e16, -1e20, 3, -3,
                                 0.1, .nan, .infinity, 1 / 3]
        var cells: [CSVWriter.Cell] = texts.map { .text($0) } + [.empty]
        for v in numbers {
            cells.append(.number(v))
            for d in [0, 1, 2, 4, 12, 15, -1] { cells.append(.number(v, decimals: d)) }
        }
        for separator: Character in [",", ";", "\t", "é"] {
            var csv = CSVWriter(separator: separator)
            csv.row(cells)
            for t in texts { csv.appendText(utf8: Array(t.utf8)) }
            csv.endRow()
            let expected = cells.map { CSVWriter.field($0, separator: separator) }.joined(separator: String(separator)) + "\n"
                + texts.map { CSVWriter.field(.text($0), separator: separator) }.joined(separator: String(separator)) + "\n"
            #expect(csv.text == expected)
        }
        for v in numbers {
            for d in [0, 1, 2, 4, 12] { #expect(CSVWriter.format(v, decimals: d) == Self.referenceFormat(v, decimals: d)) }
        }
    }

    /// `CSVWriter.format` as it was written with Strings (the flags files were pinned with it).
    static func referenceFormat(_ v: Double, decimals: Int) -> String {
        let d = max(0, min(decimals, 12))
        var scale = 1.0
        for _ in 0..<d { scale *= 10 }
        let scaled = (abs(v) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 1e15 else { return "\(v)" }
        let whole = Int64(scaled)
        let intPart = whole / Int64(scale)
        let frac = whole % Int64(scale)
        let sign = v < 0 && whole != 0 ? "-" : ""
        if d == 0 { return sign + String(intPart) }
        let fracText = String(frac)
        return sign + String(intPart) + "." + String(repeating: "0", count: d - fracText.count) + fracText
    }
}
