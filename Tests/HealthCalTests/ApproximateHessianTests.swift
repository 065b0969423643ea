import Foundation
import LinearAlgebra
import Testing
import TestSupport
@testable import HealthCal

/// `minimizeByNewton` with an approximate Hessian (a backtest fold's, from `FoldStart`): steps on
/// it take value-and-gradient passes only, the run ends at the exact run's optimum, and a poor or
/// unusable approximation falls back to exact Hessians instead of failing or stalling.
struct ApproximateHessianTests {
    /// 20,000 rows, intercept and three features; y drawn from a logistic model.
    static func problem() throws -> (Matrix, [Double]) {
        var rng = SplitMix64(seed: 41)
        func u() -> Double { Double(rng.next() >> 11) / 9007199254740992.0 }
        let n = 20_000
        var cols = [[Double]](repeating: [], count: 3)
        for j in 0..<3 { for _ in 0..<n { cols[j].append(u() * 4 - 2) } }
        let y = (0..<n).map { (i: Int) -> Double in
            let eta: Double = -1.2 + 0.8 * cols[0][i] - 0.5 * cols[1][i] + 0.3 * cols[2][i]
            return u() < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        let x = try Matrix(rows: n, cols: 4, columnMajor: [Double](repeating: 1, count: n) + cols.flatMap { $0 })
        return (x, y)
    }

    typealias Counting = FinalHessianTests.Counting

    static func objective(_ x: Matrix, _ y: [Double]) -> Counting {
        Counting(inner: LogisticObjective(x: x, y: y, weights: Array(repeating: 1, count: x.rows), ridge: 0,
                                          penalized: [false, true, true, true]))
    }

    /// The exact optimum and the exact Hessian at a nearby point (the approximation a fold has).
    static func reference(_ x: Matrix, _ y: [Double]) throws -> (optimum: NewtonOutcome, start: [Double], nearby: Matrix) {
        var exact = objective(x, y)
        let optimum = try minimizeByNewton(&exact, from: [0, 0, 0, 0], settings: NewtonSettings())
        let start = optimum.beta.enumerated().map { $1 + 0.05 * Double($0 % 2 == 0 ? 1 : -1) }
        var near = objective(x, y)
        let nearby = try near.valueAndDerivatives(at: optimum.beta.map { $0 * 1.02 }).hessian
        return (optimum, start, nearby)
    }

    @Test func theGradientOnlyPassGivesTheFullPassGradient() throws {
        let (x, y) = try Self.problem()
        var o = LogisticObjective(x: x, y: y, weights: Array(repeating: 1, count: x.rows), ridge: 0.5,
                                  penalized: [false, true, true, true])
        let beta = [-1.0, 0.7, -0.4, 0.2]
        let full = try o.valueAndDerivatives(at: beta), light = try o.valueAndGradient(at: beta)
        #expect(full.value == light.value)
        #expect(full.gradient.map(\.bitPattern) == light.gradient.map(\.bitPattern))
        #expect(light.hessian.rows == 0)
    }

    @Test func stepsOnANearbyHessianEndAtTheSameOptimumWithoutFullPasses() throws {
        let (x, y) = try Self.problem()
        let (optimum, start, nearby) = try Self.reference(x, y)
        for final in [FinalHessian.beforeLastStep, .exact] {
            var o = Self.objective(x, y)
            let run = try minimizeByNewton(&o, from: start, settings: NewtonSettings(), finalHessian: final,
                                           approximateHessian: nearby)
            #expect(run.converged)
            #expect(maxRelativeError(run.beta, optimum.beta) < 1e-9, "\(final)")
            #expect(abs(run.value - optimum.value) <= 1e-12 * abs(optimum.value))
            // No Hessian on the way; `.exact` evaluates one at the optimum, for standard errors.
            #expect(o.full == (final == .exact ? 1 : 0), "\(final): \(o.full) full passes")
            #expect(o.gradientOnly >= 2)
            if final == .exact {
                let se = try Cholesky(run.hessian).inverse().diagonal, reference = try Cholesky(optimum.hessian).inverse().diagonal
                #expect(maxRelativeError(se, reference) < 1e-6)
            }
        }
    }

    @Test func aPoorApproximationFallsBackToExactHessians() throws {
        let (x, y) = try Self.problem()
        let (optimum, start, nearby) = try Self.reference(x, y)
        // A quarter of the curvature: steps overshoot and contract slowly. Not positive definite:
        // cannot be used at all. Both must still end at the optimum.
        var quarter = nearby
        for k in quarter.storage.indices { quarter.storage[k] *= 0.25 }
        var indefinite = nearby
        for k in indefinite.storage.indices { indefinite.storage[k] = -indefinite.storage[k] }
        for (name, h) in [("quarter", quarter), ("indefinite", indefinite)] {
            var o = Self.objective(x, y)
            let run = try minimizeByNewton(&o, from: start, settings: NewtonSettings(), finalHessian: .beforeLastStep,
                                           approximateHessian: h)
            #expect(run.converged, "\(name)")
            #expect(maxRelativeError(run.beta, optimum.beta) < 1e-9, "\(name)")
            #expect(o.full >= 1, "\(name): fell back to exact Hessians")
        }
    }
}
