import Foundation

/// The drift figures of a panel in PostgreSQL (`recalibrate --in-database`, `fit --in-database
/// --weights-out`): the same `DriftReference` and `DriftReport` that `DriftComputation` builds
/// in memory, from counts and order statistics, without a feature column reaching the client.
///
/// Per metric, what crosses the wire: its rows and present values per period (`Census`), the
/// order statistics its cut points read (at most 19 values per reference window), and its rows
/// per bin per period (one grouped query for every numeric metric per reference window);
/// a categorical metric's level counts per period (one GROUP BY) give its levels and its bin
/// counts. The cut points are computed from the exact order statistics by the in-memory code
/// (`StabilityReference.edges`), so they are bit-identical to the in-memory ones, and shares
/// are the same integer counts over the same count.
///
/// The score is the exception the design allows: each row's linear predictor comes back (one
/// period at a time, so the client holds a number per row), and its reference and counts are
/// computed here as in memory.
struct InDatabaseDrift {
    let conn: PostgresConnection
    let shards: ShardedPasses?
    let relation: PostgresRelation
    let spec: Spec
    let census: Census

    /// Reads the census (`Census`) of `relation`; `conn` is an aggregate session and `shards`
    /// its table's shards, both in the caller's transactions.
    init(_ conn: PostgresConnection, shards: ShardedPasses?, relation: PostgresRelation, spec: Spec) throws {
        self.conn = conn
        self.shards = shards
        self.relation = relation
        self.spec = spec
        census = try Census.read(DatabaseRows(relation: relation, spec: spec), conn, shards: shards)
    }

    /// The weight file's reference of `fit --in-database --weights-out`: every row of `keys`
    /// (the key panel), the score being `score` (per period label, "" in a snapshot).
    func reference(keys: Panel, score: [String: [Double]]) throws -> DriftReference {
        try build(window: keys.isSnapshot ? nil : keys.periodLabels, report: [], score: score).reference
    }

    /// `Recalibration.driftFigures` in the database: the weight file's reference over every row,
    /// and the drift of the scored periods `tested` (the folds' test periods) against the first
    /// fold's training window (the periods before the first scored one); no report for a
    /// snapshot or when nothing precedes the first scored period.
    func figures(keys: Panel, tested: [String], score: [String: [Double]]) throws -> (DriftReference, DriftReport?) {
        let reference = try reference(keys: keys, score: score)
        let labels = keys.periodLabels
        guard !keys.isSnapshot, let first = tested.first.flatMap({ labels.firstIndex(of: $0) }), first > 0 else {
            return (reference, nil)
        }
        let (before, variables) = try build(window: Array(labels[..<first]), report: tested.filter(labels.contains), score: score)
        return (reference, DriftReport(referencePeriods: before.periods, referenceRows: before.rows, variables: variables))
    }

    /// The reference over the periods `window` (nil: every row of a snapshot, labelled "") and
    /// each of the periods `report` against it: the score first, then the metrics in spec order.
    func build(window: [String]?, report: [String], score: [String: [Double]]) throws
        -> (reference: DriftReference, variables: [DriftVariable]) {
        let labels = window ?? [""]
        let rows = labels.reduce(0) { $0 + (census.rows[$1] ?? 0) }
        let windowScores = labels.flatMap { score[$0] ?? [] }
        guard windowScores.count == rows, report.allSatisfy({ (score[$0]?.count ?? 0) == (census.rows[$0] ?? 0) }) else {
            throw DatabaseError(.query, "\(relation): the rows changed while the drift figures were computed (\(windowScores.count) scores for \(rows) rows)")
        }
        let scoreReference = StabilityReference(numeric: windowScores)
        var variables = [DriftVariable(name: "score", kind: "score", periods: report.map { p in
            DriftCell(period: p, counts: scoreReference.counts(numeric: score[p] ?? []), reference: scoreReference)
        })]

        // Numeric metrics: cut points from the window's order statistics, then rows per bin in
        // the window and in the reported periods, in one grouped query.
        let windowRows = window.map { DatabaseRows(relation: relation, spec: spec, periods: $0) } ?? DatabaseRows(relation: relation, spec: spec)
        var edges: [String: [Double]] = [:]
        for fs in spec.features where fs.type != .categorical {
            let n = labels.reduce(0) { $0 + (census.present[fs.name]?[$1] ?? 0) }
            let positions = StabilityReference.edgePositions(count: n)
            let selected = try orderStatistics(of: Self.value(fs), count: n, at: positions, over: windowRows)
            edges[fs.name] = StabilityReference.edges(count: n) { selected[$0] ?? .nan }
        }
        let counted = window.map { labels in DatabaseRows(relation: relation, spec: spec, periods: labels + report) } ?? windowRows
        let binned = try binCounts(edges, over: counted)

        var metrics: [String: StabilityReference] = [:]
        for fs in spec.features {
            let reference: StabilityReference
            let perPeriod: (String) -> [Int]
            if fs.type == .categorical {
                let byPeriod = census.levels[fs.name] ?? [:]
                var known = Set<String>()
                for p in labels { for case let (level?, n) in byPeriod[p] ?? [:] where n > 0 { known.insert(level) } }
                let levels = known.sorted(by: scalarOrder)
                perPeriod = { p in Self.categoricalCounts(byPeriod[p] ?? [:], levels: levels) }
                reference = StabilityReference(levels: levels, counts: Self.added(labels.map(perPeriod), width: levels.count + 2))
            } else {
                let cuts = edges[fs.name] ?? []
                let byPeriod = binned[fs.name] ?? [:]
                perPeriod = { p in byPeriod[p] ?? [Int](repeating: 0, count: cuts.count + 2) }
                reference = StabilityReference(edges: cuts, counts: Self.added(labels.map(perPeriod), width: cuts.count + 2))
            }
            guard reference.rows == rows else {
                throw DatabaseError(.query, "\(relation): the rows changed while the drift figures were computed (\(reference.rows) rows of \"\(fs.name.debugEscaped)\" for \(rows))")
            }
            metrics[fs.name] = reference
            variables.append(DriftVariable(name: fs.name, kind: "metric", periods: report.map { p in
                DriftCell(period: p, counts: perPeriod(p), reference: reference)
            }))
        }
        return (DriftReference(periods: window ?? [], rows: rows, score: scoreReference, metrics: metrics), variables)
    }

    /// Each row's linear predictor under `model`, by period label ("" in a snapshot: `periods`
    /// nil), scored in the database one period at a time (`InDatabaseSegmentedFit`: each
    /// segment's own model where it has one), so the client never holds more than one period's
    /// scored rows at once besides the numbers kept.
    func linearPredictors(_ model: SegmentedFit, periods: [String]?) throws -> [String: [Double]] {
        var out: [String: [Double]] = [:]
        for label in periods ?? [""] {
            let rows = periods == nil ? DatabaseRows(relation: relation, spec: spec) : DatabaseRows(relation: relation, spec: spec, periods: [label])
            out[label] = try InDatabaseSegmentedFit.linearPredictors(rows, conn, shards: shards, model: model).map(\.linearPredictor)
        }
        return out
    }

    /// A categorical metric's rows per bin (its levels, "other", missing) from its level counts.
    static func categoricalCounts(_ countOf: [String?: Int], levels: [String]) -> [Int] {
        let known = Set(levels)
        var other = 0
        for case let (level?, n) in countOf where !known.contains(level) { other += n }
        return levels.map { countOf[$0] ?? 0 } + [other, countOf[nil] ?? 0]
    }

    /// Element-wise sums of `arrays`, each `width` long.
    static func added(_ arrays: [[Int]], width: Int) -> [Int] {
        var total = [Int](repeating: 0, count: width)
        for a in arrays { for k in 0..<min(width, a.count) { total[k] += a[k] } }
        return total
    }
}
