// hcbench STAGE ARGS...: times one stage of healthcal on a file, for BENCHMARKS.md.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = CommandLine.arguments
let usage = """
    usage: hcbench read FILE    read a CSV; print rows, columns, wall seconds, peak RSS
           hcbench spec FILE    print the benchmark spec (for healthcal recalibrate)
           hcbench backtest FILE  8-fold walk-forward backtest with Platt calibration
           hcbench encode FILE  read, validate and encode a gen_panel.py panel, stage by stage
           hcbench fit FILE     read, encode and fit a gen_panel.py panel; BLAS-only replay
           hcbench pull --spec S (FILE | URL --table T)  read and validate a panel from a CSV or PostgreSQL
           hcbench load --spec S FILE URL --table T [--shard-by C]  healthcal load --force, timed
    """

guard arguments.count >= 2 else {
    print(usage)
    exit(2)
}

switch arguments[1] {
case "read":
    exit(ReadBench.run(Array(arguments.dropFirst(2))))
case "gram":
    exit(GramBench.run(Array(arguments.dropFirst(2))))
case "spec":
    exit(BacktestBench.printSpec(Array(arguments.dropFirst(2))))
case "backtest":
    exit(BacktestBench.run(Array(arguments.dropFirst(2))))
case "encode":
    exit(EncodeBench.run(Array(arguments.dropFirst(2))))
case "fit":
    exit(FitBench.run(Array(arguments.dropFirst(2))))
case "pull":
    exit(PullBench.run(Array(arguments.dropFirst(2))))
case "load":
    exit(LoadBench.run(Array(arguments.dropFirst(2))))
default:
    print("unknown stage \"\(arguments[1])\"\n" + usage)
    exit(2)
}
