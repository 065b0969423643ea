import HealthCal
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `hcbench read FILE [--threads N]`: wall time of `CSVReader.read` and the process's peak RSS.
enum ReadBench {
    static func run(_ args: [String]) -> Int32 {
        guard let path = args.first else {
            print("usage: hcbench read FILE [--threads N]")
            return 2
        }
        var options = CSVOptions()
        if let i = args.firstIndex(of: "--threads"), i + 1 < args.count, let n = Int(args[i + 1]) {
            options.threads = n
        }
        let start = wallSeconds()
        do {
            let table = try CSVReader.read(path: path, options: options)
            let seconds = wallSeconds() - start
            let numeric = table.columns.filter { if case .numeric = $0 { true } else { false } }.count
            print("rows \(table.rowCount)")
            print("columns \(table.names.count) (numeric \(numeric), text \(table.names.count - numeric))")
            print("threads \(options.threads)")
            print("seconds \(String(format3(seconds)))")
            print("peak_rss_mib \(peakRSSMiB())")
            if let f = fopen("/proc/self/smaps_rollup", "r") {
                var line = [CChar](repeating: 0, count: 256)
                while fgets(&line, 256, f) != nil {
                    let s = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    if s.hasPrefix("AnonHuge") || s.hasPrefix("Rss") { print(s, terminator: "") }
                }
                fclose(f)
            }
            withExtendedLifetime(table) {}
            return 0
        } catch {
            print(error.description)
            return 1
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
