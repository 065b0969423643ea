import ArgumentParser
import HealthCal

struct SampleDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-data",
        abstract: "Write a realistic synthetic churn panel, its spec and the true weights.",
        discussion: """
        Three segments, quarterly rows with logins, active-user share, feature
        adoption, support tickets, NPS, payment delays, executive meetings, seats and
        plan; heavy tails and missing cells; churn drawn from a known logistic model
        (truth.json), plus planted healthy-looking churners and persistently red
        customers who stay. The same seed gives the same bytes.

          healthcal sample-data --out /tmp/demo
          healthcal sample-data --seed 42 --customers 2000 --periods 10 \\
              --out notebooks-data --force

        Writes DIR/panel.csv, DIR/spec.yaml and DIR/truth.json.
        """
    )

    @Option(help: "Random seed.") var seed: UInt64 = 42
    // Unconditional: a negative count is refused by its range check, not read as a missing value.
    @Option(parsing: .unconditional, help: "Number of customers (1 to 10000000).") var customers: Int = 2000
    @Option(parsing: .unconditional, help: "Number of quarters (2 to 400).") var periods: Int = 10
    @Option(help: "Output folder.") var out: String
    @Flag(help: "Replace existing files in the folder.") var force = false

    func run() throws {
        try reportingErrors {
            let summary: SampleSummary
            do {
                summary = try SampleData.write(seed: seed, customers: customers, periods: periods, directory: out, overwrite: force)
            } catch let error as SampleDataError {
                throw CLIError(description: error.description, code: error.isInvalid ? Exit.invalidInput : Exit.outputFailed)
            }
            emit("wrote \(out)/panel.csv (\(summary.rows) rows, \(summary.customers) customers, \(summary.periods.first ?? "")–\(summary.periods.last ?? ""), \(summary.churnedRows) churned), \(out)/spec.yaml, \(out)/truth.json\n")
        }
    }
}

extension SampleDataError {
    var isInvalid: Bool { if case .invalid = self { true } else { false } }
}
