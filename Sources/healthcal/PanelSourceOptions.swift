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

    func source() throws -> PanelSource {
        try PanelSource(data: data, table: table, query: query)
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
