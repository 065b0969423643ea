import Foundation
import LinearAlgebra

/// `SpecFit.run` with the panel in PostgreSQL (`--in-database`): the encodings fitted by
/// aggregate queries (`InDatabaseEncoding`), the logistic regression by one aggregate query per
/// Newton pass (`InDatabaseObjective`), the small solves by LAPACK on the client. The result
/// is the same `SpecFit` value, so the weight file, exports and reports are shared; client
/// memory is O(p²), whatever the number of rows.
///
/// Pass plan (docs/scale.md): exact Newton steps until the objective's relative change is
/// below 1e-6 (on a hashed sample of about 100,000 rows when the table has more than 400,000),
/// then gradient-only steps on the last Hessian (each p sums per row instead of
/// p(p+1)/2), then one exact Hessian at the optimum for the standard errors. The gradient is
/// exact throughout, so the optimum and the stopping rule are those of the in-memory fit.
public enum InDatabaseFit {
    /// A fit with what it cost.
    public struct Outcome: Sendable {
        public var fit: SpecFit
        /// Rows fitted.
        public var rows: Int
        /// Passes over the rows by kind, and the seconds spent in them.
        public var valuePasses: Int
        public var gradientPasses: Int
        public var hessianPasses: Int
        public var passSeconds: Double
        /// Queries for the encodings' statistics, the checks and the contribution means, in seconds.
        public var statisticsSeconds: Double
        /// Shards the passes ran on (0: the rows' own server).
        public var shards: Int
    }

    /// Fits the spec on `relation` (only the rows of `periods` when given, e.g. a backtest
    /// fold's training periods). `ridge` overrides the spec's `model.ridge`.
    public static func run(url: PostgresURL, relation: PostgresRelation, spec: Spec, ridge: Double? = nil,
                           periods: [String]? = nil) throws -> Outcome {
        let conn = try PostgresConnection.aggregateSession(url)
        _ = try PostgresPanelReader.selectList(conn, relation: relation, spec: spec)
        let rows = periods.map { DatabaseRows(relation: relation, spec: spec, periods: $0) } ?? DatabaseRows(relation: relation, spec: spec)
        let shards = try ShardedPasses.detect(conn, url: url, rows: rows)
        let outcome = try run(rows, conn, ridge: ridge ?? spec.model.l2, shards: shards)
        try shards?.commit()
        try conn.execute("COMMIT")
        return outcome
    }

    /// Tables above this many rows take their first Newton steps on a sample (see `run`).
    static let defaultSubsampleThreshold = LogisticRegression.subsampleThreshold

    /// The previous backtest fold's model, for a fold's start (`FoldStart` in the database):
    /// `added` are the rows this fold adds to the previous fold's training rows when those are
    /// a subset of this fold's (an expanding window); nil otherwise, and then only the previous
    /// weights serve as a start.
    struct Previous {
        var model: SpecFit
        var added: DatabaseRows?
    }

    static func run(_ rows: DatabaseRows, _ conn: PostgresConnection, ridge: Double, shards: ShardedPasses? = nil,
                    previous: Previous? = nil, finalHessian: FinalHessian = .exact,
                    subsampleThreshold: Int = defaultSubsampleThreshold,
                    subsampleRows: Int = LogisticRegression.subsampleRows) throws -> Outcome {
        let spec = rows.spec
        // The elastic net's coordinate descent would take the same XᵀWX and gradient sums; it is
        // not wired to the database passes yet.
        if spec.model.l1 > 0 || spec.model.select != nil {
            throw FitError.shape("model.penalty with l1 > 0 and model.select: path are not pushed down yet: fit this spec without --in-database")
        }
        if spec.model.firth {
            throw FitError.shape("model.firth is not pushed down yet: fit this spec without --in-database")
        }
        let started = Date()
        // The statistics run on every shard at once where the table is sharded.
        let stats = StatisticQueries(conn: conn, shards: shards)
        try checkOutcomesAndWeights(rows, stats)
        var encoding = try InDatabaseEncoding.fit(rows, stats)
        let columns = encoding.features.flatMap(SQLEncoding.columns)
        let p = columns.count + 1
        let names = encoding.names

        // One query: rows, class weights, each design column's sum and per-class range.
        typealias Aggregate = StatisticQueries.Aggregate
        var sums: [Aggregate] = [.sum("count(*)"), .sum("sum(CASE WHEN \"hc_y\" = 1 THEN \"hc_w\" ELSE 0.0 END)"),
                                 .sum("sum(CASE WHEN \"hc_y\" = 0 THEN \"hc_w\" ELSE 0.0 END)"), .sum("sum(CASE WHEN \"hc_y\" = 1 THEN 1 ELSE 0 END)")]
        for j in 1..<p {
            let x = "\"hc_x\(j)\""
            sums += [.sum("sum(\(x))"), .min("min(CASE WHEN \"hc_y\" = 0 THEN \(x) END)"), .max("max(CASE WHEN \"hc_y\" = 0 THEN \(x) END)"),
                     .min("min(CASE WHEN \"hc_y\" = 1 THEN \(x) END)"), .max("max(CASE WHEN \"hc_y\" = 1 THEN \(x) END)")]
        }
        let overDesign = { (r: DatabaseRows) in "FROM (\(InDatabaseObjective(conn: conn, rows: r, columns: columns, ridge: ridge, penalized: []).designRows)) AS \"hc_d\"" }
        let got = try stats.aggregates(rows, sums, from: overDesign).map { $0 ?? 0 }
        let n = Int(got[0]), churned = got[1], stayed = got[2], churners = Int(got[3])
        var means = [1.0]
        var ranges = [LogisticRegression.ColumnRange.ofIndicator(ones0: n - churners, rows0: n - churners, ones1: churners, rows1: churners)]
        for j in 1..<p {
            let at = 4 + 5 * (j - 1)
            means.append(got[at] / Double(n))
            ranges.append(LogisticRegression.ColumnRange(min0: churners == n ? .infinity : got[at + 1], max0: churners == n ? -.infinity : got[at + 2],
                                                         min1: churners == 0 ? .infinity : got[at + 3], max1: churners == 0 ? -.infinity : got[at + 4]))
        }
        encoding.contributionMeans = means
        if churned == 0 { throw FitError.oneClass(outcome: spec.data.outcome, value: 0) }
        if stayed == 0 { throw FitError.oneClass(outcome: spec.data.outcome, value: 1) }
        for j in 1..<p where ranges[j].isConstant { throw FitError.constantColumn(name: names[j], value: ranges[j].min0.isFinite ? ranges[j].min0 : ranges[j].min1) }
        if ridge == 0 {
            let separating = (1..<p).filter { ranges[$0].separates }
            if !separating.isEmpty {
                // Rows strictly beyond the overlap are predicted exactly: counted for the message.
                var predicted = 0
                for j in separating {
                    let r = ranges[j]
                    let (lo, hi) = r.max0 <= r.min1 ? (r.max0, r.min1) : (r.max1, r.min0)
                    let beyond = "WHERE \"hc_x\(j)\" < \(SQLEncoding.number(lo)) OR \"hc_x\(j)\" > \(SQLEncoding.number(hi))"
                    let count = try stats.aggregates(rows, [.sum("count(*)")], from: { "\(overDesign($0)) \(beyond)" }).first ?? nil
                    predicted = max(predicted, Int(count ?? 0))
                }
                throw FitError.separation(columns: separating.map { names[$0] }, perfectlyPredictedRows: predicted)
            }
        }
        let statisticsSeconds = Date().timeIntervalSince(started)

        // Newton from the intercept-only point, as the in-memory fit starts.
        let rate = churned / (churned + stayed)
        var start = [Double](repeating: 0, count: p)
        start[0] = log(rate / (1 - rate))
        var objective = InDatabaseObjective(conn: conn, rows: rows, columns: columns, ridge: ridge,
                                            penalized: (0..<p).map { $0 != 0 }, shards: shards)
        var settings = NewtonSettings()
        settings.maxIterations = spec.model.maxIterations
        let result: NewtonOutcome
        var warnings: [String] = []
        // The intercept-only objective (no penalty on the intercept), which a warm start must beat.
        let interceptOnly = -(churned * log(rate) + stayed * log1p(-rate))
        do {
            // A fold after the first starts where the previous fold's optimum moves with the
            // added rows, on the carried Hessian (gradient-only passes), as the in-memory
            // backtest does; used only when it is at least as good as the intercept-only start.
            var warm: (from: [Double], evaluated: NewtonEvaluation, hessian: Matrix?)? = nil
            if let previous {
                var candidate: (beta: [Double], hessian: Matrix?)? = nil
                if let added = previous.added,
                   let predicted = try predictedStart(previous.model, added: added, encoding: encoding, columns: columns,
                                                      conn: conn, shards: shards, counting: &objective) {
                    candidate = (predicted.start, predicted.hessian)
                } else if previous.model.fit.names == names {
                    candidate = (previous.model.fit.coefficients, nil)
                }
                if let (beta, hessian) = candidate, beta.count == p, beta.allSatisfy(\.isFinite) {
                    var c: NewtonEvaluation
                    if let hessian {
                        c = try objective.valueAndGradient(at: beta)
                        c.hessian = hessian
                    } else {
                        c = try objective.valueAndDerivatives(at: beta)
                    }
                    if c.value <= interceptOnly { warm = (beta, c, hessian) }
                }
            }
            if let warm {
                if let collinear = try LogisticRegression.collinearColumns(warm.evaluated.hessian, names: names), ridge == 0 { throw collinear }
                result = try minimizeByNewton(&objective, from: warm.from, settings: settings, evaluated: warm.evaluated,
                                              finalHessian: finalHessian, approximateHessian: warm.hessian)
            } else {
                var rough = settings
                rough.relativeTolerance = 1e-6
                rough.decrementTolerance = 1e-6
                let approach: NewtonOutcome
                if n > subsampleThreshold {
                    // A large table: the exact steps on a sample of about `subsampleRows` rows (the
                    // in-memory fit's subsample start), their Hessian scaled to the whole table as
                    // the approximation the full-data steps start on (gradient-only passes).
                    let every = max(2, n / max(1, subsampleRows))
                    let m = Double(n) / Double(every)
                    var sampled = InDatabaseObjective(conn: conn, rows: rows.sample(every: every), columns: columns, ridge: ridge * m / Double(n),
                                                      penalized: objective.penalized, shards: shards.map { $0.sample(every: every) })
                    var found = try minimizeByNewton(&sampled, from: start, settings: rough, finalHessian: .beforeLastStep)
                    if let h = found.hessian.scaled(by: Double(n) / m, ridge: ridge, penalized: objective.penalized, sampleRidge: ridge * m / Double(n)) {
                        found.hessian = h
                    }
                    objective.count(sampled)
                    approach = found
                } else {
                    let first = try objective.valueAndDerivatives(at: start)
                    if let collinear = try LogisticRegression.collinearColumns(first.hessian, names: names), ridge == 0 { throw collinear }
                    // Exact steps while Newton is far from the optimum...
                    approach = try minimizeByNewton(&objective, from: start, settings: rough, evaluated: first, finalHessian: .beforeLastStep)
                }
                // ...then gradient-only steps on its Hessian, and one exact Hessian at the optimum.
                result = try minimizeByNewton(&objective, from: approach.beta, settings: settings, finalHessian: finalHessian,
                                              approximateHessian: approach.hessian)
            }
            if ridge == 0, let collinear = try LogisticRegression.collinearColumns(result.hessian, names: names) { throw collinear }
            if !result.converged { warnings.append("did not converge in \(result.iterations) iterations; the weights may be inaccurate") }
            if ridge > 0, let collinear = try? LogisticRegression.collinearColumns(result.hessian, names: names) {
                warnings.append("kept only by the ridge penalty: \(collinear)")
            }
        } catch let error as FitError {
            throw error
        } catch let error as LinearAlgebraError {
            throw FitError.numerical(error.description)
        }
        // The intercept-only log-likelihood: Σ w log p̂ over churners plus over the others.
        let nullLL = churned * log(rate) + stayed * log1p(-rate)
        // The covariance the in-memory fit would use (`Panel.covarianceType`): cluster-robust on
        // the customer id unless the spec says `model`, or each customer has one row.
        var robust: (matrix: Matrix, clusters: Int)? = nil
        // Only fits whose standard errors are read get the sandwich (a backtest fold's are not).
        if spec.model.covariance != .model && finalHessian == .exact {
            let (meat, customers) = try objective.clusterMeat(at: result.beta)
            if spec.model.covariance == .cluster || customers < n {
                robust = (try ClusterCovariance.sandwich(meat: meat, clusters: customers, bread: Cholesky(result.hessian).inverse(),
                                                         observations: churned + stayed), customers)
            }
        }
        let fit: LogisticFit
        do {
            fit = try LogisticFit(names: names, beta: result.beta, hessian: result.hessian,
                                  logLikelihood: -objective.negativeLogLikelihood, nullLogLikelihood: nullLL,
                                  rows: n, observations: churned + stayed, ridge: ridge,
                                  iterations: result.iterations, converged: result.converged, warnings: warnings,
                                  clusterCovariance: robust)
        } catch {
            throw FitError.numerical("the Hessian at the solution cannot be inverted: \(error)")
        }
        return Outcome(fit: SpecFit(encoding: encoding, fit: fit), rows: n, valuePasses: objective.passes.value,
                       gradientPasses: objective.passes.gradient, hessianPasses: objective.passes.hessian,
                       passSeconds: objective.seconds, statisticsSeconds: statisticsSeconds,
                       shards: shards?.parts.count ?? 0)
    }

    /// `FoldStart.predicted` with the added rows in the database: the previous weights carried
    /// into this fold's encoding, and one pass over the added rows only (their gradient and
    /// Hessian there, a period's worth of rows instead of the fold's); the step
    /// −(Dᵀ H_prev D + H_added)⁻¹ g_added and the Hessian it was solved with. nil when the
    /// encodings' shapes differ or a matrix is not positive definite.
    static func predictedStart(_ previous: SpecFit, added: DatabaseRows, encoding: FittedEncoding, columns: [String],
                               conn: PostgresConnection, shards: ShardedPasses?,
                               counting objective: inout InDatabaseObjective) throws -> (start: [Double], hessian: Matrix)? {
        let p = columns.count + 1
        guard previous.fit.names == encoding.names,
              let (beta, back) = encoding.carried(previous.fit.coefficients, from: previous.encoding),
              let covariance = try? Matrix(rows: p, cols: p, columnMajor: previous.fit.hessianInverse),
              let oldHessian = try? Cholesky(covariance).inverse()
        else { return nil }
        var pass = InDatabaseObjective(conn: conn, rows: added, columns: columns, ridge: 0,
                                       penalized: Array(repeating: false, count: p), shards: shards?.on(added))
        let sums = try pass.valueAndDerivatives(at: beta)
        objective.count(pass)
        var backT = Matrix(rows: p, cols: p)
        for i in 0..<p { for j in 0..<p { backT[i, j] = back[j, i] } }
        guard let sharedHessian = try? backT.multiply(oldHessian.multiply(back)) else { return nil }
        var hessian = sums.hessian
        for k in hessian.storage.indices { hessian.storage[k] += sharedHessian.storage[k] }
        guard let step = try? Cholesky(hessian).solve(sums.gradient) else { return nil }
        let start = zip(beta, step).map { $0 - $1 }
        return start.allSatisfy(\.isFinite) ? (start, hessian) : nil
    }

    /// Every outcome is 0/1 (as the CSV reader spells it) and every weight finite and > 0; the
    /// first bad row is named by its id and period.
    static func checkOutcomesAndWeights(_ rows: DatabaseRows, _ stats: StatisticQueries) throws {
        var problems = ProblemCollector()
        let outcome = rows.spec.data.outcome
        let conn = stats.conn
        func count(_ condition: String) throws -> Double {
            try (stats.aggregates(rows, [.sum("count(*)")], from: { "\($0.fromWhere) AND (\(condition))" }).first ?? nil) ?? 0
        }
        if try count("\(rows.outcome) IS NULL") > 0 {
            let row = try rows.firstRow(where: "\(rows.outcome) IS NULL", conn)
            problems.add(DataProblem(file: row, columnName: outcome, message: "the outcome must be 0/1, true/false or yes/no"))
        }
        if rows.spec.data.weight != nil {
            let bad = "NOT (\(rows.weight) > 0 AND \(rows.weight) < 'Infinity'::double precision)"
            if try count("\(bad) OR \(rows.weight) IS NULL") > 0 {
                let row = try rows.firstRow(where: "\(bad) OR \(rows.weight) IS NULL", conn)
                problems.add(DataProblem(file: row, columnName: rows.spec.data.weight, message: "expected a finite weight > 0"))
            }
        }
        try problems.throwIfAny()
    }
}

extension Matrix {
    /// A sample's penalized Hessian as the whole table's: the data part (without the sample's
    /// ridge `sampleRidge`) times `factor`, plus the table's `ridge` on the penalized diagonal.
    /// nil when the shape is wrong.
    func scaled(by factor: Double, ridge: Double, penalized: [Bool], sampleRidge: Double) -> Matrix? {
        guard rows == cols, rows == penalized.count else { return nil }
        var h = self
        for j in 0..<rows {
            for k in 0..<cols {
                var v = self[j, k]
                if j == k && penalized[j] { v -= sampleRidge }
                v *= factor
                if j == k && penalized[j] { v += ridge }
                h[j, k] = v
            }
        }
        return h
    }
}
