import Dispatch
import Foundation
import LinearAlgebra

/// Options of a logistic-regression fit.
public struct LogisticOptions: Sendable, Codable, Equatable {
    /// L2 penalty λ: the fit minimizes −log L + (λ/2)‖w‖², the intercept unpenalized. The same
    /// model as scikit-learn's `LogisticRegression(C = 1/λ)` (which minimizes
    /// C·Σ loss + ½‖w‖²). 0 is plain maximum likelihood.
    public var ridge: Double = 0
    /// Firth's penalized likelihood (maximize log L + ½ log det I(β)); excludes `ridge` > 0.
    public var firth: Bool = false
    /// L1 penalty λ1: with it the fit minimizes −log L + λ1‖w‖₁ + (ridge/2)‖w‖² (the elastic
    /// net, `ElasticNet`), the intercept unpenalized. 0: no L1 term (and the Newton fit).
    public var l1: Double = 0
    public var newton = NewtonSettings()

    public init(ridge: Double = 0, firth: Bool = false, l1: Double = 0, newton: NewtonSettings = NewtonSettings()) {
        self.ridge = ridge
        self.firth = firth
        self.l1 = l1
        self.newton = newton
    }

    enum CodingKeys: String, CodingKey { case ridge, firth, l1, newton }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ridge = try c.decodeIfPresent(Double.self, forKey: .ridge) ?? 0
        firth = try c.decodeIfPresent(Bool.self, forKey: .firth) ?? false
        l1 = try c.decodeIfPresent(Double.self, forKey: .l1) ?? 0
        newton = try c.decodeIfPresent(NewtonSettings.self, forKey: .newton) ?? NewtonSettings()
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ridge, forKey: .ridge)
        if firth { try c.encode(firth, forKey: .firth) }
        if l1 > 0 { try c.encode(l1, forKey: .l1) }
        try c.encode(newton, forKey: .newton)
    }
}

/// Maximum-likelihood (optionally ridge-penalized) logistic regression by damped Newton/IRLS,
/// with the data checks that turn a silent failure into a named one.
public enum LogisticRegression {
    /// Fits `y` (0/1) on `design`, with optional positive row weights (frequency weights: a row
    /// of weight 3 counts as three identical rows). `outcomeName` is only used in messages.
    /// `start` warm-starts Newton (e.g. from the previous backtest fold's weights); it changes how
    /// many iterations are needed, not the optimum. `approximateHessian`, a Hessian close to the
    /// one at `start`, lets the first steps skip the Hessian (see `minimizeByNewton`).
    /// `knownRanges`, the per-class ranges of columns the caller found while writing them,
    /// spares those columns the checks' pass over the design (see `columnRanges`).
    /// `clusters`, one code per row, makes the inference cluster-robust (`ClusterCovariance`).
    public static func fit(
        _ design: Design, y: [Double], weights: [Double]? = nil,
        options: LogisticOptions = LogisticOptions(), outcomeName: String = "outcome", start warmStart: [Double]? = nil,
        approximateHessian: Matrix? = nil, finalHessian: FinalHessian = .exact, clusters: ClusterCodes? = nil
    ) throws(FitError) -> LogisticFit {
        try fit(design, y: y, weights: weights, options: options, outcomeName: outcomeName, start: warmStart,
                approximateHessian: approximateHessian, finalHessian: finalHessian, knownRanges: nil, clusters: clusters)
    }

    static func fit(
        _ design: Design, y: [Double], weights: [Double]?, options: LogisticOptions, outcomeName: String,
        start warmStart: [Double]?, approximateHessian: Matrix?, finalHessian: FinalHessian, knownRanges: [ColumnRange?]?,
        clusters: ClusterCodes? = nil
    ) throws(FitError) -> LogisticFit {
        let n = design.rowCount, p = design.columnCount
        guard y.count == n else { throw .shape("\(y.count) outcomes for \(n) rows") }
        guard design.names.count == p else { throw .shape("\(design.names.count) names for \(p) columns") }
        guard options.ridge >= 0, options.ridge.isFinite else { throw .shape("ridge penalty must be a finite number >= 0") }
        guard options.l1 >= 0, options.l1.isFinite else { throw .shape("l1 penalty must be a finite number >= 0") }
        let w = weights ?? [Double](repeating: 1, count: n)
        guard w.count == n else { throw .shape("\(w.count) weights for \(n) rows") }
        guard n > 0, p > 0 else { throw .shape("no rows or no columns to fit") }
        if let clusters, clusters.codes.count != n { throw .shape("\(clusters.codes.count) cluster codes for \(n) rows") }

        try checkOutcomes(y: y, weights: w, outcomeName: outcomeName)
        let ranges = try columnRanges(design, y: y, known: knownRanges)
        let penalized = (0..<p).map { !(design.hasIntercept && $0 == 0) }
        try checkConstantColumns(design, ranges)
        if options.firth {
            guard options.ridge == 0, options.l1 == 0 else { throw .firthWithRidge(options.ridge + options.l1) }
            return try fitFirth(design, y: y, weights: w, options: options, start: warmStart,
                                inference: finalHessian == .exact)
        }
        if options.l1 > 0 {
            return try fitElasticNet(design, y: y, weights: w, options: options, penalized: penalized, start: warmStart,
                                     clusters: clusters)
        }
        if options.ridge == 0 {
            try checkSingleColumnSeparation(design, ranges)
        }

        // Start at the intercept-only solution: every fitted probability is the base rate.
        let sumW = w.reduce(0, +)
        let rate = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / sumW
        var start = [Double](repeating: 0, count: p)
        if design.hasIntercept { start[0] = log(rate / (1 - rate)) }

        var objective = LogisticObjective(x: design.x, y: y, weights: w, ridge: options.ridge, penalized: penalized)
        let outcome: NewtonOutcome
        do {
            // A warm start (given, or from a fit on a systematic subsample of a large design) is
            // used only when it is at least as good as the intercept-only start. Either way the
            // iterations end at the same optimum; a good start only saves full passes over the data.
            let f0 = try interceptOnlyValue(design, ranges, y: y, weights: w, start: start) ?? objective.value(at: start)
            var from = start
            var first: NewtonEvaluation? = nil
            var approximation: Matrix? = nil
            if let candidate = warmStart ?? subsampleStart(design, y: y, weights: w, options: options),
               candidate.count == p, candidate.allSatisfy(\.isFinite) {
                if let h = approximateHessian, warmStart != nil, h.rows == p, h.cols == p {
                    var c = try objective.valueAndGradient(at: candidate)
                    c.hessian = h
                    if c.value <= f0 { from = candidate; first = c; approximation = h }
                } else {
                    let c = try objective.valueAndDerivatives(at: candidate)
                    if c.value <= f0 { from = candidate; first = c }
                }
            }
            let evaluated = try first ?? objective.valueAndDerivatives(at: start)
            // Collinearity shows in the first Hessian (XᵀWX with positive weights, or the approximation:
            // the previous fold's on a subset of these rows plus the added rows'), checked before iterating.
            let collinear = try collinearColumns(evaluated.hessian, names: design.names)
            if let collinear, options.ridge == 0 { throw collinear }
            outcome = try minimizeByNewton(&objective, from: from, settings: options.newton, evaluated: evaluated,
                                           finalHessian: finalHessian, approximateHessian: approximation)
        } catch let error as FitError {
            throw error
        } catch let error as LinearAlgebraError {
            if options.ridge == 0, let separation = separationError(design, y: y, beta: nil) { throw separation }
            throw .numerical(error.description)
        } catch {
            throw .numerical("\(error)")
        }

        var warnings: [String] = []
        if options.ridge > 0, let collinear = try? collinearColumns(outcome.hessian, names: design.names) {
            warnings.append("kept only by the ridge penalty: \(collinear)")
        }
        if options.ridge == 0, let separation = separationError(design, y: y, beta: outcome.beta, eta: objective.eta) {
            throw separation
        }
        if !outcome.converged {
            warnings.append("did not converge in \(outcome.iterations) iterations; the weights may be inaccurate")
        }
        let nullLL = nullLogLikelihood(y: y, weights: w, hasIntercept: design.hasIntercept)
        do {
            var robust: (matrix: Matrix, clusters: Int)? = nil
            if let clusters {
                // Scores at the solution: w_i (y_i − p_i), p_i = sigmoid(x_iβ) (η recomputed: the
                // objective's last evaluation may have been a rejected step).
                let eta = try design.x.multiply(outcome.beta)
                let residual = (0..<n).map { w[$0] * (y[$0] - 1 / (1 + exp(-eta[$0]))) }
                let bread = try Cholesky(outcome.hessian).inverse()
                robust = (try ClusterCovariance.sandwich(x: design.x, residual: residual, clusters: clusters,
                                                          bread: bread, observations: sumW), clusters.count)
            }
            return try LogisticFit(
                names: design.names, beta: outcome.beta, hessian: outcome.hessian,
                logLikelihood: -objective.negativeLogLikelihood, nullLogLikelihood: nullLL,
                rows: n, observations: sumW, ridge: options.ridge,
                iterations: outcome.iterations, converged: outcome.converged, warnings: warnings,
                clusterCovariance: robust)
        } catch {
            throw .numerical("the Hessian at the solution cannot be inverted: \(error)")
        }
    }

    /// Rows above which a cold fit first solves a subsample of about `subsampleRows` rows.
    public static let subsampleThreshold = 400_000
    public static let subsampleRows = 100_000

    /// Weights fitted on a systematic subsample (deterministic), as a starting point for the full fit of
    /// a large design: Newton's early iterations are as good on 100k rows as on a million, and
    /// the full data then needs only the last two or three. Nil when the design is small or the
    /// subsample cannot be fitted (then the full fit starts cold).
    static func subsampleStart(_ design: Design, y: [Double], weights w: [Double], options: LogisticOptions,
                               threshold: Int = subsampleThreshold, target: Int = subsampleRows) -> [Double]? {
        let n = design.rowCount
        guard n > threshold, target > 0 else { return nil }
        let rows = subsampleRowIndices(count: n, target: target)
        // A subsample below the threshold starts from the intercept-only point: no recursion.
        return try? fit(try design.subset(rows: rows), y: rows.map { y[$0] }, weights: rows.map { w[$0] },
                        options: subsampleOptions(options, rows: rows.count, of: n)).coefficients
    }

    /// The rows of the systematic subsample a large cold fit starts from: runs of 64
    /// consecutive rows, one run every 64·⌊n/target⌋ rows. About one row in n/target, like every
    /// k-th row, but reading whole cache lines (every k-th row would read nearly all of them).
    public static func subsampleRowIndices(count n: Int, target: Int = subsampleRows) -> [Int] {
        let run = 64, step = max(run, run * (n / max(1, target)))
        var rows: [Int] = []
        rows.reserveCapacity(n / step * run + run)
        for lo in stride(from: 0, to: n, by: step) { rows.append(contentsOf: lo..<min(n, lo + run)) }
        return rows
    }

    /// The options of the subsample fit: the penalty scales with the data (λ on n rows is like
    /// λ·m/n on m of them), and a start needs no more than 1e-6 relative precision.
    public static func subsampleOptions(_ options: LogisticOptions, rows m: Int, of n: Int) -> LogisticOptions {
        var sub = options
        sub.ridge = options.ridge * Double(m) / Double(n)
        sub.newton.relativeTolerance = 1e-6
        return sub
    }

    /// Log-likelihood of the intercept-only model (p̂ = weighted base rate), or of p = ½ without an intercept.
    static func nullLogLikelihood(y: [Double], weights w: [Double], hasIntercept: Bool) -> Double {
        let sumW = w.reduce(0, +)
        let rate = hasIntercept ? zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / sumW : 0.5
        // Σ w_i log p̂_i over churners plus over the others: two logarithms, not one per row.
        var churned = 0.0, stayed = 0.0
        for i in y.indices { if y[i] == 1 { churned += w[i] } else { stayed += w[i] } }
        return churned * log(rate) + stayed * log1p(-rate)
    }

    /// The objective at the intercept-only start without a pass over the design: every row has
    /// the same η = start[0] (or 0 without an intercept), so f = Σw·[max(η,0) + log1p(e^−|η|)] − η·Σwy.
    /// nil when the intercept column is not all ones (then the caller evaluates it).
    static func interceptOnlyValue(_ design: Design, _ ranges: [ColumnRange], y: [Double], weights w: [Double],
                                   start: [Double]) -> Double? {
        if design.hasIntercept {
            let r = ranges[0]
            guard [r.min0, r.max0, r.min1, r.max1].allSatisfy({ $0 == 1 }) else { return nil }
        }
        let e = design.hasIntercept ? start[0] : 0
        let sumW = w.reduce(0, +)
        let sumWY = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 }
        return sumW * (max(e, 0) + log1p(exp(-abs(e)))) - e * sumWY
    }

    // MARK: - Checks before the fit

    static func checkOutcomes(y: [Double], weights w: [Double], outcomeName: String) throws(FitError) {
        for i in y.indices {
            if !y[i].isFinite { throw .nonFinite(column: outcomeName, row: i, value: y[i]) }
            if y[i] != 0 && y[i] != 1 { throw .invalidValue(column: outcomeName, row: i, value: y[i], expected: "0 or 1") }
            if !(w[i] > 0) || !w[i].isFinite { throw .invalidValue(column: "weight", row: i, value: w[i], expected: "a finite weight > 0") }
        }
        let ones = zip(w, y).reduce(0) { $0 + ($1.1 == 1 ? $1.0 : 0) }
        if ones == 0 { throw .oneClass(outcome: outcomeName, value: 0) }
        if ones == w.reduce(0, +) { throw .oneClass(outcome: outcomeName, value: 1) }
    }

    /// Each column's `ColumnRange`, scanning only the columns whose range is not `known` (nil
    /// there, or no `known` at all). A known range must be what the scan would find, finite
    /// values only (`FittedEncoding.designAndMeans` gives them for the columns it wrote).
    static func columnRanges(_ design: Design, y: [Double], known: [ColumnRange?]? = nil) throws(FitError) -> [ColumnRange] {
        let n = design.rowCount, p = design.columnCount
        let known = known.flatMap { $0.count == p ? $0 : nil } ?? Array(repeating: nil, count: p)
        let scanned = (0..<p).filter { known[$0] == nil }
        // Columns are independent: split them over the cores (a pass over each).
        let x = design.x
        let scans = concurrentMap(scanned.count) { k -> (range: ColumnRange, bad: Int?) in
            let j = scanned[k]
            var bad: Int? = nil
            var ranges = ColumnRangeAccumulator()
            x.storage.withUnsafeBufferPointer { xp in
                y.withUnsafeBufferPointer { yp in
                    let col = xp.baseAddress! + j * n
                    let one = SIMD4<Double>(repeating: 1)
                    let cr = UnsafeRawPointer(col), yr = UnsafeRawPointer(yp.baseAddress!)
                    var i = 0
                    while i + 4 <= n {
                        let v = cr.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
                        ranges.add(v, churned: yr.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self) .== one)
                        i += 4
                    }
                    while i < n {
                        ranges.add(col[i], churned: yp[i] == 1)
                        i += 1
                    }
                    if !ranges.allFinite { bad = (0..<n).first { !col[$0].isFinite } }
                }
            }
            return (ranges.range, bad)
        }
        // The first non-finite value in column order, as a one-column-at-a-time scan finds it.
        if let k = scans.firstIndex(where: { $0.bad != nil }), let bad = scans[k].bad {
            throw .nonFinite(column: design.names[scanned[k]], row: bad, value: design.x[bad, scanned[k]])
        }
        var ranges = known.map { $0 ?? ColumnRange() }
        for (k, j) in scanned.enumerated() { ranges[j] = scans[k].range }
        return ranges
    }

    static func checkConstantColumns(_ design: Design, _ ranges: [ColumnRange]) throws(FitError) {
        for j in 0..<design.columnCount where !(design.hasIntercept && j == 0) && ranges[j].isConstant {
            throw .constantColumn(name: design.names[j], value: design.x[0, j])
        }
    }

    /// A single column that separates the classes: then its weight can grow without bound while
    /// the likelihood keeps rising.
    static func checkSingleColumnSeparation(_ design: Design, _ ranges: [ColumnRange]) throws(FitError) {
        var separating: [String] = []
        var rowsPredicted = 0
        for j in 0..<design.columnCount where !(design.hasIntercept && j == 0) && ranges[j].separates {
            separating.append(design.names[j])
            // Rows strictly beyond the overlap [lo, hi] are predicted exactly.
            let r = ranges[j]
            let (lo, hi) = r.max0 <= r.min1 ? (r.max0, r.min1) : (r.max1, r.min0)
            rowsPredicted = max(rowsPredicted, design.x.column(j).filter { $0 < lo || $0 > hi }.count)
        }
        if !separating.isEmpty { throw .separation(columns: separating, perfectlyPredictedRows: rowsPredicted) }
    }

    /// Columns that are linear combinations of earlier ones, found by pivoted Cholesky (`dpstrf`)
    /// of the correlation-scaled Hessian; nil when the design has full rank.
    static func collinearColumns(_ hessian: Matrix, names: [String]) throws -> FitError? {
        let p = hessian.rows
        var scaled = hessian
        let d = hessian.diagonal.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
        for j in 0..<p { for i in 0..<p { scaled[i, j] *= d[i] * d[j] } }
        let f = try PivotedCholesky(scaled, tolerance: 1e-10)
        guard f.rank < p else { return nil }
        let independent = Array(f.pivot[..<f.rank]).sorted()
        let dependent = Array(f.pivot[f.rank...]).sorted()
        // Spell out each dependent column as the combination of independent ones (least squares on
        // the Hessian blocks: a = H_II⁻¹ H_Id).
        var sub = Matrix(rows: independent.count, cols: independent.count)
        for (a, i) in independent.enumerated() { for (b, j) in independent.enumerated() { sub[a, b] = hessian[i, j] } }
        let chol = try? Cholesky(sub)
        var relations: [String] = []
        for dep in dependent {
            guard let chol, let coef = try? chol.solve(independent.map { hessian[$0, dep] }) else { continue }
            let terms = zip(coef, independent).filter { abs($0.0) > 1e-8 }.map { c, i in
                "\(formatNumber((c * 1e8).rounded() / 1e8))·'\(names[i].shownInMessage)'"
            }
            relations.append("'\(names[dep].shownInMessage)' = " + (terms.isEmpty ? "0" : terms.joined(separator: " + ")))
        }
        return .collinear(columns: dependent.map { names[$0] }, relations: relations)
    }

    /// After an unpenalized fit: rows predicted with numerically certain, correct probabilities
    /// together with absurdly large standardized weights mean the likelihood has no finite
    /// maximum. Names the columns whose standardized weight |β_j|·sd_j exceeds 10 (a change of
    /// one standard deviation multiplying the odds by more than e¹⁰ ≈ 22,000).
    /// `eta` is Xβ when the caller has it (the objective keeps it from its last evaluation).
    static func separationError(_ design: Design, y: [Double], beta: [Double]?, eta known: [Double]? = nil) -> FitError? {
        guard let beta else { return .separation(columns: [], perfectlyPredictedRows: y.count) }
        guard let eta = known ?? (try? design.x.multiply(beta)) else { return nil }
        var perfect = 0
        for i in y.indices {
            let e = eta[i]
            if (y[i] == 1 && e > 25) || (y[i] == 0 && e < -25) { perfect += 1 }
        }
        guard perfect > 0 else { return nil }
        let n = Double(design.rowCount)
        var suspects: [(String, Double)] = []
        for j in 0..<design.columnCount where !(design.hasIntercept && j == 0) {
            let col = design.x.column(j)
            let mean = col.reduce(0, +) / n
            let sd = (col.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
            let standardized = abs(beta[j]) * sd
            if standardized > 10 { suspects.append((design.names[j], standardized)) }
        }
        guard !suspects.isEmpty else { return nil }
        return .separation(columns: suspects.sorted { $0.1 > $1.1 }.map(\.0), perfectlyPredictedRows: perfect)
    }
}
