import ArgumentParser
import HealthCal

/// `--data` (a CSV file, or a PostgreSQL URL with `--table` or `--query`): one option group for
/// every command that reads a panel.
struct PanelSourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The panel: a CSV file, or postgresql://USER[:PASSWORD]@HOST:PORT/DB with --table or --query.",
        discussion: "Without a password in the URL, libpq reads PGPASSWORD and ~/.pgpass. See docs/database.md.",
        valueName: "csv-or-url"))
    var data: String

    @Option(help: ArgumentHelp("With a database --data: the table or view holding the panel (NAME or SCHEMA.NAME, case-sensitive).", valueName: "name"))
    var table: String?

    @Option(help: ArgumentHelp("With a database --data: a read-only SELECT returning the spec's columns.", valueName: "sql"))
    var query: String?

    @Flag(help: ArgumentHelp(
        "With a database --data: run where the data lives (fit, backtest, flags, recalibrate). Encodings, Newton passes and out-of-sample scores (a --champion's or --scorecard's too) are queries; only keys, sums, scores and flagged rows reach the client.",
        discussion: "See docs/scale.md for what runs in the database and what it costs."))
    var inDatabase = false

    /// The source; `pushedDown` is true for a command that runs `--in-database` (fit, backtest,
    /// flags, recalibrate: the others refuse the flag rather than ignore it).
    func source(pushedDown: Bool = false) throws -> PanelSource {
        let source = try PanelSource(data: data, table: table, query: query)
        if inDatabase {
            guard pushedDown else {
                throw CLIError(description: "--in-database is implemented for fit, backtest, flags and recalibrate; drop it to pull the rows (see docs/scale.md)", code: Exit.usage)
            }
            guard case .postgres = source else {
                throw CLIError(description: "--in-database needs a database --data (postgresql://...) with --table or --query; \(data) is a file", code: Exit.usage)
            }
        }
        return source
    }

    /// `--data ...` as a user would type it again, without any password (for hints).
    func arguments() throws -> String {
        switch try source() {
        case .csv(let path): return "--data \(path)"
        case .postgres(let url, .table(let name)): return "--data \(url) --table '\(name)'"
        case .postgres(let url, .query): return "--data \(url) --query '...'"
        }
    }
}
