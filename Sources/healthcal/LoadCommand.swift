import ArgumentParser
import HealthCal

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a panel CSV into a new PostgreSQL table, typed from the spec.",
        discussion: """
        The CSV is read and validated exactly as `fit` reads it, then copied into
        a new table in one transaction (a failure leaves nothing behind):
          healthcal load --spec notebooks-data/spec.yaml \\
              --data notebooks-data/panel.csv \\
              --to postgresql://analyst@db.internal:5432/warehouse --table churn_panel
          healthcal fit --spec notebooks-data/spec.yaml \\
              --data postgresql://analyst@db.internal:5432/warehouse \\
              --table churn_panel

        Column types come from the spec: id, period, segment and categorical
        features as text; numeric features (and the weight) as double precision,
        every bit kept; the outcome as integer 0/1; other columns as they read
        (double precision or text). Missing cells become NULL.

        --shard-by COLUMN (normally the id) on a coordinator started with
        `scripts/pg-cluster start DIR --shards N` creates a table hash-partitioned
        on that column whose partitions are foreign tables on the shards, so a
        customer's whole history stays on one shard. Each shard's rows are
        copied straight into the shard (with the coordinator's credentials) and
        committed together with the coordinator (two-phase commit). A load
        stopped between the shards' PREPARE and COMMIT PREPARED (killed, a server
        gone) is finished by the next `load --shard-by` to that coordinator, as
        the coordinator's own commit decided (a note says what it finished).

        The password: in the URL, or better in PGPASSWORD or ~/.pgpass (libpq
        reads both). It never appears in any message. An existing table is only
        replaced with --force. See docs/database.md.
        """
    )

    @Option(help: "The spec YAML (see docs/spec.md): which column is which, and so each column's SQL type.")
    var spec: String

    @Option(help: ArgumentHelp("The panel CSV to load.", valueName: "csv"))
    var data: String

    @Option(help: ArgumentHelp("The database: postgresql://USER[:PASSWORD]@HOST:PORT/DB.", valueName: "url"))
    var to: String

    @Option(help: ArgumentHelp("The table to create (NAME or SCHEMA.NAME, case-sensitive, quoted as given).", valueName: "name"))
    var table: String

    @Option(help: ArgumentHelp("Hash-partition across a pg-cluster coordinator's shards by this column (the id).", valueName: "column"))
    var shardBy: String?

    @Flag(help: "Replace the table if it exists (dropped and recreated in the same transaction).")
    var force = false

    @OptionGroup var output: FormatOption

    func run() throws {
        try reportingErrors {
            let spec = try Spec.load(path: spec)
            let url = try PostgresURL(to)
            let summary = try PostgresTableLoad.run(csv: data, spec: spec, to: url,
                                                    options: .init(table: table, shardBy: shardBy, force: force))
            for line in summary.finishedInDoubt { note("note: \(line)") }
            switch output.format {
            case .json: emit(try JSONOutput.string(summary))
            case .table:
                var line = "loaded \(summary.rows) rows, \(summary.columns) columns into table \"\(summary.table)\" at \(url)"
                if !summary.shardRows.isEmpty {
                    line += "\n  hash-partitioned by \"\(shardBy ?? "")\" over \(summary.shardRows.count) shards: "
                        + summary.shardRows.enumerated().map { "shard_\($0.offset) \($0.element) rows" }.joined(separator: ", ")
                }
                emit(line + "\n")
            }
        }
    }
}
