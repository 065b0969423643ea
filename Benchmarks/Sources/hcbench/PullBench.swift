import HealthCal

/// `hcbench pull --spec SPEC (FILE | URL --table NAME) [--repeat N]`: wall time of
/// `PanelLoading.load` (read, parse, validate) from a CSV file or a PostgreSQL table, the
/// fastest of N; for a table also the COPY alone (the rows streamed and dropped), which is
/// what the server and the wire cost before the parser sees a byte.
enum PullBench {
    static func run(_ args: [String]) -> Int32 {
        func value(_ flag: String) -> String? {
            args.firstIndex(of: flag).flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
        }
        guard let specPath = value("--spec"), let data = args.first(where: { !$0.hasPrefix("--") && $0 != specPath && $0 != value("--table") && $0 != value("--repeat") }) else {
            print("usage: hcbench pull --spec SPEC (FILE | URL --table NAME) [--repeat N]")
            return 2
        }
        let repeats = value("--repeat").flatMap { Int($0) } ?? 1
        do {
            let spec = try Spec.load(path: specPath)
            let source = try PanelSource(data: data, table: value("--table"), query: nil)
            var best = Double.infinity, bestCopy = Double.infinity
            var rows = 0
            for _ in 0..<max(repeats, 1) {
                if case .postgres(let url, .table(let name)) = source {
                    let conn = try PostgresConnection(url)
                    var bytes = 0
                    let start = ReadBench.wallSeconds()
                    try conn.copyOut("COPY (SELECT * FROM \(PostgresConnection.identifier(name))) TO STDOUT (FORMAT csv, HEADER)") { bytes += $0.count }
                    bestCopy = min(bestCopy, ReadBench.wallSeconds() - start)
                    _ = bytes
                }
                let start = ReadBench.wallSeconds()
                let loaded = try PanelLoading.load(source, spec: spec)
                best = min(best, ReadBench.wallSeconds() - start)
                rows = loaded.panel.rowCount
            }
            print("source \(source)")
            print("rows \(rows)")
            print("seconds \(ReadBench.format3(best))")
            if bestCopy.isFinite { print("copy_only_seconds \(ReadBench.format3(bestCopy))") }
            print("peak_rss_mib \(ReadBench.peakRSSMiB())")
            return 0
        } catch {
            print("\(error)")
            return 1
        }
    }
}

/// `hcbench load --spec SPEC FILE URL --table NAME [--shard-by COLUMN]`: wall time of
/// `PostgresTableLoad.run` (what `healthcal load --force` does).
enum LoadBench {
    static func run(_ args: [String]) -> Int32 {
        func value(_ flag: String) -> String? {
            args.firstIndex(of: flag).flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
        }
        let flagValues = Set(["--spec", "--table", "--shard-by"].compactMap(value))
        let positional = args.filter { !$0.hasPrefix("--") && !flagValues.contains($0) }
        guard let specPath = value("--spec"), let table = value("--table"), positional.count == 2 else {
            print("usage: hcbench load --spec SPEC FILE URL --table NAME [--shard-by COLUMN]")
            return 2
        }
        do {
            let spec = try Spec.load(path: specPath)
            let url = try PostgresURL(positional[1])
            let start = ReadBench.wallSeconds()
            let summary = try PostgresTableLoad.run(csv: positional[0], spec: spec, to: url,
                                                    options: .init(table: table, shardBy: value("--shard-by"), force: true))
            print("rows \(summary.rows)")
            if !summary.shardRows.isEmpty { print("shard_rows \(summary.shardRows.map(String.init).joined(separator: " "))") }
            print("seconds \(ReadBench.format3(ReadBench.wallSeconds() - start))")
            print("peak_rss_mib \(ReadBench.peakRSSMiB())")
            return 0
        } catch {
            print("\(error)")
            return 1
        }
    }
}
