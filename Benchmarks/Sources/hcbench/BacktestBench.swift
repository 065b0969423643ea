import HealthCal

/// `hcbench spec FILE`: prints the benchmark spec (for `healthcal recalibrate --spec`).
/// `hcbench backtest FILE`: read + validate, then the 8-fold walk-forward backtest with Platt
/// calibration (py_pipeline.py's "backtest" and "calibrate" stages), timed separately.
enum BacktestBench {
    static func printSpec(_ args: [String]) -> Int32 {
        guard let path = args.first, let yaml = try? FitBench.specYAML(for: path) else { print("usage: hcbench spec FILE"); return 2 }
        print(yaml, terminator: "")
        return 0
    }

    static func run(_ args: [String]) -> Int32 {
        guard let path = args.first else { print("usage: hcbench backtest FILE"); return 2 }
        do {
            let spec = try FitBench.spec(for: path)
            var t = ReadBench.wallSeconds()
            let panel = try PanelLoading.load(path: path, spec: spec)
            print("read_and_validate_s \(ReadBench.format3(ReadBench.wallSeconds() - t))")
            t = ReadBench.wallSeconds()
            let t0 = t
            let run = try Backtest.run(panel: panel, progress: { line in
                print("  +\(ReadBench.format3(ReadBench.wallSeconds() - t0)) s  \(line)")
            })
            print("backtest_with_calibration_s \(ReadBench.format3(ReadBench.wallSeconds() - t))  folds \(run.folds.count)  oos_rows \(run.rows.count)  auc \(run.pooled.rocAUC ?? .nan)")
            print("peak_rss_mib \(ReadBench.peakRSSMiB())")
            return 0
        } catch {
            print("error: \(error)")
            return 1
        }
    }
}
