import Testing
@testable import HealthCal

/// How `ScoredPanel` bands out-of-sample scores: reference period, per-segment schemes, the gate,
/// and the band table. Probabilities are set by hand (no fit), so every band is known.
@Suite struct FlagsBandTests {
    @Test func gateAndPerSegmentThresholdsChangeTheBands() throws {
        let csv = """
        customer_id,period,segment,logins,invoices,churned
        a,2025Q1,smb,1,1,0
        b,2025Q1,enterprise,1,1,0
        c,2025Q1,enterprise,1,1,0
        d,2025Q1,smb,1,0,0
        e,2025Q1,smb,1,,1
        f,2025Q1,enterprise,1,0,0
        """
        var spec = testSpec(segment: "segment")
        spec.bands = BandOptions(scheme: .fixed)  // red 0, orange 40, yellow 60, green 80
        spec.bands.perSegment = ["enterprise": [.init(name: "red", color: "red", minScore: 0),
                                                .init(name: "green", color: "green", minScore: 90)]]
        spec.bands.gate = .init(column: "invoices", min: 1)
        let panel = try Panel.make(table: makeTable(csv), spec: spec)
        let p = [0.15, 0.15, 0.05, 0.01, 0.01, 0.01]
        let scored = try ScoredPanel.make(panel: panel, rows: Array(0..<6), fold: [Int](repeating: 0, count: 6),
                                          probability: p, options: spec.bands)
        let names = (0..<6).map(scored.bandName)
        // a: score 85, default bands -> green. b: 85 < enterprise's 90 -> red. c: 95 -> green.
        // d: invoices 0 fails the gate -> red despite score 99. e: missing gate value fails.
        // f: enterprise failing the gate -> the riskiest band of the enterprise scheme.
        #expect(names == ["green", "red", "green", "red", "red", "red"])
        #expect(scored.failedGate == [false, false, false, true, true, true])
        #expect(scored.schemeNames == ["default", "enterprise"])
        #expect(scored.scheme == [0, 1, 1, 0, 0, 1])
        #expect(scored.score.map { ($0 * 1e9).rounded() / 1e9 } == [85, 85, 95, 99, 99, 99])

        // e churned while red: not false-healthy. The band table has both schemes.
        let report = FlagDetection.run(scored: scored, panel: panel, models: [], options: FlagOptions())
        #expect(report.flags.isEmpty)
        let all = report.summary.bandTable.filter { $0.period == "all" }
        #expect(all.map { "\($0.scheme)/\($0.band)/\($0.customers)/\($0.churners)" } ==
                ["default/red/2/1", "default/orange/0/0", "default/yellow/0/0", "default/green/1/0",
                 "enterprise/red/2/0", "enterprise/green/1/0"])
        #expect(report.bands["enterprise"]?.names == ["red", "green"])
        #expect(report.gate == .init(column: "invoices", min: 1))
    }

    /// 11 customers in two quarters. 2024Q1 scores 0, 10, ..., 100; 2024Q2 scores 40, 42, ..., 60.
    /// Cut points (numpy.quantile, linear): 2024Q1 -> 25 and 75; 2024Q2 -> 45 and 55.
    func twoQuarters() throws -> (Panel, [Double]) {
        var csv = "customer_id,period,logins,churned\n"
        for k in 0...10 { csv += "c\(k),2024Q1,1,0\n" }
        for k in 0...10 { csv += "c\(k),2024Q2,1,\(k == 0 ? 1 : 0)\n" }
        let panel = try Panel.make(table: makeTable(csv), spec: testSpec())
        let p = (0...10).map { 1 - Double($0) / 10 } + (0...10).map { 0.6 - 0.02 * Double($0) }
        return (panel, p)
    }

    @Test func quantileBandsAreFrozenFromTheReferencePeriod() throws {
        let (panel, p) = try twoQuarters()
        let rows = Array(0..<22), folds = [Int](repeating: 0, count: 22)
        let latest = try ScoredPanel.make(panel: panel, rows: rows, fold: folds, probability: p, options: BandOptions())
        #expect(latest.referencePeriod == "2024Q2")
        // Tolerance 1e-9: quantile interpolation on scores computed from probabilities.
        let latestCuts = latest.schemes[0].bands.map(\.minScore)
        #expect(zip(latestCuts, [0, 45, 55]).allSatisfy { abs($0 - $1) < 1e-9 }, "\(latestCuts)")
        var options = BandOptions()
        options.referencePeriod = "2024Q1"
        let first = try ScoredPanel.make(panel: panel, rows: rows, fold: folds, probability: p, options: options)
        let firstCuts = first.schemes[0].bands.map(\.minScore)
        #expect(zip(firstCuts, [0, 25, 75]).allSatisfy { abs($0 - $1) < 1e-9 }, "\(firstCuts)")
        // Frozen cut points applied to the other quarter: with 2024Q1's cuts all of 2024Q2
        // (scores 40–60) is in the middle band, so the shares are not 25/50/25 there.
        #expect((11..<22).allSatisfy { first.band[$0] == 1 })
        options.referencePeriod = "2023Q4"
        #expect(throws: FlagError.bands(.unknownReferencePeriod("2023Q4", available: ["2024Q1", "2024Q2"]))) {
            try ScoredPanel.make(panel: panel, rows: rows, fold: folds, probability: p, options: options)
        }
        // A period of the panel that was not scored cannot be the reference either.
        options.referencePeriod = "2024Q1"
        #expect(throws: FlagError.self) {
            try ScoredPanel.make(panel: panel, rows: Array(11..<22), fold: [Int](repeating: 0, count: 11),
                                 probability: Array(p[11...]), options: options)
        }
    }

    @Test func bandTableFlagsPeriodsWhereARiskierBandChurnsLess() throws {
        let (panel, p) = try twoQuarters()
        // Swap c0's and c10's 2024Q2 scores (the cut points, 45 and 55, stay): the churner c0
        // now scores 60, in the healthiest band.
        var q = p
        q[11] = 0.4
        q[21] = 0.6
        // Each period at its own ranks (with `previous`, 2024Q2 would be cut at 2024Q1's 25 and 75).
        let scored = try ScoredPanel.make(panel: panel, rows: Array(0..<22), fold: [Int](repeating: 0, count: 22),
                                          probability: q, options: BandOptions(backtestCuts: .own))
        #expect(scored.bandName(11) == "doing well")
        let report = FlagDetection.run(scored: scored, panel: panel, models: [], options: FlagOptions())
        #expect(report.flags.filter { $0.kind == .falseHealthyChurner }.map(\.customer) == ["c0"])
        // c10 fell from 100 to 40, c9 from 90 to 58, c8 from 80 to 56, c7 from 70 to 54 (>= 15).
        #expect(report.flags.filter { $0.kind == .scoreDrop }.map(\.customer) == ["c7", "c8", "c9", "c10"])
        // The churner in the healthiest band, no churner elsewhere: the middle band (0%) churns
        // less than the healthiest (1 of 3) in 2024Q2 and over all periods.
        let issues = report.summary.bandOrderIssues
        #expect(issues.map(\.period) == ["2024Q2", "all"])
        #expect(issues.first?.riskierBand == "take notice" && issues.first?.healthierBand == "doing well")
        #expect(report.summary.falseHealthyShareOfChurners.overall == Share(count: 1, of: 1))
        #expect(report.summary.falseHealthyShareOfChurners.byPeriod["2024Q2"] == Share(count: 1, of: 1))
        let csv = report.bandsCSV()
        #expect(csv.contains("2024Q2,default,1,take notice,5,0,0.0000,yes\n"))
    }

    /// A snapshot (no period column): quantile bands from all scored rows, only false-healthy
    /// churners, and the band table has the pooled rows only.
    @Test func snapshotPanelsFlagOnlyFalseHealthyChurners() throws {
        var csv = "customer_id,logins,churned\n"
        for k in 0...10 { csv += "c\(k),1,\(k == 10 || k == 0 ? 1 : 0)\n" }
        let panel = try Panel.make(table: makeTable(csv), spec: testSpec(period: nil))
        let p = (0...10).map { 1 - Double($0) / 10 }  // c10 scores 100 (healthiest) and churned
        let scored = try ScoredPanel.make(panel: panel, rows: Array(0...10), fold: [Int](repeating: 0, count: 11),
                                          probability: p, options: BandOptions())
        #expect(scored.isSnapshot && scored.referencePeriod == "all scored rows")
        let report = FlagDetection.run(scored: scored, panel: panel, models: [], options: FlagOptions(persistentPeriods: 1, scoreDrop: 1))
        #expect(report.flags.map(\.kind) == [.falseHealthyChurner])
        #expect(report.flags.first?.customer == "c10")
        #expect(Set(report.summary.bandTable.map(\.period)) == ["all"])
        #expect(report.summary.falseHealthyShareOfChurners.overall == Share(count: 1, of: 2))
        #expect(report.notes.contains { $0.contains("snapshot") })
    }
}
