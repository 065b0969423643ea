import Testing
@testable import HealthCal
import TestSupport

@Suite("Backtest: walk-forward plans and stratified k-fold")
struct BacktestPlanTests {
    @Test("expanding window, horizon 1: each test period trains on everything before it")
    func expanding() throws {
        let plan = try WalkForwardPlan(periods: [1, 2, 3, 4, 5, 6])
        #expect(plan.folds == [Fold(testPeriod: 5, trainPeriods: [1, 2, 3, 4]),
                               Fold(testPeriod: 6, trainPeriods: [1, 2, 3, 4, 5])])
    }

    @Test("repeated and unsorted period columns give the same plan")
    func rowLevelInput() throws {
        let a = try WalkForwardPlan(periods: [6, 1, 1, 2, 5, 3, 4, 4, 6])
        #expect(a == (try WalkForwardPlan(periods: [1, 2, 3, 4, 5, 6])))
    }

    @Test("a missing quarter is a gap in the values, not an index shift")
    func gaps() throws {
        // Quarter ordinals year*4 + q: 2024Q1..Q3, (2024Q4 missing), 2025Q1..Q3.
        let q = [8096, 8097, 8098, 8100, 8101, 8102]
        let plan = try WalkForwardPlan(periods: q)
        // 8100 has only 3 known earlier periods (8099 does not exist): not testable.
        #expect(plan.folds == [Fold(testPeriod: 8101, trainPeriods: [8096, 8097, 8098, 8100]),
                               Fold(testPeriod: 8102, trainPeriods: [8096, 8097, 8098, 8100, 8101])])
        #expect(plan.skippedPeriods.isEmpty)
    }

    @Test("horizon 2: the period just before the test period is never trained on")
    func horizonTwo() throws {
        let plan = try WalkForwardPlan(periods: Array(1...7), options: BacktestOptions(horizon: 2))
        #expect(plan.folds == [Fold(testPeriod: 6, trainPeriods: [1, 2, 3, 4]),
                               Fold(testPeriod: 7, trainPeriods: [1, 2, 3, 4, 5])])
    }

    @Test("rolling window of 3 period units")
    func rolling() throws {
        let o = BacktestOptions(minTrainPeriods: 2, window: .rolling, windowPeriods: 3)
        let plan = try WalkForwardPlan(periods: Array(1...6), options: o)
        #expect(plan.folds == [Fold(testPeriod: 3, trainPeriods: [1, 2]),
                               Fold(testPeriod: 4, trainPeriods: [1, 2, 3]),
                               Fold(testPeriod: 5, trainPeriods: [2, 3, 4]),
                               Fold(testPeriod: 6, trainPeriods: [3, 4, 5])])
        // With a gap the window holds fewer periods; a fold that falls short is skipped and listed.
        let gapped = try WalkForwardPlan(periods: [1, 2, 3, 6, 7, 8], options: o)
        #expect(gapped.testPeriods == [3, 8])
        #expect(gapped.folds.last == Fold(testPeriod: 8, trainPeriods: [6, 7]))
        #expect(gapped.skippedPeriods == [6, 7])
    }

    @Test("test_periods N keeps the last N eligible periods")
    func lastN() throws {
        let plan = try WalkForwardPlan(periods: Array(1...8), options: BacktestOptions(testPeriods: 2))
        #expect(plan.testPeriods == [7, 8])
        #expect(throws: BacktestError.tooFewTestPeriods(requested: 5, eligible: [5, 6, 7, 8])) {
            try WalkForwardPlan(periods: Array(1...8), options: BacktestOptions(testPeriods: 5))
        }
    }

    @Test("too few periods is a typed error with a message an analyst can act on")
    func tooFew() {
        do {
            _ = try WalkForwardPlan(periods: [1, 2, 3])
            Issue.record("expected an error")
        } catch {
            #expect(error == .noFoldPossible(periodCount: 3, minTrainPeriods: 4, horizon: 1, periods: [1, 2, 3]))
            #expect(error.description.contains("need at least 5 periods for min_train_periods 4 and horizon 1; the panel has 3"))
        }
    }

    @Test("invalid options are rejected, naming the spec key")
    func invalidOptions() {
        #expect(throws: BacktestError.self) { try WalkForwardPlan(periods: Array(1...9), options: BacktestOptions(horizon: 0)) }
        do {
            _ = try WalkForwardPlan(periods: Array(1...9), options: BacktestOptions(minTrainPeriods: 4, window: .rolling, windowPeriods: 3))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("window_periods"))
        }
    }

    /// Property: over 500 random period sets and options (SplitMix64 seed 7), every fold trains
    /// only on periods whose outcome is known at the test period, and every fold that could exist
    /// does. Exact (integer) checks.
    @Test("no fold ever trains on a period whose outcome is unknown at test time")
    func leakageProperty() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let periods = Array(Set((0..<(1 + rng.below(20))).map { _ in rng.below(30) })).sorted()
            let minTrain = 1 + rng.below(5)
            let o = BacktestOptions(horizon: 1 + rng.below(3), minTrainPeriods: minTrain,
                                    window: rng.below(2) == 0 ? .expanding : .rolling,
                                    windowPeriods: minTrain + rng.below(6), testPeriods: rng.below(3))
            // Brute force: which periods could be tested at all?
            let possible = periods.filter { t in
                var train = periods.filter { $0 <= t - o.horizon }
                if o.window == .rolling { train = train.filter { $0 > t - o.horizon - o.windowPeriods } }
                return train.count >= o.minTrainPeriods
            }
            let plan: WalkForwardPlan
            do { plan = try WalkForwardPlan(periods: periods, options: o) } catch {
                if case .noFoldPossible = error { #expect(possible.isEmpty) } else if case .tooFewTestPeriods = error {
                    #expect(possible.count < o.testPeriods)
                } else { Issue.record("unexpected \(error)") }
                continue
            }
            #expect(plan.testPeriods == (o.testPeriods > 0 ? Array(possible.suffix(o.testPeriods)) : possible))
            for f in plan.folds {
                #expect((f.trainPeriods.max() ?? .min) <= f.testPeriod - o.horizon, "leak in \(f) with \(o)")
                #expect(f.trainPeriods.count >= o.minTrainPeriods)
                #expect(f.trainPeriods == f.trainPeriods.sorted() && Set(f.trainPeriods).isSubset(of: periods))
                if o.window == .rolling { #expect(f.trainPeriods.allSatisfy { $0 > f.testPeriod - o.horizon - o.windowPeriods }) }
                else { #expect(f.trainPeriods == periods.filter { $0 <= f.testPeriod - o.horizon }) }
            }
        }
    }

    @Test("fold rows are selected by period value")
    func foldRows() {
        let fold = Fold(testPeriod: 5, trainPeriods: [1, 3])
        let r = fold.rows(periodOfRow: [1, 5, 2, 3, 5, 4])
        #expect(r.train == [0, 3] && r.test == [1, 4])
        // The panel's form: period indices into the ordinals.
        let byIndex = fold.rows(periodIndexOfRow: [0, 4, 1, 2, 4, 3, 0], ordinals: [1, 2, 3, 4, 5])
        #expect(byIndex.train == [0, 3, 6] && byIndex.test == [1, 4])
    }

    @Test("stratified k-fold keeps the churn share in each fold; deterministic by seed")
    func stratified() throws {
        // 1000 rows, 97 churners, 5 folds: every fold has 200 rows and 19 or 20 churners (exact).
        let y = (0..<1000).map { $0 % 103 == 5 || $0 < 88 ? 1.0 : 0.0 }
        let churners = Int(y.reduce(0, +))
        #expect(churners == 97)
        let folds = try StratifiedKFold.folds(y: y, folds: 5, seed: 11)
        #expect(folds.map(\.count) == [200, 200, 200, 200, 200])
        #expect(folds.flatMap { $0 }.sorted() == Array(0..<1000))
        for f in folds {
            let c = f.filter { y[$0] == 1 }.count
            #expect(c == 19 || c == 20)
        }
        #expect(try StratifiedKFold.assign(y: y, folds: 5, seed: 11) == (try StratifiedKFold.assign(y: y, folds: 5, seed: 11)))
        #expect(try StratifiedKFold.assign(y: y, folds: 5, seed: 11) != (try StratifiedKFold.assign(y: y, folds: 5, seed: 12)))
    }

    @Test("stratified k-fold errors")
    func stratifiedErrors() {
        #expect(throws: BacktestError.invalidOption(key: "folds", value: 1, requirement: "at least 2")) {
            try StratifiedKFold.assign(y: [0, 1, 0], folds: 1)
        }
        #expect(throws: BacktestError.tooFewRows(rows: 3, folds: 5)) { try StratifiedKFold.assign(y: [0, 1, 0], folds: 5) }
        #expect(throws: BacktestError.outcomeNotBinary(index: 1, value: 2)) { try StratifiedKFold.assign(y: [0, 2, 0], folds: 2) }
    }
}
