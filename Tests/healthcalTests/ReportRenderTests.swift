import Foundation
import Testing

/// Whether `chromium` is on the PATH.
private let chromiumIsInstalled: Bool = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/chromium") }
}()

/// The leadership report as a browser draws it: `scripts/render-check` renders the page in
/// headless Chromium (Debian's `chromium`), screenshots it, and checks that every chart in the
/// parsed DOM drew shapes, has a title and holds no NaN. `.ci/run` installs Chromium; where it
/// is not on the PATH these tests are skipped (the script would otherwise install it itself).
@Suite(.enabled(if: chromiumIsInstalled, "chromium is not installed (apt-get install chromium)"))
struct ReportRenderTests {
    /// Runs scripts/render-check on `report` (screenshot into `png`).
    static func renderCheck(_ report: URL, png: URL) throws -> CLIRun {
        try CLI.run(URL(fileURLWithPath: "/bin/bash"),
                    [CLI.root.appendingPathComponent("scripts/render-check").path, report.path, png.path])
    }

    @Test func everyChartOfTheSampleReportDraws() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The committed example's run (reports/example), with this build: champion charts included.
        let data = CLI.root.appendingPathComponent("notebooks-data")
        let run = try CLI.run(["recalibrate", "--spec", data.appendingPathComponent("spec.yaml").path,
                               "--data", data.appendingPathComponent("panel.csv").path,
                               "--scorecard", data.appendingPathComponent("cs-team-scorecard.yaml").path,
                               "--out", dir.path])
        #expect(run.status == 0, "\(run.stderr)")
        let png = dir.appendingPathComponent("report.png")
        let check = try Self.renderCheck(dir.appendingPathComponent("report.html"), png: png)
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
        // ROC, lift, reliability, band rates, band mix, coefficients, champion, flagged customers.
        let summary = check.stdout.split(separator: "\n").first { $0.hasPrefix("render-check: ") && $0.contains("svg element(s)") }
        let charts = summary.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
        #expect(charts >= 10, "\(check.stdout)")
        #expect(summary?.hasSuffix(", 0 problem(s)") == true)
        let drawn = check.stdout.split(separator: "\n").filter { $0.hasPrefix("  ok     svg ") }
        for chart in ["ROC curve", "Predicted vs observed churn", "Churn rate by band and period", "Weights with 95% intervals"] {
            #expect(drawn.contains { $0.contains("\"\(chart)") }, "\(chart) not drawn")
        }
        let size = (try FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "screenshot of \(size) bytes")
    }

    @Test func aChartThatDrewNothingFailsTheCheck() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("broken.html")
        let html = """
            <!doctype html><html><body>
            <svg role="img" aria-label="drawn" width="100" height="50"><title>drawn</title><rect width="10" height="10"/></svg>
            <svg role="img" aria-label="blank" width="100" height="50"><title>blank</title><g></g></svg>
            <svg role="img" aria-label="bad number" width="100" height="50"><title>bad</title><rect width="10" height="NaN"/><path d="M0 0 L1 1"/></svg>
            </body></html>
            """
        try Data(html.utf8).write(to: page)
        let check = try Self.renderCheck(page, png: dir.appendingPathComponent("broken.png"))
        #expect(check.status == 1)
        #expect(check.stdout.contains("ok     svg 1 \"drawn\""))
        #expect(check.stderr.contains("svg 2 \"blank\" has no drawn path/rect/circle"))
        #expect(check.stderr.contains("svg 3 \"bad number\" has NaN/Infinity in an attribute"))
        #expect(check.stdout.contains("3 svg element(s), 0 deliberately empty, 2 problem(s)"))
    }
}
