import HealthCal
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `hcbench hash FILE [--repeat N]`: wall and CPU seconds of the input file's SHA-256 (the
/// weight file's `input_sha256`), read in chunks as `recalibrate` does; every run and the fastest.
enum HashBench {
    static func run(_ args: [String]) -> Int32 {
        guard let path = args.first else {
            print("usage: hcbench hash FILE [--repeat N]")
            return 2
        }
        var repeats = 5
        if let i = args.firstIndex(of: "--repeat"), i + 1 < args.count, let n = Int(args[i + 1]), n > 0 {
            repeats = n
        }
        var walls: [Double] = []
        var cpus: [Double] = []
        var digest = ""
        for _ in 0..<repeats {
            let wall = ReadBench.wallSeconds(), cpu = cpuSeconds()
            guard let hex = Fingerprint.sha256(contentsOf: path) else {
                print("cannot read \(path)")
                return 1
            }
            walls.append(ReadBench.wallSeconds() - wall)
            cpus.append(cpuSeconds() - cpu)
            digest = hex
        }
        print("sha256 \(digest)")
        print("wall_seconds \(walls.map(ReadBench.format3).joined(separator: " ")) (min \(ReadBench.format3(walls.min() ?? 0)))")
        print("cpu_seconds \(cpus.map(ReadBench.format3).joined(separator: " ")) (min \(ReadBench.format3(cpus.min() ?? 0)))")
        return 0
    }

    /// CPU seconds used by this process so far (all threads, user and system).
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
