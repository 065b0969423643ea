import Foundation
import Testing
@testable import healthcal

/// `healthcal flags` end to end on a small generated panel: the three files, their shapes, and
/// help text that teaches.
@Suite struct FlagsCommandTests {
    /// 300 customers x 6 quarters, churn p = σ(−2 − 1.2 x) with x uniform in (−2, 2) per row
    /// (a fixed 64-bit LCG, so the file is the same everywhere). Customer 0's id is a formula.
    static func writePanel(to folder: URL) throws -> (data: String, spec: String) {
        var state: UInt64 = 42
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53
        }
        var csv = "customer_id,period,logins,churned\n"
        var alive = Array(repeating: true, count: 300)
        for t in 0..<6 {
            for i in 0..<300 where alive[i] {
                let x = 4 * uniform() - 2
                let churned = uniform() < 1 / (1 + exp(2 + 1.2 * x))
                let id = i == 0 ? "\"=HYPERLINK(\"\"http://x\"\")\"" : "C\(i)"
                csv += "\(id),\(2024 + t / 4)Q\(t % 4 + 1),\(20 + 5 * x),\(churned ? 1 : 0)\n"
                if churned { alive[i] = false }
            }
        }
        let spec = """
        version: 1
        data: {id: customer_id, period: period, outcome: churned}
        features:
          - {name: logins, type: numeric, group: engagement}
        flags: {persistent_periods: 2, score_drop: 10, top_features: 1}
        """
        let data = folder.appendingPathComponent("panel.csv"), specURL = folder.appendingPathComponent("spec.yaml")
        try csv.write(to: data, atomically: true, encoding: .utf8)
        try spec.write(to: specURL, atomically: true, encoding: .utf8)
        return (data.path, specURL.path)
    }

    @Test func writesFlagsBandsAndJSON() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("healthcal-flags-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (data, spec) = try Self.writePanel(to: folder)
        let out = folder.appendingPathComponent("out").path
        let command = try FlagsCommand.parse(["--spec", spec, "--data", data, "--out", out, "--format", "json"])
        try command.run()

        let flagsCSV = try String(contentsOfFile: out + "/flags.csv", encoding: .utf8)
        #expect(flagsCSV.hasPrefix("kind,customer,segment,periods,start_period,end_period,score,band,previous_score,drop,streak_length,failed_gate,trajectory,top_1_feature,top_1_contribution,top_1_value,healthiest_1_feature,healthiest_1_contribution,healthiest_1_value,subscore_engagement\n"))
        #expect(!flagsCSV.contains("\n=") && !flagsCSV.contains(",=HYPERLINK"))
        let bandsCSV = try String(contentsOfFile: out + "/bands.csv", encoding: .utf8)
        #expect(bandsCSV.hasPrefix("period,scheme,band_index,band,customers,churners,churn_rate,out_of_order\n"))
        #expect(bandsCSV.contains("\nall,default,0,requires attention,"))

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/flags.json"))) as? [String: Any]
        // No gate in this spec, so no "gate" key (nil optionals are omitted).
        #expect(Set(json?.keys.map { $0 } ?? []) == ["backtest_cuts", "bands", "flags", "notes", "options", "reference_period", "summary"])
        #expect(json?["reference_period"] as? String == "2025Q2")
        // Each scored period's backtest cut points, from the previous scored period (the first: its own).
        let cuts = json?["backtest_cuts"] as? [String: [String: Any]]
        #expect(cuts?["2025Q2"]?["from"] as? String == "2025Q1")
        let summary = json?["summary"] as? [String: Any]
        #expect(summary?["flag_counts"] is [String: Any])
        #expect(summary?["band_table"] is [Any])
    }

    /// The three files replace an earlier run's together: a folder named `bands.csv` (an owned
    /// name) is replaced by the new file, and a file of the analyst's own is kept.
    @Test func replacesItsOwnFilesWholeAndKeepsOthers() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("healthcal-flags-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (data, spec) = try Self.writePanel(to: folder)
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out.appendingPathComponent("bands.csv"), withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let r = try CLI.run(["flags", "--spec", spec, "--data", data, "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["bands.csv", "flags.csv", "flags.json", "notes.txt"])
        #expect(try String(contentsOf: out.appendingPathComponent("bands.csv"), encoding: .utf8).hasPrefix("period,scheme,"))
        #expect(try Data(contentsOf: out.appendingPathComponent("notes.txt")) == Data("mine\n".utf8))
    }

    @Test func helpTeachesWithExamples() {
        let help = FlagsCommand.helpMessage(columns: 100)
        #expect(help.contains("healthcal flags --spec spec.yaml --data panel.csv --out reports/q3"))
        #expect(help.contains("false_healthy_churner") && help.contains("persistent_at_risk") && help.contains("score_drop"))
        #expect(help.contains("OUT/flags.csv") && help.contains("OUT/bands.csv") && help.contains("OUT/flags.json"))
        #expect(Healthcal.configuration.subcommands.contains { $0 == FlagsCommand.self })
    }
}
