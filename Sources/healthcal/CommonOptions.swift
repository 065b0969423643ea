import ArgumentParser

/// How results are printed: a table for people, JSON for programs.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format: 'table' for people, 'json' for programs.")
    var format: OutputFormat = .table
}
