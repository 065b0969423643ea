import Foundation
import Testing
@testable import HealthCal

/// The explainer's cells (rows encoded straight from the panel's columns) against
/// `explainByEncoding`, which encodes the row's raw values with `FittedEncoding.encode`: the
/// contributions, baseline and shown values must be the same bits, and the same rows must fail.
@Suite struct RowExplainerCellsTests {
    static func expectSame(_ explainer: RowExplainer, rows: Range<Int>, sourceLocation: SourceLocation = #_sourceLocation) {
        for r in rows {
            let fast = explainer.explain(row: r), reference = explainer.explainByEncoding(row: r)
            #expect((fast == nil) == (reference == nil), "row \(r)", sourceLocation: sourceLocation)
            guard let fast, let reference else { continue }
            #expect(fast.contributions.map(\.bitPattern) == reference.contributions.map(\.bitPattern), "row \(r)",
                    sourceLocation: sourceLocation)
            #expect(fast.baseline.bitPattern == reference.baseline.bitPattern, sourceLocation: sourceLocation)
            #expect(fast.full == reference.full, sourceLocation: sourceLocation)
            #expect(fast.groupSums == reference.full.groupSums, sourceLocation: sourceLocation)
        }
    }

    /// Training and scoring rows of both fixtures: log1p, winsorizing, clipping, imputation, a
    /// one-hot categorical with pooled and unseen levels, a boolean read from text, missing
    /// cells everywhere, a segment column; with and without groups.
    @Test func cellsMatchEncode() throws {
        for fixture in [ExportFixture(), ExportFixture.hostile] {
            let panel = try Panel.make(table: fixture.trainingTable(), spec: fixture.spec)
            let scoring = try Panel.make(table: fixture.scoringTable(), spec: fixture.spec)
            let fit = try SpecFit.run(panel: panel)
            var grouped = fit.encoding
            for k in grouped.features.indices where k % 2 == 0 { grouped.features[k].group = "g\(k % 4)" }
            for encoding in [fit.encoding, grouped] {
                for p in [panel, scoring] {
                    let explainer = RowExplainer(panel: p, encoding: encoding, coefficients: fit.fit.coefficients)
                    #expect(explainer.cells != nil)
                    Self.expectSame(explainer, rows: 0..<p.rowCount)
                }
            }
        }
    }

    /// Encodings under which some cells cannot be encoded (impute: error with missing cells,
    /// unseen: error, log1p below -1 after a hand edit): the same rows give nil on both paths.
    @Test func cellsFailWhereEncodeThrows() throws {
        let fixture = ExportFixture()
        let panel = try Panel.make(table: fixture.trainingTable(), spec: fixture.spec)
        let scoring = try Panel.make(table: fixture.scoringTable(), spec: fixture.spec)
        let fit = try SpecFit.run(panel: panel)
        var strict = fit.encoding
        for k in strict.features.indices {
            if strict.features[k].type != .categorical { strict.features[k].imputeValue = nil }
            if strict.features[k].type == .categorical { strict.features[k].unseen = .error }
            if strict.features[k].name == fixture.tickets { strict.features[k].transform = .log1p }
        }
        for p in [panel, scoring] {
            let explainer = RowExplainer(panel: p, encoding: strict, coefficients: fit.fit.coefficients)
            #expect(explainer.cells != nil)
            Self.expectSame(explainer, rows: 0..<p.rowCount)
            #expect((0..<p.rowCount).contains { explainer.explain(row: $0) == nil })
        }
    }

    /// Shapes the cells leave to `encode` (a feature the panel lacks, coefficients of another
    /// length) still explain as `encode` does.
    @Test func uncoveredShapesTakeEncode() throws {
        let fixture = ExportFixture()
        let panel = try Panel.make(table: fixture.trainingTable(), spec: fixture.spec)
        let fit = try SpecFit.run(panel: panel)
        var renamed = fit.encoding
        renamed.features[0].name = "not in the panel"
        let missingColumn = RowExplainer(panel: panel, encoding: renamed, coefficients: fit.fit.coefficients)
        #expect(missingColumn.cells == nil)
        Self.expectSame(missingColumn, rows: 0..<panel.rowCount)
        let short = RowExplainer(panel: panel, encoding: fit.encoding, coefficients: Array(fit.fit.coefficients.dropLast()))
        #expect(short.cells == nil)
        #expect(short.explain(row: 0) == nil)
    }
}
