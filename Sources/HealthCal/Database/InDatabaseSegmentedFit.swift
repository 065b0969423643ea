/// `SegmentedFit.run` in the database (`model.per_segment` with `--in-database`): the pooled
/// fit on the rows, then one fit per segment predicate for each segment that may have its own
/// model, with the in-memory rules (`SegmentedFit.tooSmall`, `SegmentedFit.fitted`): a segment
/// too small, or whose fit fails, falls back to the pooled model. A database error is not a
/// segment's failure: it ends the run (the transaction is gone).
public enum InDatabaseSegmentedFit {
    public struct Outcome: Sendable {
        public var fit: SegmentedFit
        /// Every fit's passes together, and the pooled fit's rows.
        public var cost: InDatabaseFit.Outcome
    }

    /// `fit --in-database`: the pooled fit of `relation` and, with `model.per_segment`, the
    /// segments' own. `ridge` overrides the spec's `model.ridge`.
    public static func run(url: PostgresURL, relation: PostgresRelation, spec: Spec, ridge: Double? = nil) throws -> Outcome {
        try InDatabaseBacktest.checkPushedDown(spec)
        let conn = try PostgresConnection.aggregateSession(url)
        _ = try PostgresPanelReader.selectList(conn, relation: relation, spec: spec)
        let rows = DatabaseRows(relation: relation, spec: spec)
        let shards = try ShardedPasses.detect(conn, url: url, rows: rows)
        let outcome = try run(rows, conn, ridge: ridge ?? spec.model.ridge, shards: shards)
        try shards?.commit()
        try conn.execute("COMMIT")
        return outcome
    }

    static func run(_ rows: DatabaseRows, _ conn: PostgresConnection, ridge: Double, shards: ShardedPasses?,
                    previous: InDatabaseFit.Previous? = nil, finalHessian: FinalHessian = .exact) throws -> Outcome {
        var cost = try InDatabaseFit.run(rows, conn, ridge: ridge, shards: shards?.on(rows), previous: previous, finalHessian: finalHessian)
        let pooled = cost.fit
        let spec = rows.spec
        guard spec.model.perSegment, let column = spec.data.segment else { return Outcome(fit: SegmentedFit(pooled: pooled), cost: cost) }
        // Each segment's rows and (weighted) class sums, as SegmentedFit counts them.
        let counts = try StatisticQueries(conn: conn, shards: shards?.on(rows)).groups(
            rows, key: "CAST(\(SQLEncoding.identifier(column)) AS TEXT)",
            sums: ["count(*)", "sum(CASE WHEN \(rows.outcome) = 1 THEN \(rows.weight) ELSE 0.0 END)",
                   "sum(CASE WHEN \(rows.outcome) = 0 THEN \(rows.weight) ELSE 0.0 END)"])
        var segments: [String: SpecFit] = [:], fallbacks: [String: String] = [:]
        for row in counts where row.sums.count == 3 {
            guard let name = row.key else { continue }
            let n = Int(row.sums[0]), churners = row.sums[1], stayers = row.sums[2]
            if let why = SegmentedFit.tooSmall(rows: n, churners: churners, stayers: stayers, weighted: spec.data.weight != nil, model: spec.model) {
                fallbacks[name] = why
                continue
            }
            let segmentRows = rows.segment(name)
            var lost: DatabaseError? = nil
            let result = SegmentedFit.fitted {
                do {
                    let own = try InDatabaseFit.run(segmentRows, conn, ridge: ridge, shards: shards?.on(segmentRows))
                    cost.valuePasses += own.valuePasses
                    cost.gradientPasses += own.gradientPasses
                    cost.hessianPasses += own.hessianPasses
                    cost.passSeconds += own.passSeconds
                    cost.statisticsSeconds += own.statisticsSeconds
                    return own.fit
                } catch let error as DatabaseError {
                    lost = error
                    throw error
                }
            }
            if let lost { throw lost }
            switch result {
            case .success(let fit): segments[name] = fit
            case .failure(let why): fallbacks[name] = why.description
            }
        }
        return Outcome(fit: SegmentedFit(pooled: pooled, segments: segments, fallbacks: fallbacks), cost: cost)
    }

    /// The linear predictors of `rows`, each row by its segment's own model, else the pooled
    /// one (one scoring query per model); on a sharded table each shard scores its own rows.
    static func linearPredictors(_ rows: DatabaseRows, _ conn: PostgresConnection, shards: ShardedPasses?,
                                 model: SegmentedFit) throws -> [InDatabaseScoring.ScoredRow] {
        func score(_ rows: DatabaseRows, _ fit: SpecFit) throws -> [InDatabaseScoring.ScoredRow] {
            if let shards { return try shards.on(rows).parts.flatMap { try InDatabaseScoring.linearPredictors($0.rows, $0.conn, model: fit) } }
            return try InDatabaseScoring.linearPredictors(rows, conn, model: fit)
        }
        let own = model.segments.keys.sorted()
        var out = try score(rows.excludingSegments(own), model.pooled)
        for name in own {
            guard let fit = model.segments[name] else { continue }
            out += try score(rows.segment(name), fit)
        }
        return out
    }
}
