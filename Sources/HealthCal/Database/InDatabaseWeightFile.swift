/// `fit --in-database --weights-out`: the in-sample weight file of a pushed-down fit, as
/// `WeightFile.makeInSample` writes it for a CSV panel. Every row is scored in the database, one
/// period at a time, and only its score comes back: the reference period's probabilities set
/// the quantile bands' cut points, and all of them the drift reference's score bins. The
/// metrics' drift bins come from counts and order statistics (`InDatabaseDrift`), the
/// contribution SDs from aggregate queries, the metadata (training periods, rows, churn rate)
/// from the key panel.
public enum InDatabaseWeightFile {
    public static func inSample(url: PostgresURL, relation: PostgresRelation, spec: Spec, fit: SegmentedFit) throws -> WeightFile {
        let keys = try PanelLoading.load(.postgres(url, relation), spec: InDatabaseBacktest.keySpec(spec))
        let reference = try WeightFile.inSampleReference(panel: keys.panel)
        let conn = try PostgresConnection.aggregateSession(url)
        let all = DatabaseRows(relation: relation, spec: spec)
        let shards = try ShardedPasses.detect(conn, url: url, rows: all)
        let drift = try InDatabaseDrift(conn, shards: shards, relation: relation, spec: spec)
        // No calibration in an in-sample weight file: the probabilities and contributions are the raw model's.
        let probabilities = try drift.linearPredictors(fit, periods: keys.panel.isSnapshot ? nil : keys.panel.periodLabels)
            .mapValues { $0.map(CalibrationMap.sigmoid) }
        let sds = try InDatabaseRecalibration.contributionSDs(all, conn, shards: shards, encoding: fit.pooled.encoding,
                                                              weights: Array(fit.pooled.fit.coefficients.dropFirst()))
        var segmentSDs: [String: [String: Double]] = [:]
        for (name, own) in fit.segments {
            segmentSDs[name] = try InDatabaseRecalibration.contributionSDs(all.segment(name), conn, shards: shards, encoding: own.encoding,
                                                                           weights: Array(own.fit.coefficients.dropFirst()))
        }
        let driftReference = try drift.reference(keys: keys.panel, score: probabilities)
        try shards?.commit()
        try conn.execute("COMMIT")
        let bands = try BandAssignment(options: spec.bands, referenceProbabilities: probabilities[reference.period ?? ""] ?? [])
        var file = try WeightFile.make(panel: keys.panel, segmented: fit, calibration: .identity, bands: bands,
                                       inputSHA256: keys.inputSHA256 ?? "", contributionSDs: sds, segmentContributionSDs: segmentSDs)
        file.drift = driftReference
        return file
    }
}
