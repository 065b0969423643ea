import Foundation
import Testing
@testable import HealthCal

/// Flags found in runs of customers on several cores, and flags.csv written in runs of rows,
/// against the one-pass versions they replaced: the results must be identical.
@Suite struct FlagsParallelTests {
    /// The one-pass flag loop as it was before the customers were split into runs (and before
    /// customers without a possible flag were skipped early).
    static func serialFlags(scored: ScoredPanel, panel: Panel, models: [BacktestRun.FoldModel],
                            options: FlagOptions) -> (flags: [CustomerFlag], inStreak: [Bool], unexplained: Int) {
        var flagsByKind: [FlagKind: [CustomerFlag]] = [:]
        var inStreak = [Bool](repeating: false, count: scored.count)
        var unexplained = 0
        var cache: [Int: ExplainedRow] = [:]
        func explain(_ i: Int) -> ExplainedRow? {
            if let e = cache[i] { return e }
            let f = Int(scored.fold[i])
            guard models.indices.contains(f) else {
                unexplained += 1
                return nil
            }
            let r = scored.row[i]
            let model = models[f].model(forSegment: panel.segment(ofRow: r))
            guard let e = RowExplainer(panel: panel, encoding: model.encoding, coefficients: model.fit.coefficients).explain(row: r) else {
                unexplained += 1
                return nil
            }
            cache[i] = e
            return e
        }
        func flag(_ kind: FlagKind, entries: [Int], explained i: Int, trajectory: [TrajectoryPoint]) -> CustomerFlag {
            let e = explain(i)
            let periods = entries.map(scored.periodLabel)
            return CustomerFlag(kind: kind, customer: scored.customerID(i), segment: scored.segmentName(i), periods: periods,
                                startPeriod: periods.first ?? "", endPeriod: periods.last ?? "", score: scored.score[i],
                                band: scored.bandName(i), previousScore: nil, drop: nil, streakLength: nil,
                                failedGate: scored.failedGate[i], trajectory: trajectory,
                                topContributions: e?.full.top(options.topFeatures) ?? [],
                                healthiestContributions: kind == .falseHealthyChurner ? (e?.full.healthiest(options.topFeatures) ?? []) : [],
                                subScores: e?.full.groupSums ?? [:])
        }
        for k in 0..<(scored.customerStarts.count - 1) {
            let entries = Array(scored.customerOrder[scored.customerStarts[k]..<scored.customerStarts[k + 1]])
            let hasFalseHealthy = entries.contains { scored.churned[$0] && scored.isHealthiest($0) }
            let sequence = ScoredSequence(points: entries.map {
                .init(period: Int(scored.period[$0]), score: scored.score[$0], band: Int(scored.band[$0]), churned: scored.churned[$0])
            })
            let streaks = scored.isSnapshot ? [] : sequence.persistentStreaks(minLength: options.persistentPeriods)
            let drops = scored.isSnapshot ? [] : sequence.scoreDrops(atLeast: options.scoreDrop)
            guard hasFalseHealthy || !streaks.isEmpty || !drops.isEmpty else { continue }
            let trajectory = entries.map { TrajectoryPoint(period: scored.periodLabel($0), score: scored.score[$0], band: scored.bandName($0)) }
            for i in entries where scored.churned[i] && scored.isHealthiest(i) {
                flagsByKind[.falseHealthyChurner, default: []].append(flag(.falseHealthyChurner, entries: [i], explained: i, trajectory: trajectory))
            }
            for s in streaks {
                let run = Array(entries[s.range])
                for i in run { inStreak[i] = true }
                guard let last = run.last else { continue }
                var f = flag(.persistentAtRisk, entries: run, explained: last, trajectory: trajectory)
                f.streakLength = run.count
                flagsByKind[.persistentAtRisk, default: []].append(f)
            }
            for d in drops {
                let (a, b) = (entries[d.from], entries[d.to])
                var f = flag(.scoreDrop, entries: [a, b], explained: b, trajectory: trajectory)
                f.previousScore = scored.score[a]
                f.drop = d.points
                flagsByKind[.scoreDrop, default: []].append(f)
            }
        }
        return (FlagKind.allCases.flatMap { flagsByKind[$0] ?? [] }, inStreak, unexplained)
    }

    /// The planted-flags simulation with a low drop threshold (many drops), and the last fold's
    /// model missing (unexplained flags), flagged in 1, 3 and 8 runs.
    @Test func flagsInRunsAreTheOnePassFlags() throws {
        let sim = try FlagsPlantedTests.simulate(seed: 3)
        let run = try Backtest.run(panel: sim.panel)
        let scored = try ScoredPanel.make(panel: sim.panel, run: run)
        let options = FlagOptions(persistentPeriods: 2, scoreDrop: 4, topFeatures: 2)
        for models in [run.models, Array(run.models.dropLast())] {
            let reference = Self.serialFlags(scored: scored, panel: sim.panel, models: models, options: options)
            #expect(reference.flags.count > 100)
            for runs in [1, 3, 8] {
                let report = FlagDetection.run(scored: scored, panel: sim.panel, models: models, options: options, runs: runs)
                #expect(report.flags == reference.flags)
                #expect(report.summary == FlagSummary.make(scored: scored, flags: reference.flags, inPersistentStreak: reference.inStreak))
                #expect(report.notes.contains { $0.hasPrefix("\(reference.unexplained) flagged row") } == (reference.unexplained > 0))
            }
        }
    }

    /// Joining by moving gives the joined copies, empty parts included; the parts may be
    /// shared with the caller (then they are copied first, and the caller's stay intact).
    @Test func joinedByMovingIsTheJoinedCopies() throws {
        let sim = try FlagsPlantedTests.simulate(seed: 3)
        let run = try Backtest.run(panel: sim.panel)
        let scored = try ScoredPanel.make(panel: sim.panel, run: run)
        let flags = FlagDetection.run(scored: scored, panel: sim.panel, models: run.models,
                                      options: FlagOptions(persistentPeriods: 1, scoreDrop: 1, topFeatures: 3)).flags
        #expect(flags.count > 10)
        let third = flags.count / 3
        let parts = [[], Array(flags[..<third]), [], Array(flags[third...]), []]
        #expect(CustomerFlag.joinedByMoving(parts) == flags)
        #expect(parts.flatMap { $0 } == flags)
        #expect(CustomerFlag.joinedByMoving([[], []]).isEmpty)
    }

    /// flags.csv in runs of rows is the file written row after row (the writer as it was), on
    /// flags with hostile text, missing values and several groups.
    @Test func flagsCSVInRunsIsTheOnePassFile() throws {
        let sim = try FlagsPlantedTests.simulate(seed: 5)
        let run = try Backtest.run(panel: sim.panel)
        let scored = try ScoredPanel.make(panel: sim.panel, run: run)
        var report = FlagDetection.run(scored: scored, panel: sim.panel, models: run.models,
                                       options: FlagOptions(persistentPeriods: 1, scoreDrop: 1, topFeatures: 3))
        // Enough rows for several runs (a run is 2,000 flags or more).
        report.flags = Array(repeating: report.flags, count: 7).flatMap { $0 }
        // Hostile and non-ASCII text in a few rows.
        for (k, text) in ["=cmd|' /C calc'!A0", "a,\"b\"", "Zürich\r\nline", "-3.5"].enumerated() where report.flags.count > k {
            report.flags[k * 7].customer = text
            report.flags[k * 7].segment = text
        }
        // Raw values that are numbers in other spellings, or text, in the contribution columns;
        // periods that need quoting.
        let values = ["-3.5", "007", "1e-05", "0.00001", "0.0001", "-0", "-0.0", "12.50", "pro", "=x", "", "inf", "1,5",
                      "123456789012345", "1234567890123456", "0.123456789012345", "99999999999999.9"]
        for (k, value) in values.enumerated() where report.flags.count > 100 + k && !report.flags[100 + k].topContributions.isEmpty {
            report.flags[100 + k].topContributions[0].value = value
            report.flags[100 + k].periods[0] = "2024,Q\(k)"
        }
        #expect(report.flags.count > 6_000)
        #expect(Array(report.flagsCSVParts().joined()) == Self.serialFlagsCSV(report))
    }

    /// flags.csv as the writer built it in one pass (the header is the writer's own).
    static func serialFlagsCSV(_ report: FlagReport) -> [UInt8] {
        let n = max(0, report.options.topFeatures)
        let groups = Set(report.flags.flatMap { $0.subScores.keys }).sorted()
        var csv = CSVWriter()
        csv.row(FlagReport.flagsCSVHeader(topFeatures: n, groups: groups))
        for f in report.flags {
            var cells: [CSVWriter.Cell] = [
                .text(f.kind.rawValue), .text(f.customer), f.segment.map { .text($0) } ?? .empty,
                .text(f.periods.joined(separator: ";")), .text(f.startPeriod), .text(f.endPeriod),
                .number(f.score, decimals: 2), .text(f.band), .optional(f.previousScore, decimals: 2),
                .optional(f.drop, decimals: 2), f.streakLength.map { .integer($0) } ?? .empty,
                .text(f.failedGate ? "yes" : "no"),
                .text(f.trajectory.map { "\($0.period) \(CSVWriter.format($0.score, decimals: 1)) \($0.band)" }.joined(separator: " > ")),
            ]
            for list in [f.topContributions, f.healthiestContributions] where n > 0 {
                for k in 0..<n {
                    cells += k < list.count
                        ? [.text(list[k].feature), .number(list[k].contribution, decimals: 4), CSVWriter.valueCell(list[k].value)]
                        : [.empty, .empty, .empty]
                }
            }
            cells += groups.map { .optional(f.subScores[$0], decimals: 4) }
            csv.row(cells)
        }
        return csv.bytes
    }
}
