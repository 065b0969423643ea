import Foundation
import LinearAlgebra

/// `LogisticObjective` with the rows in PostgreSQL: each evaluation is one aggregate query over
/// the rows, returning the (weighted) negative log-likelihood and, as asked, the gradient and
/// the upper triangle of XᵀWX. The design is never built on the client: each row's design
/// columns come from `SQLEncoding`, and η, μ and the row's loss are computed once per row in
/// fenced subqueries (`OFFSET 0`, so the planner cannot inline them into every sum).
///
/// Clamped forms (PostgreSQL raises on `exp` underflow below about −745 and overflow above 709,
/// and on a product of two tiny doubles that rounds to 0): for |η| > 500, μ is 0 or 1 and
/// log(1 + e^−|η|) is 0 (both below 1e-217, invisible beside the other rows' terms). No
/// `GREATEST`/`LEAST`, which postgres_fdw would not ship to a shard.
///
/// Arithmetic per row: p sums for the gradient, p(p+1)/2 for the Hessian (33 and 561 at p = 33).
struct InDatabaseObjective: NewtonObjective {
    let conn: PostgresConnection
    let rows: DatabaseRows
    /// Design column expressions, "const" excluded (it is 1).
    let columns: [String]
    let ridge: Double
    let penalized: [Bool]
    /// When the rows are a partitioned table over shards: the passes run on each shard.
    var shards: ShardedPasses? = nil
    /// Whether the rows carry the customer id (`"hc_id"`): only for the cluster meat's query.
    var withCustomer = false
    /// Passes run (a sample's included, see `count`), by kind: value only, value and gradient, value, gradient and Hessian.
    private(set) var passes = (value: 0, gradient: 0, hessian: 0)
    /// Seconds spent in the queries.
    private(set) var seconds = 0.0
    /// −log-likelihood (without the penalty) at the point last evaluated.
    private(set) var negativeLogLikelihood = 0.0

    var parameterCount: Int { columns.count + 1 }

    mutating func value(at beta: [Double]) throws -> Double {
        try evaluate(beta, .none).value
    }

    mutating func valueAndGradient(at beta: [Double]) throws -> NewtonEvaluation {
        try evaluate(beta, .gradient)
    }

    mutating func valueAndDerivatives(at beta: [Double]) throws -> NewtonEvaluation {
        try evaluate(beta, .hessian)
    }

    enum Derivatives { case none, gradient, hessian }

    /// The rows with their design columns ("hc_y", "hc_w", "hc_x1"...), fenced.
    var designRows: String { designRows(rows) }

    func designRows(_ rows: DatabaseRows) -> String {
        var select = ["\(rows.outcome) AS \"hc_y\"", "\(rows.weight) AS \"hc_w\""]
        if withCustomer { select.append("CAST(\(SQLEncoding.identifier(rows.spec.data.id)) AS TEXT) AS \"hc_id\"") }
        for (j, c) in columns.enumerated() { select.append("CAST(\(c) AS DOUBLE PRECISION) AS \"hc_x\(j + 1)\"") }
        return "SELECT \(select.joined(separator: ",\n    ")) \(rows.fromWhere) OFFSET 0"
    }

    /// The rows with η at `beta` (bound as parameters after the rows' own), μ and the row's loss.
    func scoredRows(_ rows: DatabaseRows) -> String {
        let p = parameterCount
        var eta = "\(rows.parameter(0))::double precision"
        for j in 1..<p { eta += " + \(rows.parameter(j))::double precision * \"hc_x\(j)\"" }
        let linear = "SELECT \"hc_d\".*, \(eta) AS \"hc_eta\" FROM (\(designRows(rows))) AS \"hc_d\" OFFSET 0"
        let mu = """
        CASE WHEN "hc_eta" > 500 THEN 1.0 WHEN "hc_eta" < -500 THEN 0.0 \
        WHEN "hc_eta" >= 0 THEN 1.0 / (1.0 + EXP(-"hc_eta")) ELSE EXP("hc_eta") / (1.0 + EXP("hc_eta")) END
        """
        let loss = """
        "hc_w" * ((CASE WHEN "hc_eta" > 0 THEN "hc_eta" ELSE 0.0 END) \
        + (CASE WHEN abs("hc_eta") > 500 THEN 0.0 ELSE LN(1.0 + EXP(-abs("hc_eta"))) END) - "hc_y" * "hc_eta")
        """
        return "SELECT \"hc_l\".*, \(mu) AS \"hc_mu\", \(loss) AS \"hc_loss\" FROM (\(linear)) AS \"hc_l\" OFFSET 0"
    }

    /// The pass's SQL: one row of sums.
    func passQuery(_ kind: Derivatives, _ rows: DatabaseRows) -> String {
        let p = parameterCount
        func x(_ j: Int) -> String { j == 0 ? "" : " * \"hc_x\(j)\"" }
        var sums = ["count(\"hc_eta\")", "count(*)", "sum(\"hc_loss\")"]
        if kind != .none {
            for j in 0..<p { sums.append("sum(\"hc_r\"\(x(j)))") }
        }
        if kind == .hessian {
            for j in 0..<p { for k in j..<p { sums.append("sum(\"hc_h\"\(x(j))\(x(k)))") } }
        }
        let weights = "SELECT \"hc_s\".*, \"hc_w\" * (\"hc_mu\" - \"hc_y\") AS \"hc_r\", \"hc_w\" * \"hc_mu\" * (1.0 - \"hc_mu\") AS \"hc_h\" FROM (\(scoredRows(rows))) AS \"hc_s\" OFFSET 0"
        // One array: a Hessian pass has more sums (1,891 at p = 61) than a select list may hold (1,664).
        return "SELECT ARRAY[\(sums.joined(separator: ", "))]::double precision[] FROM (\(weights)) AS \"hc_pass\""
    }

    /// Adds another objective's passes and seconds to this one's (a sample's, run for the start).
    mutating func count(_ other: InDatabaseObjective) {
        passes.value += other.passes.value
        passes.gradient += other.passes.gradient
        passes.hessian += other.passes.hessian
        seconds += other.seconds
    }

    /// The elements of a one-dimensional float8 array's text form, `{1.5,NULL,-2}` (NULL as NaN).
    static func elements(_ array: String) -> [Double] {
        array.dropFirst().dropLast().split(separator: ",").map { Double($0) ?? .nan }
    }

    /// The meat of the cluster-robust covariance at `beta`: M = Σ_g s_g s_gᵀ over the customers
    /// g, s_g = Σ_{i∈g} w_i (μ_i − y_i) x_i (the sign cancels), and the number of customers, from
    /// one query that sums each customer's scores (GROUP BY the id) and then their products (the
    /// upper triangle). On shards each shard's customers are complete (the table is
    /// hash-partitioned on the id, as `healthcal load --shard-by <id>` makes it), so the shards'
    /// partial sums add up.
    func clusterMeat(at beta: [Double]) throws -> (meat: Matrix, clusters: Int) {
        var grouped = self
        grouped.withCustomer = true
        let p = parameterCount
        func x(_ j: Int) -> String { j == 0 ? "" : " * \"hc_x\(j)\"" }
        func query(_ rows: DatabaseRows) -> String {
            let scores = (0..<p).map { "sum(\"hc_r\"\(x($0))) AS \"hc_s\($0)\"" }.joined(separator: ", ")
            let residuals = "SELECT \"hc_s\".*, \"hc_w\" * (\"hc_mu\" - \"hc_y\") AS \"hc_r\" FROM (\(grouped.scoredRows(rows))) AS \"hc_s\" OFFSET 0"
            // The customers' count twice, as a pass's first two elements (`ShardedPasses.sum`
            // skips a shard whose second element is 0); one array, as a pass (the select-list limit).
            var sums = ["count(*)", "count(*)"]
            for j in 0..<p { for k in j..<p { sums.append("sum(\"hc_s\(j)\" * \"hc_s\(k)\")") } }
            return "SELECT ARRAY[\(sums.joined(separator: ", "))]::double precision[] FROM (SELECT \(scores) FROM (\(residuals)) AS \"hc_r\" GROUP BY \"hc_id\") AS \"hc_g\""
        }
        let betas = beta.map { exactNumber($0) }
        let values: [Double]
        if let shards {
            values = try shards.sum(query, extra: betas)
        } else {
            let got = try conn.query(query(rows), rows.parameters + betas)
            guard let array = got.first?.first ?? nil else { throw FitError.numerical("the cluster query returned no row") }
            values = Self.elements(array)
        }
        guard values.count == 2 + p * (p + 1) / 2 else { throw FitError.numerical("the cluster query returned \(values.count) values") }
        var meat = Matrix(rows: p, cols: p)
        var at = 2
        for j in 0..<p {
            for k in j..<p {
                meat[j, k] = values[at]
                meat[k, j] = values[at]
                at += 1
            }
        }
        return (meat, Int(values[1]))
    }

    private mutating func evaluate(_ beta: [Double], _ kind: Derivatives) throws -> NewtonEvaluation {
        let p = parameterCount
        guard beta.count == p else { throw FitError.shape("\(beta.count) coefficients for \(p) columns") }
        let started = Date()
        let betas = beta.map { exactNumber($0) }
        let values: [Double]
        if let shards {
            values = try shards.sum({ passQuery(kind, $0) }, extra: betas)
        } else {
            let got = try conn.query(passQuery(kind, rows), rows.parameters + betas)
            guard let array = got.first?.first ?? nil else { throw FitError.numerical("the pass query returned no row") }
            values = Self.elements(array)
        }
        seconds += Date().timeIntervalSince(started)
        switch kind {
        case .none: passes.value += 1
        case .gradient: passes.gradient += 1
        case .hessian: passes.hessian += 1
        }
        guard values.count >= 3 else { throw FitError.numerical("the pass query returned \(values.count) values") }
        if values[0] != values[1] {
            // Some row's η is NULL: a design cell the encoding cannot encode (normally reported earlier).
            return NewtonEvaluation(value: .nan, gradient: [], hessian: Matrix(rows: 0, cols: 0))
        }
        negativeLogLikelihood = values[2]
        var penalty = 0.0
        for j in 0..<p where penalized[j] { penalty += beta[j] * beta[j] }
        let value = negativeLogLikelihood + (ridge > 0 ? 0.5 * ridge * penalty : 0)
        guard kind != .none else { return NewtonEvaluation(value: value, gradient: [], hessian: Matrix(rows: 0, cols: 0)) }
        var g = Array(values[3..<(3 + p)])
        for j in 0..<p where penalized[j] { g[j] += ridge * beta[j] }
        guard kind == .hessian else { return NewtonEvaluation(value: value, gradient: g, hessian: Matrix(rows: 0, cols: 0)) }
        var h = Matrix(rows: p, cols: p)
        var at = 3 + p
        for j in 0..<p {
            for k in j..<p {
                h[j, k] = values[at]
                h[k, j] = values[at]
                at += 1
            }
        }
        for j in 0..<p where penalized[j] { h[j, j] += ridge }
        return NewtonEvaluation(value: value, gradient: g, hessian: h)
    }
}
