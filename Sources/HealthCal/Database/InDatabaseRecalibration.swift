import Foundation

/// `recalibrate --in-database`: the pushed-down backtest with the final fit on every row
/// (`InDatabaseBacktest.run(fitFinal:)`), then the weight file's contribution SDs and the drift
/// figures (`InDatabaseDrift`) computed by aggregate queries. `Recalibration.run` does the rest
/// (calibration folding, bands, flags, exports, report) as for a CSV panel, on the key panel.
public enum InDatabaseRecalibration {
    public struct Outcome: Sendable {
        public var backtest: InDatabaseBacktest.Outcome
        /// The final fit (with the segments' own models when the spec asks for them).
        public var final: SegmentedFit
        /// Per feature, the population SD of its contribution with the final (calibration-folded)
        /// weights, over every row; and per segment with its own model, over the segment's rows.
        public var contributionSDs: [String: Double]
        public var segmentContributionSDs: [String: [String: Double]]
        /// The weight file's drift reference (every row) and the scored periods' drift against
        /// the first fold's training window (`InDatabaseDrift`, as `Recalibration.driftFigures`).
        public var driftReference: DriftReference
        public var drift: DriftReport?
    }

    public static func run(url: PostgresURL, relation: PostgresRelation, spec: Spec, ridge: Double? = nil,
                           progress: (@Sendable (String) -> Void)? = nil) throws -> Outcome {
        let backtest = try InDatabaseBacktest.run(url: url, relation: relation, spec: spec, ridge: ridge, fitFinal: true, progress: progress)
        guard let final = backtest.final else { throw FitError.numerical("the final fit did not run") }
        let calibration = backtest.run.finalCalibration
        func folded(_ fit: SpecFit) throws -> [Double] {
            guard calibration.isFoldable else { return Array(fit.fit.coefficients.dropFirst()) }
            return try calibration.folded(intercept: fit.fit.coefficients[0], weights: Array(fit.fit.coefficients.dropFirst())).weights
        }
        let conn = try PostgresConnection.aggregateSession(url)
        let all = DatabaseRows(relation: relation, spec: spec)
        let shards = try ShardedPasses.detect(conn, url: url, rows: all)
        let sds = try contributionSDs(all, conn, shards: shards, encoding: final.pooled.encoding, weights: folded(final.pooled))
        var segmentSDs: [String: [String: Double]] = [:]
        for (name, fit) in final.segments {
            segmentSDs[name] = try contributionSDs(all.segment(name), conn, shards: shards, encoding: fit.encoding, weights: folded(fit))
        }
        // Drift: the final model's calibrated probability on every row (one number per row comes
        // back), the metrics' bins and counts from aggregates.
        progress?("drift figures (in the database)")
        let keys = backtest.keys.panel
        let drift = try InDatabaseDrift(conn, shards: shards, relation: relation, spec: spec)
        let score = try drift.linearPredictors(final, periods: keys.isSnapshot ? nil : keys.periodLabels)
            .mapValues { calibration.apply(logits: $0) }
        let (driftReference, driftReport) = try drift.figures(keys: keys, tested: backtest.run.folds.map(\.test), score: score)
        try shards?.commit()
        try conn.execute("COMMIT")
        return Outcome(backtest: backtest, final: final, contributionSDs: sds, segmentContributionSDs: segmentSDs,
                       driftReference: driftReference, drift: driftReport)
    }

    /// `WeightFile.contributionSDs` in the database: for each feature, c = Σⱼ wⱼ xⱼ over its
    /// design columns, and its population SD over `rows` in two passes (the means, then the
    /// squared deviations about them, as `populationSD` computes it). `weights` are aligned with
    /// the design columns after "const", bound as parameters. On a sharded table each pass runs
    /// on every shard and only the partial sums come back (`ShardedPasses`).
    static func contributionSDs(_ rows: DatabaseRows, _ conn: PostgresConnection, shards: ShardedPasses? = nil,
                                encoding: FittedEncoding, weights: [Double]) throws -> [String: Double] {
        let columns = encoding.features.flatMap(SQLEncoding.columns)
        guard weights.count == columns.count else {
            throw FitError.shape("\(weights.count) weights for \(columns.count) design columns")
        }
        let k = encoding.features.count
        let bound = weights.map { exactNumber($0) }
        // One float8 array per pass, count(*) first twice (`ShardedPasses.sum` skips a shard
        // whose element 1 is 0), then a sum per feature; the means follow the weights as parameters.
        func query(_ rows: DatabaseRows, _ term: (Int) -> String) -> String {
            let design = InDatabaseObjective(conn: conn, rows: rows, columns: columns, ridge: 0,
                                             penalized: Array(repeating: false, count: columns.count + 1)).designRows
            var contributions: [String] = []
            var j = 1
            for f in encoding.features {
                let terms = (j..<(j + f.width)).map { "\(rows.parameter($0 - 1))::double precision * \"hc_x\($0)\"" }
                contributions.append("(\(terms.isEmpty ? "0.0" : terms.joined(separator: " + "))) AS \"hc_c\(contributions.count)\"")
                j += f.width
            }
            let fenced = "SELECT \(contributions.joined(separator: ", ")) FROM (\(design)) AS \"hc_d\" OFFSET 0"
            let sums = ["count(*)", "count(*)"] + (0..<k).map { "sum(\(term($0)))" }
            return "SELECT ARRAY[\(sums.joined(separator: ", "))]::double precision[] FROM (\(fenced)) AS \"hc_f\""
        }
        func run(_ term: @escaping (DatabaseRows, Int) -> String, extra: [String?]) throws -> [Double] {
            if let shards { return try shards.sum({ r in query(r) { term(r, $0) } }, extra: extra) }
            let got = try conn.query(query(rows) { term(rows, $0) }, rows.parameters + extra)
            return InDatabaseObjective.elements((got.first?.first ?? nil) ?? "{}")
        }
        let sums = try run({ _, m in "\"hc_c\(m)\"" }, extra: bound)
        guard sums.count == k + 2, sums[0] > 0 else { return Dictionary(uniqueKeysWithValues: encoding.features.map { ($0.name, 0.0) }) }
        let n = sums[0]
        let means = (0..<k).map { sums[$0 + 2] / n }
        let squares = try run({ r, m in
            let mean = "\(r.parameter(weights.count + m))::double precision"
            return "(\"hc_c\(m)\" - \(mean)) * (\"hc_c\(m)\" - \(mean))"
        }, extra: bound + means.map { exactNumber($0) })
        var out: [String: Double] = [:]
        for (m, f) in encoding.features.enumerated() where m + 2 < squares.count {
            out[f.name] = (squares[m + 2] / n).squareRoot()
        }
        return out
    }
}
