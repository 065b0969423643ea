import HealthCal
import LinearAlgebra
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `hcbench fit FILE`: the stages of `healthcal fit` on a gen_panel.py panel, with the same
/// preparation as shared/bench/py_pipeline.py (mean-impute, standardize, one-hot segment), and
/// a replay of only the BLAS/LAPACK calls the fit made, to show how much of the fit they are.
enum FitBench {
    static func spec(for path: String) throws -> Spec {
        try Spec.parse(yaml: try specYAML(for: path), file: "<bench spec>")
    }

    /// The spec that mirrors py_pipeline.py: every metric mean-imputed and standardized, segment
    /// one-hot, walk-forward over the last 8 periods trained on all earlier ones, Platt calibration.
    static func specYAML(for path: String) throws -> String {
        let table = try CSVReader.read(bytes: Array(headerLine(path).utf8), source: path)
        let features = table.names.filter { !["customer_id", "period", "segment", "churned"].contains($0) }
        var yaml = """
        version: 1
        data: {id: customer_id, period: period, outcome: churned}
        features:
          - {name: segment, type: categorical, min_count: 1}

        """
        for f in features { yaml += "  - {name: \(f), type: numeric, impute: mean, missing_indicator: false}\n" }
        yaml += "backtest: {horizon: 1, min_train_periods: 4, test_periods: 8}\ncalibration: {method: platt}\n"
        return yaml
    }

    static func headerLine(_ path: String) -> String {
        guard let f = fopen(path, "r") else { return "" }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var cap = 0
        guard getline(&line, &cap, f) > 0, let line else { return "" }
        defer { free(line) }
        return String(cString: line)
    }

    static func run(_ args: [String]) -> Int32 {
        guard let path = args.first else { print("usage: hcbench fit FILE"); return 2 }
        do {
            let spec = try spec(for: path)
            var t = ReadBench.wallSeconds()
            var panel = try PanelLoading.load(path: path, spec: spec)
            print("read_and_validate_s \(ReadBench.format3(ReadBench.wallSeconds() - t))")
            t = ReadBench.wallSeconds()
            let rows = Array(0..<panel.rowCount)
            // As `healthcal fit` does it (SpecFit): encodings fitted and the design built together,
            // each raw column freed once encoded.
            let (_, design) = try FeatureEncoder.fitWithDesign(releasing: &panel, rows: rows, spec: spec)
            print("encode_s \(ReadBench.format3(ReadBench.wallSeconds() - t))  (\(design.rowCount) x \(design.columnCount))")
            t = ReadBench.wallSeconds()
            let fit = try LogisticRegression.fit(design, y: rows.map { panel.outcome[$0] })
            let fitSeconds = ReadBench.wallSeconds() - t
            print("fit_s \(ReadBench.format3(fitSeconds))  iterations \(fit.iterations)  converged \(fit.converged)")
            // The BLAS/LAPACK work alone, split over the cores in the same row chunks and blocks
            // as the fit, for as many passes: each evaluation makes one pass, which per block of
            // rows calls dgemv for η, dsyrk and dgemvᵀ for the Hessian and gradient, then one
            // Cholesky solve. The full design gets a pass at the start and one per Newton
            // iteration; so does the 100k-row subsample the cold fit starts from (its
            // iteration count is taken from fitting it again here, outside the timing).
            let n = design.rowCount, y = rows.map { panel.outcome[$0] }
            let subRows = LogisticRegression.subsampleRowIndices(count: n)
            let sub = try design.subset(rows: subRows)
            let subFit = try LogisticRegression.fit(
                sub, y: subRows.map { y[$0] },
                options: LogisticRegression.subsampleOptions(LogisticOptions(), rows: subRows.count, of: n))
            t = ReadBench.wallSeconds()
            try replay(sub.x, beta: subFit.coefficients, passes: subFit.iterations + 1)
            try replay(design.x, beta: fit.coefficients, passes: fit.iterations + 1)
            let blasSeconds = ReadBench.wallSeconds() - t
            print("blas_lapack_only_s \(ReadBench.format3(blasSeconds))  (\(fit.iterations + 1) passes over the design, \(subFit.iterations + 1) over the \(subRows.count)-row subsample)  fit/blas ratio \(ReadBench.format3(fitSeconds / blasSeconds))")
            print("peak_rss_mib \(ReadBench.peakRSSMiB())")
            return 0
        } catch {
            print("error: \(error)")
            return 1
        }
    }
}

extension FitBench {
    /// `passes` evaluations' worth of BLAS/LAPACK calls on `x`, as the fit makes them.
    static func replay(_ x: Matrix, beta: [Double], passes: Int) throws {
        let n = x.rows, p = x.cols, bs = 512
        var eta = [Double](repeating: 0, count: n)
        let w = [Double](repeating: 0.2, count: bs)
        for _ in 0..<passes {
            let parts = Parts(count: Parallel.chunkCount(n))
            eta.withUnsafeMutableBufferPointer { ep in
                let out = SharedBuffer(ep.baseAddress!)
                Parallel.forEachChunk(of: 0..<n) { k, rows in
                    var acc = WeightedGramAccumulator(cols: p, blockRows: bs)
                    var lo = rows.lowerBound
                    while lo < rows.upperBound {
                        let block = lo..<min(lo + bs, rows.upperBound)
                        x.multiplyRows(block, beta, into: out.base)
                        try? acc.add(x, rows: block, weights: w, vector: w, offset: block.lowerBound)
                        lo = block.upperBound
                    }
                    parts.values[k] = acc
                }
            }
            var total = WeightedGramAccumulator(cols: p)
            for part in parts.values { if let part { try total.merge(part) } }
            var h = total.symmetricGram
            for j in 0..<p { h[j, j] += 1 }
            _ = try Cholesky(h).solve(total.vector)
        }
    }
}

final class Parts: @unchecked Sendable {
    var values: [WeightedGramAccumulator?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
}
