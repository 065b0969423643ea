import Foundation
@_spi(Benchmarks) import HealthCal

/// `hcbench spec FILE`: prints the benchmark spec (for `healthcal recalibrate --spec`).
/// `hcbench backtest FILE`: read + validate, then the 8-fold walk-forward backtest with Platt
/// calibration (py_pipeline.py's "backtest" and "calibrate" stages), timed separately; with
/// `--reports`, also `MetricsReport.compute` alone on the first fold's rows and on all of them;
/// with `--post N`, also the post-fold block alone (`BacktestEvaluation`), best of N.
enum BacktestBench {
    static func printSpec(_ args: [String]) -> Int32 {
        guard let path = args.first, let yaml = try? FitBench.specYAML(for: path) else { print("usage: hcbench spec FILE"); return 2 }
        print(yaml, terminator: "")
        return 0
    }

    static func run(_ args: [String]) -> Int32 {
        guard let path = args.first else { print("usage: hcbench backtest FILE [--reports] [--post N]"); return 2 }
        do {
            let spec = try FitBench.spec(for: path)
            var t = ReadBench.wallSeconds()
            let panel = try PanelLoading.load(path: path, spec: spec)
            print("read_and_validate_s \(ReadBench.format3(ReadBench.wallSeconds() - t))")
            t = ReadBench.wallSeconds()
            let t0 = t, c0 = cpuSeconds()
            // Wall and process CPU (all threads) at the first post-fold line.
            let postFold = Mark()
            let run = try Backtest.run(panel: panel, progress: { line in
                let wall = ReadBench.wallSeconds() - t0, cpu = cpuSeconds() - c0
                if line.hasPrefix("calibration") { postFold.set(wall, cpu) }
                print("  +\(ReadBench.format3(wall)) s (cpu \(ReadBench.format3(cpu)) s)  \(line)")
            })
            let wall = ReadBench.wallSeconds() - t0, cpu = cpuSeconds() - c0
            print("backtest_with_calibration_s \(ReadBench.format3(wall))  folds \(run.folds.count)  oos_rows \(run.rows.count)  auc \(run.pooled.rocAUC ?? .nan)")
            if let (w, c) = postFold.value {
                print("post_fold_block_s \(ReadBench.format3(wall - w))  cpu \(ReadBench.format3(cpu - c))")
            }
            if args.contains("--reports") { timeReports(run, panel: panel) }
            if let k = args.firstIndex(of: "--post"), k + 1 < args.count, let n = Int(args[k + 1]), n >= 1 {
                try timePostFold(run, panel: panel, repeats: n)
            }
            print("peak_rss_mib \(ReadBench.peakRSSMiB())")
            return 0
        } catch {
            print("error: \(error)")
            return 1
        }
    }

    /// Best of 3 wall and CPU seconds of `MetricsReport.compute` on the first fold's rows and on
    /// all out-of-sample rows (the per-fold and the pooled report).
    static func timeReports(_ run: BacktestRun, panel: Panel) {
        let foldRows = run.foldOfRow.firstIndex { $0 != 0 } ?? run.rows.count
        let outcome = run.rows.map { panel.outcome[$0] }
        for (name, n) in [("metrics_report_fold1", foldRows), ("metrics_report_pooled", run.rows.count)] {
            let p = Array(run.probability.prefix(n)), y = Array(outcome.prefix(n))
            var best = (Double.infinity, Double.infinity)
            for _ in 0..<3 {
                let t = ReadBench.wallSeconds(), c = cpuSeconds()
                _ = try? MetricsReport.compute(p: p, y: y)
                best = (min(best.0, ReadBench.wallSeconds() - t), min(best.1, cpuSeconds() - c))
            }
            print("\(name)_s \(ReadBench.format3(best.0))  cpu \(ReadBench.format3(best.1))  rows \(n)")
        }
    }

    /// Best of `repeats` wall and CPU seconds of the post-fold block on the run's scores.
    static func timePostFold(_ run: BacktestRun, panel: Panel, repeats: Int) throws {
        let ordinalOf = Dictionary(panel.periods.map { ($0.label, $0.ordinal) }, uniquingKeysWith: { a, _ in a })
        let period = run.foldOfRow.map { ordinalOf[run.folds[$0].test] ?? $0 }
        let y = run.rows.map { panel.outcome[$0] }, w = panel.weights.map { ws in run.rows.map { ws[$0] } }
        var best = (Double.infinity, Double.infinity)
        for _ in 0..<repeats {
            let t = ReadBench.wallSeconds(), c = cpuSeconds()
            let e = try BacktestEvaluation(panel: panel, rows: run.rows, period: period, linearPredictor: run.linearPredictor,
                                           probability: run.probability, outcome: y, weights: w,
                                           folds: (run.foldOfRow, run.folds.count))
            let wall = ReadBench.wallSeconds() - t, cpu = cpuSeconds() - c
            best = (min(best.0, wall), min(best.1, cpu))
            print("post_fold_once_s \(ReadBench.format3(wall))  cpu \(ReadBench.format3(cpu))  same \(e.calibrated == run.calibratedProbability)")
        }
        print("post_fold_best_s \(ReadBench.format3(best.0))  cpu \(ReadBench.format3(best.1))")
    }

    /// This process's CPU time over all threads.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

/// A value set once from the progress callback.
final class Mark: @unchecked Sendable {
    private(set) var value: (Double, Double)?
    func set(_ a: Double, _ b: Double) { if value == nil { value = (a, b) } }
}
