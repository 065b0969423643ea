import Foundation
import Testing

/// End-to-end: the built binary on committed fixtures; exit codes, messages, output shape.
@Suite struct FitCommandTests {
    let spector = "Tests/HealthCalTests/Fixtures/spector.csv"

    @Test func quickPathPrintsTheCoefficientTable() throws {
        let r = try CLI.run(["fit", "--data", spector, "--outcome", "GRADE"])
        #expect(r.status == 0)
        // Stata / statsmodels: GPA 2.8261 (SE 1.2629), const -13.0213; LL -12.8896.
        #expect(r.stdout.contains("GPA              2.8261     1.2629"))
        #expect(r.stdout.contains("const          -13.0213"))
        #expect(r.stdout.contains("Log-likelihood:           -12.8896"))
    }

    @Test func jsonCarriesEveryFigure() throws {
        let r = try CLI.run(["fit", "--data", spector, "--outcome", "GRADE", "--format", "json"])
        #expect(r.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let fit = try #require(json["fit"] as? [String: Any])
        for key in ["names", "coefficients", "standard_errors", "z_values", "p_values", "lower_95", "upper_95",
                    "odds_ratios", "log_likelihood", "null_log_likelihood", "deviance", "aic", "bic", "mcfadden_r2",
                    "likelihood_ratio", "likelihood_ratio_p_value", "iterations", "converged"] {
            #expect(fit[key] != nil, "missing \(key)")
        }
        let ll = try #require(fit["log_likelihood"] as? Double)
        #expect(abs(ll - -12.889634222131415) < 1e-8)
    }

    @Test func unknownOutcomeColumnExitsTwoAndSuggests() throws {
        let r = try CLI.run(["fit", "--data", spector, "--outcome", "GRAD"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("did you mean \"GRADE\"?"))
        #expect(r.stdout.isEmpty)
    }

    @Test func separationExitsThreeAndNamesTheColumn() throws {
        let dir = try CLI.temporaryDirectory()
        let csv = dir.appendingPathComponent("sep.csv")
        try "x,z,y\n1,0.3,0\n2,0.1,0\n3,0.7,0\n4,0.2,1\n5,0.9,1\n6,0.4,1\n".write(to: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["fit", "--data", csv.path, "--outcome", "y"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("separation: 'x' predicts the outcome exactly"))
        let ridge = try CLI.run(["fit", "--data", csv.path, "--outcome", "y", "--ridge", "1"])
        #expect(ridge.status == 0)
    }

    @Test func textInANumericColumnNamesLineColumnAndValue() throws {
        let dir = try CLI.temporaryDirectory()
        let csv = dir.appendingPathComponent("bad.csv")
        var text = "a,b,y\n"
        for i in 0..<1200 { text += "\(i % 7),\(i % 5),\(i % 2)\n" }
        text += "3,oops,1\n"
        try text.write(to: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["fit", "--data", csv.path, "--outcome", "y"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.csv:1202:2"))
        #expect(r.stderr.contains("\"oops\""))
    }

    @Test func helpTeaches() throws {
        let r = try CLI.run(["fit", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("LogisticRegression(C = 1/λ)"))
        #expect(r.stdout.contains("healthcal fit --spec notebooks-data/spec.yaml --data notebooks-data/panel.csv"))
    }
}
