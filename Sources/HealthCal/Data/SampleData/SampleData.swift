/// A realistic, seeded churn panel with a known answer: the data behind `healthcal sample-data`,
/// the notebooks and the tests that check the fit recovers the weights it was generated with.
///
/// Customers in three segments carry a latent health that evolves as an AR(1) process; their
/// quarterly metrics (logins, active-user share, adoption, tickets, NPS, payment delay, executive
/// meetings, seats, plan, invoice) follow it with noise, heavy tails and a few missing cells.
/// Each quarter a customer churns with the probability of a fixed logistic model on the *encoded*
/// features of that row (`SampleModel`), and has no rows afterwards; new customers enter during
/// the history. A few planted customers break the model on purpose (docs/sample-data.md).
///
/// The same seed, customers and periods give the same bytes on every machine (`SampleRandom`).
public enum SampleData {
    /// Generates the whole panel in memory. About 80 bytes of CSV per row; for millions of
    /// rows use `write(seed:customers:periods:directory:overwrite:)`, which streams.
    public static func generate(seed: UInt64, customers: Int, periods: Int) throws(SampleDataError) -> SamplePanel {
        var csv = ""
        let summary = try simulate(seed: seed, customers: customers, periods: periods) { csv += $0 }
        return SamplePanel(csv: csv, spec: specYAML(summary), truthJSON: truthJSON(summary), summary: summary)
    }

    /// Ten million customers make a panel of several GB already; more only fills the disk (a
    /// mistyped --customers 1000000000000 ran without end).
    public static let maxCustomers = 10_000_000

    /// The column order of the panel CSV.
    public static let columns = [
        "customer_id", "period", "segment", "plan", "seats", "logins_30d", "active_user_share", "feature_adoption",
        "support_tickets", "nps", "payment_delay_days", "exec_meetings", "invoice_sent", "churned",
    ]

    /// Runs the simulation, handing the CSV on in chunks (the header, then one chunk per period)
    /// so that a writer never holds the whole file.
    static func simulate(seed: UInt64, customers: Int, periods: Int,
                         emit: (String) throws -> Void) throws(SampleDataError) -> SampleSummary {
        guard (1...maxCustomers).contains(customers) else {
            throw .invalid("customers must be between 1 and \(maxCustomers), not \(customers)")
        }
        guard (2...400).contains(periods) else { throw .invalid("periods must be between 2 and 400, not \(periods)") }
        let idWidth = max(6, String(customers).count)
        let initial = customers == 1 ? 1 : min(customers - 1, max(1, Int((Double(customers) * SampleModel.initialShare).rounded())))
        func entry(_ i: Int) -> Int {
            i < initial ? 0 : 1 + (i - initial) * (periods - 1) / (customers - initial)
        }
        var summary = SampleSummary(seed: seed, customers: customers, periods: (0..<periods).map {
            SampleModel.firstQuarter.advanced(by: $0).label
        })
        var active: [SampleCustomer] = []
        var nextCustomer = 0
        do {
            var header = CSVWriter()
            header.row(columns)
            try emit(header.text)
            for t in 0..<periods {
                while nextCustomer < customers, entry(nextCustomer) == t {
                    active.append(SampleCustomer(seed: seed, index: nextCustomer, entry: t, periods: periods))
                    nextCustomer += 1
                }
                var chunk = CSVWriter()
                var stillActive: [SampleCustomer] = []
                stillActive.reserveCapacity(active.count)
                let label = summary.periods[t]
                for var c in active {
                    let row = c.step(period: t)
                    let id = "C" + String(repeating: "0", count: max(0, idWidth - String(c.index + 1).count)) + String(c.index + 1)
                    row.appendCSV(id: id, period: label, to: &chunk)
                    summary.rows += 1
                    if row.churned {
                        summary.churnedRows += 1
                        if case .falseHealthy = c.planted { summary.plantedFalseHealthy.append((id, label)) }
                    } else {
                        stillActive.append(c)
                    }
                    if t == c.entry, case .persistentRed = c.planted { summary.plantedPersistentRed.append(id) }
                }
                active = stillActive
                try emit(chunk.text)
            }
        } catch let error as SampleDataError {
            throw error
        } catch {
            throw .io("\(error)")
        }
        summary.plantedFalseHealthy.sort { $0.id < $1.id }
        return summary
    }
}

/// A generated panel: the CSV, the spec that encodes it the way the truth is stated, and the truth.
public struct SamplePanel: Sendable {
    /// The panel, header first, "\n" line ends, rows by period and then customer id; a missing
    /// cell is empty.
    public var csv: String
    /// A spec that `Spec.parse(yaml:file:)` accepts and whose design columns are the truth's names.
    public var spec: String
    /// The true weights, the generating parameters and the planted customers.
    public var truthJSON: String
    public var summary: SampleSummary
}

/// What a generation produced, for the truth file and for tests.
public struct SampleSummary: Sendable {
    public var seed: UInt64
    public var customers: Int
    /// Period labels, chronological.
    public var periods: [String]
    public var rows = 0
    public var churnedRows = 0
    /// Healthy-looking customers that churned from an unobserved shock: (id, churn period), by id.
    public var plantedFalseHealthy: [(id: String, period: String)] = []
    /// Customers with bad metrics who never churn (a hidden sticky trait).
    public var plantedPersistentRed: [String] = []

    /// The true weights, named as the sample spec's design names its columns.
    public var trueWeights: [(name: String, weight: Double)] { SampleModel.trueWeights }

    init(seed: UInt64, customers: Int, periods: [String]) {
        self.seed = seed
        self.customers = customers
        self.periods = periods
    }
}

/// Bad arguments, or a file that could not be written.
public enum SampleDataError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)
    case io(String)

    public var description: String {
        switch self {
        case let .invalid(m): "sample-data: \(m)"
        case let .io(m): "sample-data: could not write the sample: \(m)"
        }
    }
}
