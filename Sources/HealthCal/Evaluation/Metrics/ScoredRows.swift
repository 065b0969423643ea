/// Scored rows (p, y, w) that have passed the metric contract (`validatedWeights`), so that a
/// report of many metrics validates its input once instead of once per metric. The metrics'
/// public functions take plain arrays and build one of these; `MetricsReport` builds one and
/// also shares the order of p between the rank metrics.
struct ScoredRows {
    let p: [Double]
    let y: [Double]
    /// The row weights; all ones when the rows are unweighted.
    let weights: [Double]
    let isWeighted: Bool

    init(p: [Double], y: [Double], w: [Double]?) throws(MetricError) {
        weights = try validatedWeights(p: p, y: y, w: w)
        self.p = p
        self.y = y
        isWeighted = w != nil
    }

    var count: Int { p.count }
}

/// Validated rows in decreasing order of p (ties in row order, `SortOrder`), with p, y and the
/// weights gathered into that order once, so that every rank metric of a report (thresholds,
/// DeLong's midranks, lift, quantile bins) reads them sequentially instead of through `order`.
struct RankedRows {
    let rows: ScoredRows
    /// The row at each rank.
    let order: [Int]
    /// p, y and the weight at each rank.
    let p: [Double]
    let y: [Double]
    let weights: [Double]

    init(_ rows: ScoredRows) {
        self.init(rows, order: SortOrder.rows(by: rows.p, descending: true))
    }

    /// With the order already computed: it must be `SortOrder.rows(by: rows.p, descending: true)`.
    init(_ rows: ScoredRows, order: [Int]) {
        self.rows = rows
        self.order = order
        p = order.map { rows.p[$0] }
        y = order.map { rows.y[$0] }
        weights = rows.isWeighted ? order.map { rows.weights[$0] } : rows.weights
    }

    private init(rows: ScoredRows, order: [Int], p: [Double], y: [Double], weights: [Double]) {
        self.rows = rows
        self.order = order
        self.p = p
        self.y = y
        self.weights = weights
    }

    /// p sorted ascending.
    var ascendingP: [Double] { p.reversed() }

    /// The rankings of groups of these rows, read off this ranking in one pass instead of a sort
    /// each. `members[g]` lists group g's rows (ascending) and `groups[g]` holds their validated
    /// rows in that order (nil: the group is skipped). Each result equals `RankedRows(groups[g])`
    /// exactly: filtering a stable order keeps the tied rows in row order, which is the order of
    /// their positions in the group.
    func split(members: [[Int]], groups: [ScoredRows?]) -> [RankedRows?] {
        var groupOf = [Int32](repeating: -1, count: order.count)
        var local = [Int32](repeating: 0, count: order.count)
        for (g, rows) in members.enumerated() where groups[g] != nil {
            for (j, i) in rows.enumerated() {
                groupOf[i] = Int32(g)
                local[i] = Int32(j)
            }
        }
        // Each group's arrays are written through a cursor into storage of its exact size: an
        // append per row to an array of arrays was most of this pass.
        let weighted = self.rows.isWeighted
        var sizes = [Int](repeating: 0, count: members.count)
        for g in groupOf where g >= 0 { sizes[Int(g)] += 1 }
        let orderBase = UnsafeMutablePointer<Int>.allocate(capacity: max(1, order.count))
        let valueBase = UnsafeMutablePointer<Double>.allocate(capacity: max(1, 3 * order.count))
        defer { orderBase.deallocate(); valueBase.deallocate() }
        var starts: [Int] = []
        var offset = 0
        for size in sizes { starts.append(offset); offset += size }
        let total = offset
        var cursor = starts
        groupOf.withUnsafeBufferPointer { gp in
            local.withUnsafeBufferPointer { lp in
                for k in order.indices {
                    let i = order[k], g = Int(gp[i])
                    guard g >= 0 else { continue }
                    let at = cursor[g]
                    cursor[g] = at + 1
                    orderBase[at] = Int(lp[i])
                    valueBase[at] = p[k]
                    valueBase[total + at] = y[k]
                    if weighted { valueBase[2 * total + at] = weights[k] }
                }
            }
        }
        func slice<T>(_ base: UnsafeMutablePointer<T>, _ g: Int) -> [T] {
            Array(UnsafeBufferPointer(start: base + starts[g], count: sizes[g]))
        }
        return groups.indices.map { g in
            groups[g].map { r in
                RankedRows(rows: r, order: slice(orderBase, g), p: slice(valueBase, g), y: slice(valueBase + total, g),
                           weights: weighted ? slice(valueBase + 2 * total, g) : r.weights)
            }
        }
    }
}
