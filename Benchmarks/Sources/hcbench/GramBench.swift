import LinearAlgebra
import CLapack

/// `hcbench gram ROWS COLS`: X'WX by blocked dsyrk at several block sizes and thread counts.
enum GramBench {
    static func run(_ args: [String]) -> Int32 {
        let n = Int(args.first ?? "") ?? 1_000_000, p = Int(args.dropFirst().first ?? "") ?? 33
        var x = Matrix(rows: n, cols: p)
        for k in x.storage.indices { x.storage[k] = Double((k &* 2654435761) % 1000) / 1000 }
        let w = [Double](repeating: 0.2, count: n)
        for threads in [1, 2] {
            openblas_set_num_threads(Int32(threads))
            for bs in [256, 1024, 4096, 16384] {
                let t = ReadBench.wallSeconds()
                for _ in 0..<3 {
                    var acc = WeightedGramAccumulator(cols: p, blockRows: bs)
                    try? acc.add(x, rows: 0..<n, weights: w, vector: w)
                }
                print("threads \(threads) block \(bs): \(ReadBench.format3((ReadBench.wallSeconds() - t) / 3)) s")
            }
        }
        return 0
    }
}
