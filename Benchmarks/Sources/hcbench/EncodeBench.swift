import HealthCal

/// `hcbench encode FILE`: the data path of `healthcal fit` alone, stage by stage: CSV read,
/// `Panel.make` (validation), then the encodings fitted and the design built as `healthcal fit`
/// does it (`FeatureEncoder.fitWithDesign(releasing:)`: each raw column freed once encoded),
/// with the same spec as `hcbench fit` (mean-impute, standardize, one-hot segment), and the
/// peak RSS of it all. `--keep-panel` builds the design beside the whole panel instead (the
/// backtest's situation).
enum EncodeBench {
    static func run(_ args: [String]) -> Int32 {
        guard let path = args.first else { print("usage: hcbench encode FILE"); return 2 }
        do {
            let spec = try FitBench.spec(for: path)
            let t0 = ReadBench.wallSeconds()
            // The table goes away after validation, as in `PanelLoading.load` (the panel shares
            // the columns it keeps).
            var t1 = t0, readPeak = 0
            var panel = try Panel.make(table: {
                let table = try CSVReader.read(path: path, options: PanelLoading.csvOptions(for: spec))
                t1 = ReadBench.wallSeconds()
                readPeak = ReadBench.peakRSSMiB()
                return table
            }(), spec: spec)
            let t2 = ReadBench.wallSeconds()
            let validatePeak = ReadBench.peakRSSMiB()
            let rows = Array(0..<panel.rowCount)
            let design: Design
            if args.contains("--keep-panel") {
                design = try FeatureEncoder.fitWithDesign(panel, rows: rows, spec: spec).1
            } else {
                design = try FeatureEncoder.fitWithDesign(releasing: &panel, rows: rows, spec: spec).1
            }
            let t4 = ReadBench.wallSeconds()
            print("read_s \(ReadBench.format3(t1 - t0))")
            print("validate_s \(ReadBench.format3(t2 - t1))")
            print("encode_s \(ReadBench.format3(t4 - t2))  (\(design.rowCount) x \(design.columnCount), encodings fitted and design built)")
            print("read_validate_s \(ReadBench.format3(t2 - t0))  encode_s \(ReadBench.format3(t4 - t2))  total_s \(ReadBench.format3(t4 - t0))")
            print("peak_rss_mib \(ReadBench.peakRSSMiB())  (after read \(readPeak), after validate \(validatePeak))")
            return 0
        } catch {
            print("error: \(error)")
            return 1
        }
    }
}
