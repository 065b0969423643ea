/// Reading a panel as a spec describes it: the CSV options come from `data:` (delimiter, missing
/// tokens), and the columns the spec knows to be text (id, period, segment, categorical features)
/// are read as text whatever their values look like, so an id like `00123` keeps its zeros.
public enum PanelLoading {
    public static func csvOptions(for spec: Spec) -> CSVOptions {
        var kinds: [String: ColumnKind] = [spec.data.id: .text]
        if let period = spec.data.period { kinds[period] = .text }
        if let segment = spec.data.segment { kinds[segment] = .text }
        for f in spec.features where f.type == .categorical { kinds[f.name] = .text }
        for f in spec.features where f.type == .numeric { kinds[f.name] = .numeric }
        if let weight = spec.data.weight { kinds[weight] = .numeric }
        let delimiter = spec.data.delimiter.utf8.first ?? UInt8(ascii: ",")
        return CSVOptions(delimiter: delimiter, missingTokens: spec.data.missing, columnKinds: kinds)
    }

    /// Reads `path` and builds the validated panel.
    public static func load(path: String, spec: Spec) throws(DataValidationError) -> Panel {
        let table = try CSVReader.read(path: path, options: csvOptions(for: spec))
        return try Panel.make(table: table, spec: spec)
    }
}
