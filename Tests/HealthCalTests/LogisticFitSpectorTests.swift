import Foundation
import Testing
import TestSupport
import LinearAlgebra
@testable import HealthCal

/// The Spector & Mazzeo (1980) logit, GRADE ~ 1 + GPA + TUCE + PSI, against Stata 11 (as recorded
/// in statsmodels' test results) and statsmodels 0.15 (shared/reference/spector/expected.json).
@Suite struct LogisticFitSpectorTests {
    static func spector() throws -> (Design, [Double]) {
        let url = try #require(Bundle.module.url(forResource: "spector", withExtension: "csv", subdirectory: "Fixtures"))
        let (names, cols) = try loadNumericCSV(url)
        let n = cols[0].count
        let features = ["GPA", "TUCE", "PSI"].compactMap { names.firstIndex(of: $0) }
        var storage = [Double](repeating: 1, count: n)
        for j in features { storage += cols[j] }
        let x = try Matrix(rows: n, cols: 4, columnMajor: storage)
        let y = cols[try #require(names.firstIndex(of: "GRADE"))]
        return (Design(x: x, names: ["const", "GPA", "TUCE", "PSI"], hasIntercept: true), y)
    }

    static func expected() throws -> [String: Any] {
        let url = try #require(Bundle.module.url(forResource: "spector_expected", withExtension: "json", subdirectory: "Fixtures"))
        return try loadJSON(url)
    }

    @Test func matchesStata() throws {
        let (design, y) = try Self.spector()
        let fit = try LogisticRegression.fit(design, y: y, outcomeName: "GRADE")
        let stata = try #require(Self.expected()["stata"] as? [String: Any])
        // Stata prints the constant last: GPA, TUCE, PSI, const.
        let order = [1, 2, 3, 0]
        let params = try #require(stata["params"] as? [Double])
        let bse = try #require(stata["bse"] as? [Double])
        // Tolerance 1e-6 relative (the bar; Stata and statsmodels agree to ~1e-8).
        #expect(maxRelativeError(order.map { fit.coefficients[$0] }, params) < 1e-6)
        #expect(maxRelativeError(order.map { fit.standardErrors[$0] }, bse) < 1e-6)
        #expect(fit.converged)
    }

    @Test func matchesStatsmodelsInference() throws {
        let (design, y) = try Self.spector()
        let fit = try LogisticRegression.fit(design, y: y, outcomeName: "GRADE")
        let sm = try #require(Self.expected()["statsmodels"] as? [String: Any])
        // Coefficients, SEs, p-values: 1e-6 relative; likelihoods 1e-8 relative.
        #expect(maxRelativeError(fit.coefficients, try #require(sm["params"] as? [Double])) < 1e-6)
        #expect(maxRelativeError(fit.standardErrors, try #require(sm["bse"] as? [Double])) < 1e-6)
        #expect(maxRelativeError(fit.pValues, try #require(sm["pvalues"] as? [Double])) < 1e-6)
        #expect(relativeError(fit.logLikelihood, try #require(sm["llf"] as? Double)) < 1e-8)
        #expect(relativeError(fit.nullLogLikelihood, try #require(sm["llnull"] as? Double)) < 1e-8)
        #expect(relativeError(fit.aic, try #require(sm["aic"] as? Double)) < 1e-8)
        #expect(relativeError(fit.bic, try #require(sm["bic"] as? Double)) < 1e-8)
        #expect(relativeError(fit.mcFaddenR2, try #require(sm["prsquared"] as? Double)) < 1e-8)
        let ci = try #require(sm["conf_int_95"] as? [[Double]])
        #expect(maxRelativeError(fit.lower95, ci.map { $0[0] }) < 1e-6)
        #expect(maxRelativeError(fit.upper95, ci.map { $0[1] }) < 1e-6)
        // LR test: statsmodels' llr = 15.40419094900557 on 3 df, llr_pvalue 0.0015018786820365827
        // (statsmodels 0.15 `Logit(...).fit().llr_pvalue` on the same data).
        #expect(relativeError(fit.likelihoodRatio, 2 * (-12.889634222131415 + 20.591729696634204)) < 1e-8)
        #expect(fit.likelihoodRatioDF == 3)
        #expect(abs(fit.likelihoodRatioPValue - 0.0015018786820365827) < 1e-9)
        #expect(fit.deviance == -2 * fit.logLikelihood)
    }

    @Test func frequencyWeightsEqualDuplicatedRows() throws {
        // Doubling every row's weight equals fitting each row twice: same coefficients, SEs / √2.
        let (design, y) = try Self.spector()
        let once = try LogisticRegression.fit(design, y: y)
        let twice = try LogisticRegression.fit(design, y: y, weights: Array(repeating: 2, count: y.count))
        #expect(maxRelativeError(twice.coefficients, once.coefficients) < 1e-9)
        #expect(maxRelativeError(twice.standardErrors.map { $0 * 2.0.squareRoot() }, once.standardErrors) < 1e-9)
        #expect(relativeError(twice.logLikelihood, 2 * once.logLikelihood) < 1e-12)
        #expect(twice.observations == 64)
    }

    @Test func warmStartReachesTheSameOptimumInFewerIterations() throws {
        let (design, y) = try Self.spector()
        let cold = try LogisticRegression.fit(design, y: y)
        let near = cold.coefficients.map { $0 * 1.05 }
        let warm = try LogisticRegression.fit(design, y: y, start: near)
        // Same optimum to 1e-9 relative; Newton from 5% off needs fewer steps than from the base rate.
        #expect(maxRelativeError(warm.coefficients, cold.coefficients) < 1e-9)
        #expect(warm.iterations < cold.iterations)
        // A useless start (worse than the intercept-only one) is ignored.
        let bad = try LogisticRegression.fit(design, y: y, start: [50, -50, 50, -50])
        #expect(maxRelativeError(bad.coefficients, cold.coefficients) < 1e-9)
    }

    @Test func subsampleStartLeadsToTheSameOptimum() throws {
        // 20,000 seeded rows, 3 features; the subsample start is taken from every 10th row.
        var rng = SplitMix64(seed: 5)
        func u() -> Double { Double(rng.next() >> 11) / 9007199254740992.0 }
        let n = 20_000
        var storage = [Double](repeating: 1, count: n)
        var cols: [[Double]] = [[], [], []]
        for j in 0..<3 { for _ in 0..<n { cols[j].append(u() * 4 - 2) } }
        for c in cols { storage += c }
        let y = (0..<n).map { i -> Double in
            let eta = -1 + 0.8 * cols[0][i] - 0.5 * cols[1][i] + 0.1 * cols[2][i]
            return u() < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        let design = Design(x: try Matrix(rows: n, cols: 4, columnMajor: storage), names: ["const", "a", "b", "c"], hasIntercept: true)
        let start = try #require(LogisticRegression.subsampleStart(design, y: y, weights: Array(repeating: 1, count: n),
                                                                   options: LogisticOptions(), threshold: 1000, target: 2000))
        let cold = try LogisticRegression.fit(design, y: y)
        let warm = try LogisticRegression.fit(design, y: y, start: start)
        // The subsample's weights are close (within a few standard errors), and both fits end at
        // the same optimum to 1e-9 relative, the warm one in fewer iterations.
        #expect(maxAbsoluteError(start, cold.coefficients) < 0.3)
        #expect(maxRelativeError(warm.coefficients, cold.coefficients) < 1e-9)
        #expect(warm.iterations < cold.iterations)
    }
}
