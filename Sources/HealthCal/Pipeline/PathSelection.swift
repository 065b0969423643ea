import Foundation
import LinearAlgebra

/// `model.select: path`: the elastic-net path on the rows to fit, with λ picked by the
/// walk-forward backtest's out-of-sample deviance over those rows (`spec.backtest`; stratified
/// k-fold for a snapshot panel).
///
/// Each fold fits its own encoding and its own path on its training rows only (periods
/// <= T − horizon of the rows handed in), at the λ grid of the rows handed in, and scores its test
/// period at every λ. The curve is the mean over folds of each fold's mean deviance per row
/// (−2 log-likelihood / Σ weights), its standard error the folds' SD / √K. λ_min minimizes it;
/// λ_1se, the largest λ whose mean is within one SE of the minimum (glmnet's `lambda.1se`), is the
/// pick. Every eligible period of the rows is a fold (`backtest.test_periods` does not apply). Inside a
/// backtest fold the selection's own walk-forward needs min_train_periods + horizon + 1 training
/// periods: use `test_periods` to start the backtest late enough. When this runs inside a backtest fold, the rows handed in are that fold's training rows:
/// the choice never sees the period it is scored on.
public struct PathSelection: Sendable, Equatable, Codable {
    /// The path on all the rows handed in (the fit's own design).
    public var path: PenaltyPath
    public var meanDeviance: [Double]
    public var devianceSE: [Double]
    public var lambdaMin: Double
    public var lambda1SE: Double
    /// The folds' test labels, and the period labels each was trained on (empty for k-fold).
    public var foldLabels: [String]
    public var foldTrainPeriods: [[String]]

    /// The λ the fit uses.
    public var lambda: Double { lambda1SE }
    public var l1: Double { path.alpha * lambda }
    public var l2: Double { (1 - path.alpha) * lambda }
    /// Index of `lambda` in the path.
    public var chosenIndex: Int { path.lambdas.firstIndex(of: lambda1SE) ?? 0 }
    /// The penalized columns whose weight is exactly 0 at the chosen λ.
    public var droppedColumns: [String] {
        let beta = path.coefficients[chosenIndex]
        return path.names.indices.filter { path.names[$0] != "const" && beta[$0] == 0 }.map { path.names[$0] }
    }

    enum CodingKeys: String, CodingKey {
        case path, meanDeviance = "mean_deviance", devianceSE = "deviance_se", lambdaMin = "lambda_min"
        case lambda1SE = "lambda_1se", foldLabels = "fold_labels", foldTrainPeriods = "fold_train_periods"
    }

    /// The KKT tolerance of the path's fits (mean-loss scale): the deviance curve needs far less
    /// than the final fit's 1e-10, and from a warm start most λ then take one pass over the data.
    /// The fit at the chosen λ is solved again to 1e-10.
    public static let pathTolerance = 1e-8

    /// The L1 share of `model`'s penalty: l1 / (l1 + l2) of `penalty` (or of `ridge`), 1 when none
    /// is given (the lasso path).
    public static func alpha(_ model: ModelOptions) -> Double {
        let total = model.l1 + model.l2
        return total > 0 ? model.l1 / total : 1
    }

    /// Selects λ for a fit of `panel`'s `rows`, whose design (encoded on those rows) is `design`.
    static func run(panel: Panel, rows: [Int], design: Design, y: [Double], weights: [Double]?) throws -> PathSelection {
        let spec = panel.spec
        let alpha = alpha(spec.model)
        let w = weights ?? [Double](repeating: 1, count: rows.count)
        let penalized = (0..<design.columnCount).map { !(design.hasIntercept && $0 == 0) }
        let top = try PenaltyPath.lambdaMax(x: design.x, y: y, weights: w, penalized: penalized, alpha: alpha,
                                            hasIntercept: design.hasIntercept)
        let lambdas = PenaltyPath.grid(lambdaMax: top, minRatio: rows.count > design.columnCount ? 1e-3 : 1e-2)
        let folds = try Self.folds(panel: panel, rows: rows)
        var curves: [[Double]] = []
        for fold in folds {
            let (encoding, encoded) = try FeatureEncoder.fitWithEncodedDesign(panel, rows: fold.train, spec: spec)
            let trainY = fold.train.map { panel.outcome[$0] }
            let trainW = panel.weights.map { ws in fold.train.map { ws[$0] } }
            let path = try PenaltyPath.fit(encoded.design, y: trainY, weights: trainW, alpha: alpha, lambdas: lambdas,
                                           tolerance: pathTolerance, maxIterations: spec.model.maxIterations)
            let test = try encoding.design(panel, rows: fold.test)
            let testY = fold.test.map { panel.outcome[$0] }
            let testW = panel.weights.map { ws in fold.test.map { ws[$0] } } ?? [Double](repeating: 1, count: fold.test.count)
            curves.append(try path.coefficients.map { beta in
                try meanDeviance(eta: test.x.multiply(beta), y: testY, weights: testW)
            })
        }
        let k = Double(curves.count)
        let mean = lambdas.indices.map { i in curves.reduce(0) { $0 + $1[i] } / k }
        let se = lambdas.indices.map { i in
            (curves.reduce(0) { $0 + ($1[i] - mean[i]) * ($1[i] - mean[i]) } / (k - 1)).squareRoot() / k.squareRoot()
        }
        let best = mean.indices.min { mean[$0] < mean[$1] } ?? 0
        let oneSE = mean.indices.first { mean[$0] <= mean[best] + se[best] } ?? best
        let path = try PenaltyPath.fit(design, y: y, weights: weights, alpha: alpha, lambdas: lambdas,
                                       tolerance: pathTolerance, maxIterations: spec.model.maxIterations)
        return PathSelection(path: path, meanDeviance: mean, devianceSE: se, lambdaMin: lambdas[best],
                             lambda1SE: lambdas[oneSE], foldLabels: folds.map(\.label), foldTrainPeriods: folds.map(\.trainPeriods))
    }

    /// Σ w·2[max(η,0) + log(1 + e^−|η|) − yη] / Σ w: the deviance per row of 0/1 outcomes.
    static func meanDeviance(eta: [Double], y: [Double], weights w: [Double]) -> Double {
        var s = 0.0, total = 0.0
        for i in eta.indices {
            let e = eta[i]
            s += w[i] * 2 * (max(e, 0) + log1p(exp(-abs(e))) - y[i] * e)
            total += w[i]
        }
        return s / total
    }

    struct SelectionFold {
        var label: String
        var trainPeriods: [String]
        var train: [Int]
        var test: [Int]
    }

    /// The backtest's folds over `rows` only: walk-forward over their periods, or stratified
    /// k-fold for a snapshot. At least two folds (for the standard error).
    static func folds(panel: Panel, rows: [Int]) throws -> [SelectionFold] {
        // Every eligible period of these rows is a selection fold (`test_periods` limits the
        // backtest's scored periods, not the history λ is chosen on).
        var options = panel.spec.backtest
        options.testPeriods = 0
        var folds: [SelectionFold] = []
        if panel.isSnapshot {
            let y = rows.map { panel.outcome[$0] }
            let tests = try StratifiedKFold.folds(y: y, folds: options.folds, seed: 0)
            for (k, positions) in tests.enumerated() {
                let inTest = Set(positions)
                folds.append(SelectionFold(label: "fold \(k + 1)", trainPeriods: [],
                                           train: rows.indices.filter { !inTest.contains($0) }.map { rows[$0] },
                                           test: positions.map { rows[$0] }))
            }
        } else {
            let ordinalOfRow = rows.map { panel.periods[Int(panel.periodOfRow[$0])].ordinal }
            let labelOf = Dictionary(panel.periods.map { ($0.ordinal, $0.label) }, uniquingKeysWith: { a, _ in a })
            let plan: WalkForwardPlan
            do { plan = try WalkForwardPlan(periods: ordinalOfRow, options: options) } catch {
                throw PathSelectionError.tooFewPeriods(periods: Set(ordinalOfRow).count, needed: options.minTrainPeriods + options.horizon + 1,
                                                       detail: error.description)
            }
            for fold in plan.folds {
                let train = Set(fold.trainPeriods)
                var tr: [Int] = [], te: [Int] = []
                for (i, o) in ordinalOfRow.enumerated() {
                    if o == fold.testPeriod { te.append(rows[i]) } else if train.contains(o) { tr.append(rows[i]) }
                }
                folds.append(SelectionFold(label: labelOf[fold.testPeriod] ?? "\(fold.testPeriod)",
                                           trainPeriods: fold.trainPeriods.compactMap { labelOf[$0] }, train: tr, test: te))
            }
            if folds.count < 2 {
                throw PathSelectionError.tooFewPeriods(periods: plan.periods.count, needed: options.minTrainPeriods + options.horizon + 1,
                                                       detail: "only 1 period (\(folds.first?.label ?? "?")) can be tested, and the standard error behind λ_1se needs at least 2")
            }
        }
        return folds
    }
}

/// Why `select: path` could not choose λ.
public enum PathSelectionError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooFewPeriods(periods: Int, needed: Int, detail: String)

    public var description: String {
        switch self {
        case let .tooFewPeriods(periods, needed, detail):
            return "model.select: path chooses λ on the walk-forward backtest of the rows being fitted, which span \(periods) period(s); it needs at least \(needed) (min_train_periods + horizon + 1, for two test periods): \(detail). Give more periods, lower backtest.min_train_periods, or fix the penalty with model.penalty instead of select: path"
        }
    }
}
