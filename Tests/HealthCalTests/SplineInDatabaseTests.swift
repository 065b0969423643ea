import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// `fit --in-database` with splines: the knots placed by aggregate queries equal the in-memory
/// encoder's to the bit, and the fit matches the in-memory fit as issue 16's bar requires.
@Suite struct SplineInDatabaseTests {
    @Test(.enabled(if: testPostgresURL != nil, "needs HEALTHCAL_TEST_PG_URL (a PostgreSQL server; .ci/run starts one)"))
    func telcoSplinesMatchTheInMemoryFit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hc-spline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("telco.csv").path
        try TelcoFixture.csv().write(toFile: csv, atomically: true, encoding: .utf8)
        var spec = TelcoFixture.spec()
        spec.features[1].knots = 5
        spec.features[1].standardize = true
        spec.features[1].winsorize = [0.01, 0.99]
        let url = try PostgresURL(testPostgresURL ?? "")
        let loaded = try LoadedTestTable(csv: csv, spec: spec, url: url, prefix: "hc_spline")
        defer { loaded.drop() }
        let table = loaded.name
        let memory = try SpecFit.run(panel: PanelLoading.load(path: csv, spec: spec))
        let pushed = try InDatabaseFit.run(url: url, relation: .table(table), spec: spec, ridge: nil)
        for (a, b) in zip(pushed.fit.encoding.features, memory.encoding.features) {
            #expect(a.knots?.map(\.bitPattern) == b.knots?.map(\.bitPattern), "\(a.name): \(a.knots ?? []) vs \(b.knots ?? [])")
        }
        #expect(memory.encoding.features[1].knots?.count == 5)
        InDatabaseFitTests.expectSameFit(memory, pushed)
    }
}
