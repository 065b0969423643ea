import Dispatch
import Foundation
import LinearAlgebra

/// Which covariance of the coefficients the standard errors, z, p-values, intervals and the
/// Wald test use.
public enum CovarianceType: String, Sendable, Codable, CaseIterable {
    /// The inverse Hessian: every row an independent observation.
    case model
    /// Cluster-robust (sandwich) on the customer id: a customer's rows may be correlated.
    case cluster
}

/// Rows grouped into clusters (customers): `codes[i]` in 0..<`count`, every code used.
public struct ClusterCodes: Sendable, Equatable {
    public var codes: [Int32]
    public var count: Int

    /// Renumbers any labels (e.g. a panel's customer codes of a subset of rows) densely, in order
    /// of first appearance.
    public init<C: Collection>(labels: C) where C.Element: Hashable {
        var seen: [C.Element: Int32] = [:]
        seen.reserveCapacity(min(labels.count, 1 << 20))
        codes = labels.map { label in
            if let c = seen[label] { return c }
            let c = Int32(seen.count)
            seen[label] = c
            return c
        }
        count = seen.count
    }
}

/// The cluster-robust covariance of a logistic fit,
///
///     V = c · B (Σ_g s_g s_gᵀ) B,   c = G/(G−1) · (N−1)/(N−K),
///
/// with B the inverse Hessian at the solution (the bread), s_g = Σ_{i∈g} w_i (y_i − p_i) x_i the
/// score summed over cluster g's rows, G clusters, N = Σ w_i observations (rows without weights)
/// and K coefficients. c is statsmodels' default small-sample correction for
/// `cov_type="cluster"`; R's `sandwich::vcovCL(type = "HC1")` applies the same, its `"HC0"` only
/// G/(G−1) (docs/statistics.md).
///
/// With a ridge penalty the bread is the inverse of the penalized Hessian XᵀWX + λD and the meat
/// the unpenalized scores: the sandwich of the penalized estimating equations. It measures the
/// spread of the shrunken estimate over resampled customers, not its bias toward zero.
enum ClusterCovariance {
    /// `residual[i]` = w_i (y_i − p_i); `x` the n x p design.
    static func sandwich(x: Matrix, residual: [Double], clusters: ClusterCodes, bread: Matrix,
                         observations: Double) throws(LinearAlgebraError) -> Matrix {
        let n = x.rows, p = x.cols, g = clusters.count
        guard residual.count == n, clusters.codes.count == n, bread.rows == p, bread.cols == p else {
            throw .dimensionMismatch("cluster covariance of \(n) x \(p) design with \(residual.count) residuals, \(clusters.codes.count) cluster codes")
        }
        // S: G x p, column j the per-cluster sums of residual · x_j. Columns are independent:
        // one scatter pass per column, the columns spread over the cores.
        let sums = ScoreSums(rows: g, cols: p)
        let codes = clusters.codes
        DispatchQueue.concurrentPerform(iterations: p) { j in
            x.storage.withUnsafeBufferPointer { xp in
                residual.withUnsafeBufferPointer { rp in
                    codes.withUnsafeBufferPointer { cp in
                        let col = xp.baseAddress! + j * n
                        let out = sums.base + j * g
                        for i in 0..<n { out[Int(cp[i])] += rp[i] * col[i] }
                    }
                }
            }
        }
        let meat = sums.matrix().gram()                                 // SᵀS, dsyrk
        return try sandwich(meat: meat, clusters: g, bread: bread, observations: observations)
    }

    /// c · B M B from the meat M = Σ_g s_g s_gᵀ, however it was summed (in memory above, or by
    /// an aggregate query where the panel lives: `InDatabaseObjective.clusterMeat`).
    static func sandwich(meat: Matrix, clusters g: Int, bread: Matrix, observations: Double) throws(LinearAlgebraError) -> Matrix {
        var v = try bread.multiply(meat).multiply(bread)                // B M B, dgemm
        let k = Double(bread.rows), G = Double(g), N = observations
        let c = g > 1 && N > k ? G / (G - 1) * (N - 1) / (N - k) : .nan
        for i in v.storage.indices { v.storage[i] *= c }
        return v
    }

    /// The G x p sums, written column by column from concurrent iterations (each owns a column).
    private final class ScoreSums: @unchecked Sendable {
        let rows: Int, cols: Int
        let base: UnsafeMutablePointer<Double>
        init(rows: Int, cols: Int) {
            self.rows = rows
            self.cols = cols
            base = .allocate(capacity: max(1, rows * cols))
            base.initialize(repeating: 0, count: max(1, rows * cols))
        }
        deinit { base.deallocate() }
        func matrix() -> Matrix {
            (try? Matrix(rows: rows, cols: cols, columnMajor: Array(UnsafeBufferPointer(start: base, count: rows * cols))))
                ?? Matrix(rows: rows, cols: cols)
        }
    }
}
