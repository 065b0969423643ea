import ArgumentParser
import HealthCal

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a starter spec guessed from a data file, for you to check and edit.",
        discussion: """
        Guesses the id, period, outcome and segment columns, numeric vs categorical vs
        boolean features, log1p for heavy-tailed counts and missing indicators where
        cells are missing. Lines marked CHECK say why each guess was made.

          healthcal init --data panel.csv > spec.yaml
          healthcal init --data panel.csv --out spec.yaml
        """
    )

    @OptionGroup var input: PanelSourceOptions
    @Option(help: "Write the spec here instead of standard output.") var out: String?
    @Flag(help: "Replace an existing spec file.") var force = false

    func run() throws {
        try reportingErrors {
            let table = try PanelLoading.table(try input.source(), options: CSVOptions()).table
            let yaml = SpecSuggestion.make(table: table)
            if let out {
                try OutputFile.write(yaml, to: out, overwrite: force)
                note("wrote \(out); check the lines marked CHECK, then: healthcal fit --spec \(out) \(try input.arguments())")
            } else {
                emit(yaml)
            }
        }
    }
}
