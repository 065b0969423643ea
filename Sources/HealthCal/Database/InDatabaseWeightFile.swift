/// `fit --in-database --weights-out`: the in-sample weight file of a pushed-down fit, as
/// `WeightFile.makeInSample` writes it for a CSV panel. The quantile bands' cut points need the
/// reference period's in-sample probabilities: those rows are scored in the database and only
/// their scores come back; the contribution SDs are aggregate queries; the metadata (training
/// periods, rows, churn rate) comes from the key panel. The training window's drift reference
/// (every metric's bins) is not pushed down yet: the file has none.
public enum InDatabaseWeightFile {
    public static func inSample(url: PostgresURL, relation: PostgresRelation, spec: Spec, fit: SegmentedFit) throws -> WeightFile {
        let keys = try PanelLoading.load(.postgres(url, relation), spec: InDatabaseBacktest.keySpec(spec))
        let reference = try WeightFile.inSampleReference(panel: keys.panel)
        let conn = try PostgresConnection.aggregateSession(url)
        let all = DatabaseRows(relation: relation, spec: spec)
        let shards = try ShardedPasses.detect(conn, url: url, rows: all)
        let referenceRows = reference.period.map { DatabaseRows(relation: relation, spec: spec, periods: [$0]) } ?? all
        let scored = try InDatabaseSegmentedFit.linearPredictors(referenceRows, conn, shards: shards, model: fit)
        // No calibration in an in-sample weight file: the contributions use the raw weights.
        let sds = try InDatabaseRecalibration.contributionSDs(all, conn, shards: shards, encoding: fit.pooled.encoding,
                                                              weights: Array(fit.pooled.fit.coefficients.dropFirst()))
        var segmentSDs: [String: [String: Double]] = [:]
        for (name, own) in fit.segments {
            segmentSDs[name] = try InDatabaseRecalibration.contributionSDs(all.segment(name), conn, shards: shards, encoding: own.encoding,
                                                                           weights: Array(own.fit.coefficients.dropFirst()))
        }
        try shards?.commit()
        try conn.execute("COMMIT")
        let bands = try BandAssignment(options: spec.bands, referenceProbabilities: scored.map { CalibrationMap.sigmoid($0.linearPredictor) })
        return try WeightFile.make(panel: keys.panel, segmented: fit, calibration: .identity, bands: bands,
                                   inputSHA256: keys.inputSHA256 ?? "", contributionSDs: sds, segmentContributionSDs: segmentSDs)
    }
}
