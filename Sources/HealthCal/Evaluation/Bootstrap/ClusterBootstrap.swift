import Dispatch
import Foundation
import LinearAlgebra

/// A percentile interval from the bootstrap.
public struct BootstrapInterval: Sendable, Codable, Equatable {
    /// The figure on the out-of-sample rows as they are (every customer once).
    public var estimate: Double
    /// 2.5th and 97.5th percentiles over the resamples (numpy's default "linear" percentile).
    public var lower: Double
    public var upper: Double
    /// Resamples on which the figure was defined (e.g. a resample without a churner has no AUC).
    public var resamples: Int
}

/// Percentile intervals of the out-of-sample figures over customer resamples (docs/metrics.md,
/// "Bootstrap intervals").
public struct BootstrapReport: Sendable, Codable, Equatable {
    public var resamples: Int
    public var seed: UInt64?
    /// The file the resamples were read from (test hook), when not drawn from a seed.
    public var resampleFile: String?
    public var customers: Int
    public var rows: Int
    public var resampled: String
    /// The challenger's (the backtested model's calibrated out-of-sample scores) figures.
    public var figures: [String: BootstrapInterval]
    /// The champion's figures on the same resamples, and champion − challenger per resample.
    public var champion: [String: BootstrapInterval]?
    public var championMinusChallenger: [String: BootstrapInterval]?

    enum CodingKeys: String, CodingKey {
        case resamples, seed, resampleFile = "resample_file", customers, rows, resampled, figures, champion
        case championMinusChallenger = "champion_minus_challenger"
    }

    public static let resampledDescription =
        "customers, with replacement, each drawn customer bringing all its out-of-sample rows; the out-of-sample scores are reused (no model is refitted)"
}

public enum ClusterBootstrap {
    /// One model's scores with what the false-healthy share needs.
    public struct Scores: Sendable {
        /// Probabilities, or (`isProbability` false) risk scores that only rank the rows, such
        /// as a scorecard's points without an intercept: then only the ranking figures (AUC,
        /// top-decile lift) and the false-healthy share are computed.
        public var p: [Double]
        public var isProbability: Bool
        /// Rows in the healthiest band; nil when bands are not known for these rows.
        public var healthiest: [Bool]?
        public init(p: [Double], isProbability: Bool = true, healthiest: [Bool]? = nil) {
            self.p = p
            self.isProbability = isProbability
            self.healthiest = healthiest
        }
    }

    /// Intervals for `challenger` (and `champion`, paired on the same resamples) over rows with
    /// outcomes `y`, row weights `w` (nil: 1) and customer `customer[i]` in 0..<resamples.customers.
    public static func run(challenger: Scores, champion: Scores? = nil, y: [Double], w: [Double]?,
                           customer: [Int32], resamples: CustomerResamples) -> BootstrapReport {
        let n = y.count, G = resamples.customers
        let base = w ?? [Double](repeating: 1, count: n)
        let a = ResampledFigures(challenger, y: y, base: base, cluster: customer, clusters: G)
        let c = champion.map { ResampledFigures($0, y: y, base: base, cluster: customer, clusters: G) }
        let models = [a] + (c.map { [$0] } ?? [])
        let f = BootstrapFigure.allCases.count, B = resamples.count
        // results[b][0..<f] challenger, [f..<2f] champion.
        let width = models.count * f
        let results = UnsafeMutableBufferPointer<Double>.allocate(capacity: B * width)
        results.initialize(repeating: .nan)
        defer { results.deallocate() }
        let out = SendablePointer(results.baseAddress!)
        let workers = min(Parallel.workers, B)
        DispatchQueue.concurrentPerform(iterations: workers) { t in
            for b in stride(from: t, to: B, by: workers) {
                let m = resamples.multiplicity(b)
                let row = out.pointer + b * width
                for (k, model) in models.enumerated() {
                    for (j, v) in model.figures(multiplicity: m).enumerated() { row[k * f + j] = v }
                }
            }
        }
        let everyone = [Int32](repeating: 1, count: G)
        func intervals(_ estimate: [Double], _ value: (Int, Int) -> Double) -> [String: BootstrapInterval] {
            var d: [String: BootstrapInterval] = [:]
            for (k, figure) in BootstrapFigure.allCases.enumerated() where estimate[k].isFinite {
                let values = (0..<B).map { value($0, k) }.filter(\.isFinite).sorted()
                guard !values.isEmpty else { continue }
                d[figure.rawValue] = BootstrapInterval(
                    estimate: estimate[k],
                    lower: Binning.quantileLinear(count: values.count, 0.025) { values[$0] },
                    upper: Binning.quantileLinear(count: values.count, 0.975) { values[$0] },
                    resamples: values.count)
            }
            return d
        }
        let estimateA = a.figures(multiplicity: everyone)
        var report = BootstrapReport(
            resamples: B, seed: nil, resampleFile: nil, customers: resamples.customers, rows: n,
            resampled: BootstrapReport.resampledDescription,
            figures: intervals(estimateA) { results[$0 * width + $1] })
        switch resamples.source {
        case .seed(let s): report.seed = s
        case .file(let path): report.resampleFile = path
        }
        if let c {
            let estimateC = c.figures(multiplicity: everyone)
            report.champion = intervals(estimateC) { results[$0 * width + f + $1] }
            report.championMinusChallenger = intervals(zip(estimateC, estimateA).map { $0 - $1 }) {
                results[$0 * width + f + $1] - results[$0 * width + $1]
            }
        }
        return report
    }

    private struct SendablePointer: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Double>
        init(_ p: UnsafeMutablePointer<Double>) { pointer = p }
    }
}
