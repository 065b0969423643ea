import HealthCal
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `hcbench read FILE [--threads N] [--repeat N] [--sums]`: wall time of `CSVReader.read` (the
/// fastest of N reads) and the process's peak RSS; `--sums` also prints each numeric column's sum and missing count, and each text
/// column's level count, to compare with pandas.
enum ReadBench {
    static func run(_ args: [String]) -> Int32 {
        guard let path = args.first else {
            print("usage: hcbench read FILE [--threads N] [--repeat N] [--sums]")
            return 2
        }
        var options = CSVOptions()
        if let i = args.firstIndex(of: "--threads"), i + 1 < args.count, let n = Int(args[i + 1]) {
            options.threads = n
        }
        var repeats = 1
        if let i = args.firstIndex(of: "--repeat"), i + 1 < args.count, let n = Int(args[i + 1]), n > 0 {
            repeats = n
        }
        do {
            // With --repeat N the file is read N times and the fastest read is reported: on a
            // shared machine the minimum is the steadiest figure for comparing two builds.
            var seconds = Double.infinity
            var times: [String] = []
            for _ in 1..<repeats {
                let start = wallSeconds()
                _ = try CSVReader.read(path: path, options: options)
                let t = wallSeconds() - start
                times.append(format3(t))
                seconds = min(seconds, t)
            }
            let start = wallSeconds()
            let table = try CSVReader.read(path: path, options: options)
            seconds = min(seconds, wallSeconds() - start)
            if repeats > 1 { print("times \(times.joined(separator: " ")) \(format3(wallSeconds() - start))") }
            let numeric = table.columns.filter { if case .numeric = $0 { true } else { false } }.count
            print("rows \(table.rowCount)")
            print("columns \(table.names.count) (numeric \(numeric), text \(table.names.count - numeric))")
            print("threads \(options.threads)")
            print("seconds \(format3(seconds))")
            print("peak_rss_mib \(peakRSSMiB())")
            if args.contains("--sums") { printSums(table) }
            return 0
        } catch {
            print(error.description)
            return 1
        }
    }

    static func printSums(_ table: Table) {
        for (name, column) in zip(table.names, table.columns) {
            switch column {
            case .numeric(let values):
                let present = values.filter { !$0.isNaN }
                print("sum \(name) \(present.reduce(0, +)) missing \(values.count - present.count)")
            case .text(let text):
                print("levels \(name) \(text.levels.count) missing \(text.codes.filter { $0 < 0 }.count)")
            }
        }
    }

    static func wallSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Peak resident set of this process in MiB (Linux reports ru_maxrss in KiB).
    static func peakRSSMiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) / 1024
    }

    static func format3(_ x: Double) -> String {
        let ms = Int((x * 1000).rounded())
        let frac = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }
}
