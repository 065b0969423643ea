import Foundation
import LinearAlgebra
import Testing
import TestSupport
@testable import HealthCal

/// The one-pass pieces of the fit against plain reference computations.
struct LogisticFitPassTests {
    /// A design with n rows (not a multiple of 4) of pseudo-random values, intercept first.
    func design(rows n: Int, cols p: Int, seed: UInt64) -> (Design, [Double]) {
        var rng = SplitMix64(seed: seed)
        var storage = [Double](repeating: 1, count: n * p)
        for k in n..<(n * p) { storage[k] = Double(rng.next() % 10_000) / 100 - 50 }
        let y = (0..<n).map { _ in rng.next() % 7 == 0 ? 1.0 : 0.0 }
        let x = try! Matrix(rows: n, cols: p, columnMajor: storage)
        return (Design(x: x, names: ["const"] + (1..<p).map { "x\($0)" }, hasIntercept: true), y)
    }

    @Test func columnRangesEqualAPlainScan() throws {
        let (d, y) = design(rows: 1_003, cols: 5, seed: 7)
        let ranges = try LogisticRegression.columnRanges(d, y: y)
        for j in 0..<d.columnCount {
            let col = Array(d.x.column(j))
            let zeros = col.indices.filter { y[$0] == 0 }.map { col[$0] }
            let ones = col.indices.filter { y[$0] == 1 }.map { col[$0] }
            #expect(ranges[j].min0 == zeros.min() && ranges[j].max0 == zeros.max())
            #expect(ranges[j].min1 == ones.min() && ranges[j].max1 == ones.max())
        }
    }

    @Test func columnRangesNameTheFirstNonFiniteCell() throws {
        var (d, y) = design(rows: 1_003, cols: 4, seed: 9)
        d.x[1_001, 2] = .infinity   // in the scalar tail after the blocks of four
        d.x[500, 3] = .nan
        #expect(throws: FitError.nonFinite(column: "x2", row: 1_001, value: .infinity)) {
            try LogisticRegression.columnRanges(d, y: y)
        }
        y[1_001] = 1 - y[1_001]   // the class does not matter
        #expect(throws: FitError.nonFinite(column: "x2", row: 1_001, value: .infinity)) {
            try LogisticRegression.columnRanges(d, y: y)
        }
    }

    @Test func interceptOnlyValueEqualsAPass() throws {
        let (d, y) = design(rows: 2_001, cols: 3, seed: 11)
        let w = (0..<y.count).map { Double($0 % 3 + 1) }
        let ranges = try LogisticRegression.columnRanges(d, y: y)
        let start = [-1.7, 0, 0]
        var objective = LogisticObjective(x: d.x, y: y, weights: w, ridge: 0.5, penalized: [false, true, true])
        let analytic = try #require(LogisticRegression.interceptOnlyValue(d, ranges, y: y, weights: w, start: start))
        #expect(relativeError(analytic, try objective.value(at: start)) < 1e-13)
    }

    /// With unit weights the log terms of a block are one logarithm of a product: the value is a
    /// plain row-by-row sum of max(η, 0) + log1p(e^−|η|) − yη to within the sum's own rounding,
    /// also where the terms are tiny (|η| large) or near log 2; with weights it is that sum exactly.
    @Test func theValueEqualsARowByRowSum() throws {
        let (d, y) = design(rows: 5_003, cols: 4, seed: 17)
        for beta in [[-2.0, 0.01, -0.02, 0.005], [-1.0, 0.9, -0.7, 0.8], [0.0, 0, 0, 0]] {
            let eta = try d.x.multiply(beta)
            for weights in [[Double](repeating: 1, count: y.count), (0..<y.count).map { Double($0 % 3 + 1) }] {
                var objective = LogisticObjective(x: d.x, y: y, weights: weights, ridge: 0, penalized: [false, true, true, true])
                var reference = 0.0
                for i in y.indices {
                    let e = eta[i]
                    reference += weights[i] * (max(e, 0) + log1p(exp(-abs(e))) - y[i] * e)
                }
                #expect(relativeError(try objective.value(at: beta), reference) < 1e-13, "beta \(beta)")
            }
        }
    }

    @Test func valueAndDerivativesAgreeWithTheValueAndAReferenceHessian() throws {
        let (d, y) = design(rows: 1_500, cols: 4, seed: 13)
        let w = [Double](repeating: 1, count: y.count)
        let beta = [-2.0, 0.01, -0.02, 0.005]
        var objective = LogisticObjective(x: d.x, y: y, weights: w, ridge: 0, penalized: [false, true, true, true])
        let all = try objective.valueAndDerivatives(at: beta)
        #expect(all.value == (try objective.value(at: beta)))
        // Reference: H = Σ μ(1−μ) x xᵀ, g = Σ (μ − y) x, row by row.
        let p = beta.count
        var h = [Double](repeating: 0, count: p * p), g = [Double](repeating: 0, count: p)
        for i in 0..<y.count {
            let x = (0..<p).map { d.x[i, $0] }
            let mu = sigmoid(zip(x, beta).reduce(0) { $0 + $1.0 * $1.1 })
            for a in 0..<p {
                g[a] += (mu - y[i]) * x[a]
                for b in 0..<p { h[a * p + b] += mu * (1 - mu) * x[a] * x[b] }
            }
        }
        #expect(maxRelativeError(all.gradient, g) < 1e-10)
        #expect(maxRelativeError((0..<p).flatMap { a in (0..<p).map { b in all.hessian[a, b] } }, h) < 1e-10)
    }

    @Test func subsetCopiesTheRowsAndRefusesRowsOutsideTheDesign() throws {
        let (d, _) = design(rows: 10, cols: 3, seed: 3)
        let sub = try d.subset(rows: [7, 2])
        #expect(sub.rowCount == 2 && sub.names == d.names)
        #expect(sub.x[0, 1] == d.x[7, 1] && sub.x[1, 2] == d.x[2, 2])
        #expect(throws: FitError.shape("row 10 is outside the design's 10 rows")) { try d.subset(rows: [0, 10]) }
    }
}

/// `FinalHessian.beforeLastStep` (a backtest fold's fit): the same weights to the bit, one pass
/// with derivatives fewer, and a covariance from the Hessian one tiny step before the optimum.
struct FinalHessianTests {
    /// Counts the passes of each kind.
    struct Counting: NewtonObjective {
        var inner: LogisticObjective
        var full = 0, valueOnly = 0
        var parameterCount: Int { inner.parameterCount }
        mutating func value(at beta: [Double]) throws -> Double { valueOnly += 1; return try inner.value(at: beta) }
        mutating func valueAndDerivatives(at beta: [Double]) throws -> NewtonEvaluation {
            full += 1
            return try inner.valueAndDerivatives(at: beta)
        }
        mutating func valueAndGradient(at beta: [Double]) throws -> NewtonEvaluation {
            gradientOnly += 1
            return try inner.valueAndGradient(at: beta)
        }
        var gradientOnly = 0
    }

    @Test func theLastStepSkipsTheHessianNotTheOptimum() throws {
        var rng = SplitMix64(seed: 31)
        func u() -> Double { Double(rng.next() >> 11) / 9007199254740992.0 }
        let n = 5_000
        var storage = [Double](repeating: 1, count: n)
        var cols: [[Double]] = [[], []]
        for j in 0..<2 { for _ in 0..<n { cols[j].append(u() * 4 - 2) } }
        for c in cols { storage += c }
        let y = (0..<n).map { (i: Int) -> Double in
            let eta: Double = -1 + 0.7 * cols[0][i] - 0.4 * cols[1][i]
            return u() < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        let x = try Matrix(rows: n, cols: 3, columnMajor: storage)
        func run(_ final: FinalHessian) throws -> (NewtonOutcome, Counting) {
            var objective = Counting(inner: LogisticObjective(x: x, y: y, weights: Array(repeating: 1, count: n), ridge: 0,
                                                              penalized: [false, true, true]))
            let outcome = try minimizeByNewton(&objective, from: [0, 0, 0], settings: NewtonSettings(), finalHessian: final)
            return (outcome, objective)
        }
        let (exact, e) = try run(.exact)
        let (lazy, l) = try run(.beforeLastStep)
        #expect(exact.converged && lazy.converged)
        #expect(exact.beta.map(\.bitPattern) == lazy.beta.map(\.bitPattern))
        #expect(exact.value == lazy.value)
        #expect(l.full == e.full - 1 && l.valueOnly == e.valueOnly + 1)
        let a = try Cholesky(exact.hessian).inverse().diagonal, b = try Cholesky(lazy.hessian).inverse().diagonal
        #expect(maxRelativeError(b.map { $0.squareRoot() }, a.map { $0.squareRoot() }) < 1e-6)
    }
}
