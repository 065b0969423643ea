import Foundation
import Testing
import TestSupport
import LinearAlgebra
@testable import HealthCal

/// Firth fits against an independent maximization of log L + ½ log det I(β) by scipy on the
/// exact penalized log-likelihood (Fixtures/make_firth_fixtures.py, output firth_reference.json).
@Suite struct LogisticFitFirthTests {
    struct Case {
        var name: String, design: Design, y: [Double], reference: [String: Any]
        func values(_ key: String) throws -> [Double] { try #require(reference[key] as? [Double]) }
        func value(_ key: String) throws -> Double { try #require(reference[key] as? Double) }
    }

    static func cases() throws -> [Case] {
        let url = try #require(Bundle.module.url(forResource: "firth_reference", withExtension: "json", subdirectory: "Fixtures"))
        let raw = try #require(try loadJSON(url)["cases"] as? [[String: Any]])
        return try raw.map { c in
            let rows = try #require(c["x"] as? [[Double]])
            let x = try Matrix(rowMajor: rows.map { [1] + $0 })
            return Case(name: try #require(c["name"] as? String),
                        design: Design(x: x, names: try #require(c["names"] as? [String]), hasIntercept: true),
                        y: try #require(c["y"] as? [Double]), reference: c)
        }
    }

    static func maxAbs(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    @Test func matchesTheExactPenalizedMaximumAndProfileIntervals() throws {
        let all = try Self.cases()
        #expect(all.count == 2)
        for c in all {
            // Plain maximum likelihood has no finite answer on these data...
            #expect(throws: FitError.self) { try LogisticRegression.fit(c.design, y: c.y) }
            // ...Firth's has.
            let fit = try LogisticRegression.fit(c.design, y: c.y, options: LogisticOptions(firth: true))
            #expect(fit.converged, "\(c.name)")
            // Coefficients within 1e-6 absolute (the issue's bar).
            #expect(Self.maxAbs(fit.coefficients, try c.values("coefficients")) < 1e-6, "\(c.name): \(fit.coefficients)")
            // The penalized log-likelihood is stationary at the maximum: 1e-10. Plain log L is not
            // (its gradient there is −½∇log det I), so the two optimizers' last digits of β move
            // it more: 1e-6.
            #expect(abs((fit.firthPenalizedLogLikelihood ?? 0) - (try c.value("penalized_log_likelihood"))) < 1e-10)
            #expect(abs(fit.logLikelihood - (try c.value("log_likelihood"))) < 1e-6, "\(fit.logLikelihood)")
            // Profile penalized-likelihood limits within 1e-4 (the issue's bar).
            #expect(Self.maxAbs(fit.lower95, try c.values("lower95")) < 1e-4, "\(c.name): \(fit.lower95)")
            #expect(Self.maxAbs(fit.upper95, try c.values("upper95")) < 1e-4, "\(c.name): \(fit.upper95)")
            // Penalized LR tests of β_j = 0 and of the model, 1e-6.
            #expect(Self.maxAbs(fit.pValues, try c.values("p_values")) < 1e-6, "\(c.name): \(fit.pValues)")
            #expect(abs(fit.likelihoodRatio - (try c.value("likelihood_ratio"))) < 1e-6)
            #expect(fit.likelihoodRatioDF == 2)
        }
    }

    @Test func frequencyWeightsEqualRepeatedRows() throws {
        // A row of weight 2 must give the fit of that row written twice: the leverage of a
        // weighted row is its copies' leverages summed. Tolerance 1e-9.
        let c = try #require(try Self.cases().first)
        var rows: [[Double]] = [], y: [Double] = [], w: [Double] = []
        for i in 0..<c.design.rowCount {
            let r = (0..<c.design.columnCount).map { c.design.x[i, $0] }
            let copies = i % 3 == 0 ? 2 : 1
            rows.append(r); y.append(c.y[i]); w.append(Double(copies))
        }
        var repeated: [[Double]] = [], yr: [Double] = []
        for (r, (yi, wi)) in zip(rows, zip(y, w)) { for _ in 0..<Int(wi) { repeated.append(r); yr.append(yi) } }
        let options = LogisticOptions(firth: true)
        let weighted = try LogisticRegression.fit(Design(x: try Matrix(rowMajor: rows), names: c.design.names, hasIntercept: true),
                                                  y: y, weights: w, options: options)
        let plain = try LogisticRegression.fit(Design(x: try Matrix(rowMajor: repeated), names: c.design.names, hasIntercept: true),
                                               y: yr, options: options)
        #expect(Self.maxAbs(weighted.coefficients, plain.coefficients) < 1e-9)
        #expect(Self.maxAbs(weighted.upper95, plain.upper95) < 1e-7)
    }

    @Test func firthWithRidgeIsAnError() throws {
        let c = try #require(try Self.cases().first)
        #expect(throws: FitError.firthWithRidge(1)) {
            try LogisticRegression.fit(c.design, y: c.y, options: LogisticOptions(ridge: 1, firth: true))
        }
        #expect(FitError.firthWithRidge(1).description.contains("cannot be combined"))
        #expect(FitError.separation(columns: ["x"], perfectlyPredictedRows: 3).description.contains("firth: true"))
        // In a spec it is a validation error naming both keys.
        let yaml = "version: 1\ndata: {id: id, outcome: churned}\nfeatures: [{name: x, type: numeric}]\nmodel: {firth: true, ridge: 1}\n"
        do {
            _ = try Spec.parse(yaml: yaml, file: "spec.yaml")
            Issue.record("firth with ridge parsed")
        } catch {
            #expect("\(error)".contains("model.firth and model.ridge"), "\(error)")
        }
        #expect(try Spec.parse(yaml: yaml.replacingOccurrences(of: "ridge: 1", with: "ridge: 0"), file: "spec.yaml").model.firth)
    }
}
