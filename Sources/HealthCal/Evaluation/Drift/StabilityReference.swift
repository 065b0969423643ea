/// The reference distribution of one variable (a metric or the score) for the population
/// stability index: its bins and the share of the reference window's rows in each.
///
/// Numeric values (numeric and boolean metrics, the score): decile bins of the reference
/// window. The cut points are the reference values' quantiles at 0.1, ..., 0.9 (numpy's linear
/// method), duplicates dropped, so a variable with heavy ties (a boolean, a count that is mostly
/// 0) gets fewer, wider bins rather than empty ones. Bin k holds edges[k−1] < x ≤ edges[k]
/// (a value equal to a cut point goes to the lower bin; the first bin is open below, the last
/// above). Categorical values: one bin per reference level, then one for levels the reference
/// never saw. Missing values (NaN, an empty categorical cell) always have their own last bin.
///
/// Nothing depends on the order of the rows (cut points are order statistics, levels are
/// sorted), so a database computes the same reference from counts and order statistics alone
/// (`InDatabaseDrift`), whatever order its rows come in.
public struct StabilityReference: Sendable, Codable, Equatable {
    /// Numeric: the distinct interior cut points, ascending (at most 9).
    public var edges: [Double]?
    /// Categorical: the reference levels, sorted by Unicode scalar values (as the encoder sorts
    /// levels, `scalarOrder`), not in order of first occurrence: a table read shard by shard
    /// has no row order of its own.
    public var levels: [String]?
    /// Share of reference rows per bin: the value bins, ("other" for a categorical), then missing.
    public var shares: [Double]
    /// Rows in the reference window.
    public var rows: Int

    public var binCount: Int { shares.count }

    /// Decile bins of numeric `values` (NaN = missing).
    public init(numeric values: [Double]) {
        let present = values.filter { !$0.isNaN }
        var edges: [Double] = []
        if !present.isEmpty {
            // Only the order statistics the nine quantiles read, and the maximum, are selected
            // (`QuickSelect`), not the whole column sorted: a fit computes this for every metric.
            let positions = Self.edgePositions(count: present.count)
            let selected = Dictionary(uniqueKeysWithValues: zip(positions, QuickSelect.values(present, at: positions)))
            edges = Self.edges(count: present.count) { selected[$0] ?? .nan }
        }
        self.init(edges: edges, counts: Self(edges: edges, counts: []).counts(numeric: values))
    }

    /// The numeric bins `edges` with `counts` reference rows per bin (the value bins, then missing).
    init(edges: [Double], counts: [Int]) {
        self.edges = edges
        levels = nil
        rows = counts.reduce(0, +)
        shares = Self.shares(of: counts, rows: rows)
    }

    /// One bin per level of categorical `values` (nil = missing), plus "other" and missing.
    public init(categorical values: [String?]) {
        let levels = Set(values.compactMap { $0 }).sorted(by: scalarOrder)
        self.init(levels: levels, counts: Self(levels: levels, counts: []).counts(categorical: values))
    }

    /// The categorical bins of `levels` (in `scalarOrder`) with `counts` reference rows per bin
    /// (the levels, other, missing).
    init(levels: [String], counts: [Int]) {
        self.levels = levels
        edges = nil
        rows = counts.reduce(0, +)
        shares = Self.shares(of: counts, rows: rows)
    }

    /// The 0-based positions, among `n` present values sorted ascending, of the order
    /// statistics `edges(count:_:)` reads: the neighbours of the nine quantiles, and the maximum.
    /// They depend on the count alone.
    static func edgePositions(count n: Int) -> [Int] {
        guard n > 0 else { return [] }
        var read: Set<Int> = [n - 1]
        for q in 1...9 { _ = Binning.quantileLinear(count: n, Double(q) / 10) { read.insert($0); return 0 } }
        return read.sorted()
    }

    /// The distinct interior cut points of `n` present values, `sorted(i)` the i-th smallest
    /// (called only at `edgePositions(count: n)`).
    static func edges(count n: Int, _ sorted: (Int) -> Double) -> [Double] {
        guard n > 0 else { return [] }
        var edges: [Double] = []
        for q in 1...9 {
            let e = Binning.quantileLinear(count: n, Double(q) / 10, sorted)
            if edges.last.map({ e > $0 }) ?? true { edges.append(e) }
        }
        // A cut at the maximum would leave the top bin empty by construction.
        if let last = edges.last, last >= sorted(n - 1) { edges.removeLast() }
        return edges
    }

    static func shares(of counts: [Int], rows: Int) -> [Double] {
        counts.map { rows > 0 ? Double($0) / Double(rows) : 0 }
    }

    /// Rows per bin of numeric values under these bins.
    public func counts(numeric values: [Double]) -> [Int] {
        let edges = self.edges ?? []
        var c = [Int](repeating: 0, count: edges.count + 2)
        for v in values {
            if v.isNaN { c[edges.count + 1] += 1; continue }
            // First edge ≥ v (binary search): the bin whose upper cut point it meets.
            var lo = 0, hi = edges.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if edges[mid] >= v { hi = mid } else { lo = mid + 1 }
            }
            c[lo] += 1
        }
        return c
    }

    /// Rows per bin of categorical values under these bins.
    public func counts(categorical values: [String?]) -> [Int] {
        let levels = self.levels ?? []
        var index: [String: Int] = [:]
        for (k, l) in levels.enumerated() { index[l] = k }
        var c = [Int](repeating: 0, count: levels.count + 2)
        for v in values {
            guard let v else { c[levels.count + 1] += 1; continue }
            c[index[v] ?? levels.count] += 1
        }
        return c
    }

    /// A readable label per bin: "≤ 12.5", "(12.5, 20]", "> 40"; a level; "other"; "missing".
    public var labels: [String] {
        if let levels { return levels + ["other", "missing"] }
        let e = edges ?? []
        guard !e.isEmpty else { return ["all", "missing"] }
        var out = ["<= \(formatNumber(e[0]))"]
        for k in 1..<e.count { out.append("(\(formatNumber(e[k - 1])), \(formatNumber(e[k]))]") }
        out.append("> \(formatNumber(e[e.count - 1]))")
        return out + ["missing"]
    }
}
