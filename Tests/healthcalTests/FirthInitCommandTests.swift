import Foundation
import Testing

/// A new user's first run on a public-churn-like snapshot: `init`, then `recalibrate` with the
/// suggested spec unedited.
@Suite struct FirthInitCommandTests {
    /// A snapshot shaped like the public Telco customer-churn data: 7043 customers, contract,
    /// tenure, charges and a few yes/no columns, churn driven by contract, tenure and charges.
    /// As in the public file, the 11 customers with tenure 0 have a blank TotalCharges and none
    /// of them churned. Deterministic (a 64-bit LCG, seed fixed).
    static func telcoLike() -> String {
        var state: UInt64 = 20_021_124
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) * 0x1p-53
        }
        func pick(_ xs: [String]) -> String { xs[min(xs.count - 1, Int(uniform() * Double(xs.count)))] }
        var lines = ["customerID,gender,SeniorCitizen,Partner,Dependents,tenure,PhoneService,Contract,PaperlessBilling,PaymentMethod,MonthlyCharges,TotalCharges,Churn"]
        let n = 7043
        for i in 0..<n {
            let newCustomer = i % 640 == 17  // 11 customers with tenure 0
            let u = uniform()
            let contract = u < 0.55 ? "Month-to-month" : u < 0.76 ? "One year" : "Two year"
            let tenure = newCustomer ? 0 : 1 + Int(uniform() * 72)
            let monthly = 18 + (uniform() * 101 * 100).rounded() / 100
            let senior = uniform() < 0.16 ? 1 : 0
            let eta = -1.0 + (contract == "Month-to-month" ? 1.2 : contract == "One year" ? -0.8 : -1.8)
                - 0.04 * Double(tenure) + 0.01 * (monthly - 65) + 0.4 * Double(senior)
            let churned = !newCustomer && uniform() < 1 / (1 + exp(-eta))
            let total = newCustomer ? "" : String(format: "%.2f", monthly * Double(tenure) * (0.9 + 0.2 * uniform()))
            lines.append([String(format: "%04d-TLCO", i), pick(["Male", "Female"]), "\(senior)", pick(["Yes", "No"]),
                          pick(["Yes", "No"]), "\(tenure)", pick(["Yes", "No"]), contract, pick(["Yes", "No"]),
                          pick(["Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"]),
                          String(format: "%.2f", monthly), total, churned ? "Yes" : "No"].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func initSuggestsFirthAndRecalibrateRunsToTheEnd() throws {
        let dir = try CLI.temporaryDirectory()
        let data = dir.appendingPathComponent("telco.csv")
        try Self.telcoLike().write(to: data, atomically: true, encoding: .utf8)
        let spec = dir.appendingPathComponent("spec.yaml")
        let initRun = try CLI.run(["init", "--data", data.path, "--out", spec.path])
        #expect(initRun.status == 0, "\(initRun.stderr)")
        let yaml = try String(contentsOf: spec, encoding: .utf8)
        #expect(yaml.contains("  firth: true"), "\(yaml)")
        #expect(yaml.contains("TotalCharges missing: 11 rows, all 0 (did not churn)"), "\(yaml)")

        // What happened before: without a penalty the first fold stops, and says what to do.
        let plain = dir.appendingPathComponent("plain.yaml")
        try yaml.replacingOccurrences(of: "  firth: true", with: "  ridge: 0").write(to: plain, atomically: true, encoding: .utf8)
        let failed = try CLI.run(["recalibrate", "--spec", plain.path, "--data", data.path, "--out", dir.appendingPathComponent("failed").path])
        #expect(failed.status == 3, "\(failed.stderr)")
        #expect(failed.stderr.contains("separation") && failed.stderr.contains("firth: true"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("failed").path))

        // The suggested spec, unedited, runs to the end.
        let out = dir.appendingPathComponent("out")
        let run = try CLI.run(["recalibrate", "--spec", spec.path, "--data", data.path, "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let weights = try Data(contentsOf: out.appendingPathComponent("weights.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: weights) as? [String: Any])
        #expect(json["weights"] != nil || json["coefficients"] != nil || json.count > 3)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("report.html").path))
    }
}
