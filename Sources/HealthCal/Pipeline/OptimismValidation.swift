import Foundation

/// `--validate B`: the Efron–Gong optimism bootstrap of the final model (docs/metrics.md,
/// "Optimism"). Customers are resampled with replacement (all of a customer's rows together, as
/// many times as it was drawn); the whole fit (encodings and weights, per segment where the spec
/// says so) is rerun on each resample and scored on that resample and on every row. The
/// resamples are drawn as `BootstrapOptions` say (count, seed, or a file: the test hook).
public enum OptimismValidation {
    /// The default refits of `recalibrate` (rms's `validate` default)...
    public static let recalibrateDefault = 40
    /// ...up to this many rows; past it none by default: each refit costs a final fit, and
    /// with this many rows per weight the in-sample figures barely flatter the model.
    public static let defaultRowLimit = 200_000
    /// Seeds the refits' draws apart from the out-of-sample bootstrap's under the same `--seed`.
    static let streamOffset: UInt64 = 0x6F70_7469_6D69_736D   // "optimism"

    /// `recalibrate`'s default for a panel of `rows` rows.
    public static func recalibrateDefault(rows: Int, seed: UInt64) -> BootstrapOptions {
        BootstrapOptions(count: rows <= defaultRowLimit ? recalibrateDefault : 0, seed: seed)
    }

    /// The most refits a run accepts: each costs about one final fit, and the corrected figures
    /// stop moving in the printed digits long before (rms's default is 40).
    public static let maximumCount = 1000

    /// Rejects a refit count out of bounds (0 is none).
    public static func check(count: Int) throws(BootstrapError) {
        guard count >= 0, count <= maximumCount else {
            throw .refits(count, reason: "between 1 and \(maximumCount) refits are accepted (each costs about one final fit; 40 is rms's default, 200 a careful choice)")
        }
    }

    /// Rejects a refit count before any work.
    public static func check(_ options: BootstrapOptions, panel: Panel) throws(BootstrapError) {
        guard options.resampleFile == nil, options.count != 0 else { return }
        try check(count: options.count)
        guard panel.customerIDs.count >= 2 else { throw .tooFewCustomers(panel.customerIDs.count) }
    }

    /// The optimism of `final` (fitted on every row of `panel`); nil when no refit is asked for.
    /// `ridge` overrides the spec's penalty as it did for `final`.
    public static func run(panel: Panel, final: SegmentedFit, ridge: Double?, options: BootstrapOptions,
                           progress: ((Int, Int) -> Void)? = nil) throws -> OptimismReport? {
        guard options.count > 0 || options.resampleFile != nil else { return nil }
        let n = panel.rowCount
        let customers = panel.customerIDs.count
        let resamples: CustomerResamples
        if let path = options.resampleFile {
            var index: [String: Int] = [:]
            for (c, id) in panel.customerIDs.enumerated() { index[id] = c }
            resamples = try CustomerResamples(path: path, customers: customers, index: index)
        } else {
            resamples = try CustomerResamples(count: options.count, customers: customers,
                                              seed: options.seed ^ streamOffset)
        }
        let all = Array(0..<n)
        let y = panel.outcome
        let w = panel.weights ?? [Double](repeating: 1, count: n)
        let codes = panel.customerCodes
        let everyone = [Int32](repeating: 1, count: customers)
        let apparent = try figures(probability: final.probability(panel: panel, rows: all), y: y, base: w,
                                   customer: codes, customers: customers, draws: [everyone])[0]

        var training: [[Double]] = [], test: [[Double]] = [], notes: [String] = []
        for b in 0..<resamples.count {
            progress?(b, resamples.count)
            let m = resamples.multiplicity(b)
            var rows: [Int] = []
            rows.reserveCapacity(n)
            for r in 0..<n {
                let k = Int(m[Int(panel.customerCodes[r])])
                for _ in 0..<k { rows.append(r) }
            }
            let refit: SegmentedFit
            do {
                refit = try SegmentedFit.run(panel: panel, rows: rows, ridge: ridge, warmStart: final.pooled.fit,
                                             finalHessian: .beforeLastStep)
            } catch {
                if notes.count < 3 { notes.append("refit \(b + 1): " + String(String(describing: error).prefix(300))) }
                continue
            }
            let p = try refit.probability(panel: panel, rows: all)
            let both = figures(probability: p, y: y, base: w, customer: codes, customers: customers, draws: [m, everyone])
            training.append(both[0])
            test.append(both[1])
        }
        progress?(resamples.count, resamples.count)

        var out: [String: OptimismReport.Figure] = [:]
        for (j, name) in OptimismReport.figureOrder.enumerated() {
            var sumTraining = 0.0, sumTest = 0.0, count = 0
            for (a, t) in zip(training, test) where a[j].isFinite && t[j].isFinite {
                sumTraining += a[j]; sumTest += t[j]; count += 1
            }
            guard apparent[j].isFinite, count > 0 else { continue }
            let meanTraining = sumTraining / Double(count), meanTest = sumTest / Double(count)
            let optimism = meanTraining - meanTest
            out[name] = .init(apparent: apparent[j], training: meanTraining, test: meanTest, optimism: optimism,
                              corrected: apparent[j] - optimism, resamples: count)
        }
        var report = OptimismReport(resamples: resamples.count, fitted: training.count, seed: nil, resampleFile: nil,
                                    customers: customers, rows: n, figures: out, notes: notes)
        switch resamples.source {
        case .seed: report.seed = options.seed
        case .file(let path): report.resampleFile = path
        }
        return report
    }

    /// The figures of `figureOrder` for probabilities `p` with row weights `base`, under each
    /// list of draw counts per customer; NaN where a figure is undefined (one class only, a
    /// calibration fit that diverges).
    static func figures(probability p: [Double], y: [Double], base: [Double], customer: [Int32], customers: Int,
                        draws: [[Int32]]) -> [[Double]] {
        let prepared = ResampledFigures(p: p, y: y, base: base, cluster: customer, clusters: customers, healthiest: nil)
        let names = BootstrapFigure.allCases
        return draws.map { m in
            let f = prepared.figures(multiplicity: m)
            func value(_ figure: BootstrapFigure) -> Double { f[names.firstIndex(of: figure) ?? 0] }
            let auc = value(.auc)
            return [auc, 2 * auc - 1, value(.calibrationSlope), value(.calibrationIntercept), value(.brier)]
        }
    }
}

extension SegmentedFit {
    /// The model's own probability (no calibration map) of each of `rows`.
    func probability(panel: Panel, rows: [Int]) throws -> [Double] {
        try linearPredictor(panel: panel, rows: rows).map { 1 / (1 + exp(-$0)) }
    }
}
