import Foundation
@_spi(Benchmarks) import HealthCal

/// `hcbench bootstrap FILE [B] [--dump CSV]`: read, backtest, then time the cluster bootstrap of
/// the calibrated out-of-sample figures with B resamples (default 1000), best of 3. `--dump`
/// writes the out-of-sample rows (customer, y, p) for Benchmarks/py_bootstrap.py.
enum BootstrapBench {
    static func run(_ args: [String]) -> Int32 {
        guard let path = args.first else { print("usage: hcbench bootstrap FILE [B] [--dump CSV]"); return 2 }
        let count = args.dropFirst().first.flatMap { Int($0) } ?? 1000
        do {
            let spec = try FitBench.spec(for: path)
            let panel = try PanelLoading.load(path: path, spec: spec)
            let run = try Backtest.run(panel: panel)
            print("oos_rows \(run.rows.count)  customers \(Set(run.rows.map { panel.customerCodes[$0] }).count)")
            if let k = args.firstIndex(of: "--dump"), k + 1 < args.count {
                var text = "customer,y,p\n"
                text.reserveCapacity(run.rows.count * 32)
                for (i, r) in run.rows.enumerated() {
                    text += "\(panel.customerCodes[r]),\(Int(panel.outcome[r])),\(run.calibratedProbability[i])\n"
                }
                try text.write(toFile: args[k + 1], atomically: true, encoding: .utf8)
            }
            var best = (Double.infinity, Double.infinity)
            var report: BootstrapReport? = nil
            for _ in 0..<3 {
                let t = ReadBench.wallSeconds(), c = BacktestBench.cpuSeconds()
                report = try BacktestBootstrap.run(panel: panel, run: run, champion: nil, healthiest: nil,
                                                   options: BootstrapOptions(count: count, seed: 1))
                best = (min(best.0, ReadBench.wallSeconds() - t), min(best.1, BacktestBench.cpuSeconds() - c))
            }
            print("bootstrap_\(count)_s \(ReadBench.format3(best.0))  cpu \(ReadBench.format3(best.1))")
            if let auc = report?.figures["auc"] { print("auc \(auc.estimate) [\(auc.lower), \(auc.upper)]") }
            print("peak_rss_mib \(ReadBench.peakRSSMiB())")
            return 0
        } catch {
            print("error: \(error)")
            return 1
        }
    }
}
