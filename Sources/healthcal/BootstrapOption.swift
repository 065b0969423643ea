import ArgumentParser
import Foundation
import HealthCal

/// `--bootstrap B --seed S`, shared by `backtest` (default 0) and `recalibrate` (default 200).
struct BootstrapOption: ParsableArguments {
    @Option(help: ArgumentHelp("Cluster bootstrap: resample customers B times (with replacement) and give every out-of-sample figure a 95% percentile interval; the out-of-sample scores are reused, nothing is refitted. Default: 200 in recalibrate, 0 (off) in backtest. At most \(CustomerResamples.maximumCount), and resamples x customers at most \(CustomerResamples.maximumDraws).", valueName: "B"))
    var bootstrap: Int?

    @Option(help: "Seed of the bootstrap's resamples: the same seed gives the same intervals, bit for bit.")
    var seed: UInt64 = 42

    /// Test hook: HEALTHCAL_TEST_BOOTSTRAP_IDS names a file of resampled customer ids (one
    /// resample per line, ids separated by commas) used instead of drawing.
    func options(default count: Int) -> BootstrapOptions {
        let file = ProcessInfo.processInfo.environment["HEALTHCAL_TEST_BOOTSTRAP_IDS"].flatMap { $0.isEmpty ? nil : $0 }
        return BootstrapOptions(count: bootstrap ?? count, seed: seed, resampleFile: file)
    }

    func validate() throws {
        if let bootstrap, bootstrap < 0 {
            throw ValidationError("--bootstrap \(bootstrap): the number of resamples must be at least 1 (or 0 for none)")
        }
    }
}
