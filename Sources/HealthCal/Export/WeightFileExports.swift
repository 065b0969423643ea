import Foundation

/// A weight file rendered for writing, with its exports (weights.json, exports/score.sql,
/// model.pmml, weights.csv, scorecard.csv). It needs the training file's hash but not the flags,
/// so the recalibration renders it on another thread while the flags are found. An export the
/// model cannot be written as (PMML, scorecard) keeps its error, which becomes a note.
struct WeightFileExports: Sendable {
    var weightFile: WeightFile
    var json: Data
    var sql: String
    var pmml: Result<String, ExportError>
    var weightsCSV: String
    var scorecard: Result<String, ExportError>

    init(_ weightFile: WeightFile) throws {
        self.weightFile = weightFile
        json = try weightFile.data()
        sql = try SQLExport.query(weightFile)
        pmml = Result { () throws(ExportError) in try PMMLExport.document(weightFile) }
        weightsCSV = WeightsCSVExport.csv(weightFile)
        scorecard = Result { () throws(ExportError) in try ScorecardExport.csv(weightFile) }
    }
}
