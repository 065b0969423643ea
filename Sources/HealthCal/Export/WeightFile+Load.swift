import Foundation

extension WeightFile {
    /// Reads and checks a weight file: the format name and version first (so a wrong file gets a
    /// message saying what it is), then every key, then consistency (weights aligned with columns,
    /// calibration flag matching the map).
    public static func load(path: String) throws(WeightFileError) -> WeightFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(data, path: path)
    }

    /// Parses weight-file bytes; `path` names the source in messages.
    public static func parse(_ data: Data, path: String) throws(WeightFileError) -> WeightFile {
        let top: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw WeightFileError.notJSON(path: path, reason: "the top level is not an object")
            }
            top = object
        } catch let error as WeightFileError {
            throw error
        } catch {
            throw .notJSON(path: path, reason: error.localizedDescription)
        }
        guard let format = top["format"] as? String, format == formatName else {
            throw .wrongFormat(path: path, found: top["format"].map { "\($0)" })
        }
        guard let version = top["version"] as? Int, version == currentVersion else {
            throw .unsupportedVersion(path: path, found: top["version"] as? Int)
        }
        let file: WeightFile
        do {
            file = try JSONDecoder().decode(WeightFile.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .missingKey(path: path, key: Self.keyPath(context.codingPath + [key]))
        } catch let DecodingError.typeMismatch(_, context) {
            throw .badValue(path: path, key: Self.keyPath(context.codingPath), reason: context.debugDescription)
        } catch let DecodingError.valueNotFound(_, context) {
            throw .badValue(path: path, key: Self.keyPath(context.codingPath), reason: "is null; expected a value")
        } catch let DecodingError.dataCorrupted(context) {
            throw .badValue(path: path, key: Self.keyPath(context.codingPath), reason: context.debugDescription)
        } catch {
            throw .notJSON(path: path, reason: "\(error)")
        }
        try file.check(path: path)
        return file
    }

    /// Consistency a decoder cannot see.
    func check(path: String) throws(WeightFileError) {
        func checkModel(_ m: LinearModel, _ enc: FittedEncoding, _ key: String) throws(WeightFileError) {
            guard enc.names.first == "const", Array(enc.names.dropFirst()) == m.columns else {
                throw .badValue(path: path, key: "\(key).columns", reason: "must equal the encoding's names without \"const\"")
            }
            guard m.weights.count == m.columns.count, m.rawWeights.count == m.columns.count else {
                throw .badValue(path: path, key: "\(key).weights", reason: "\(m.weights.count) weights for \(m.columns.count) columns")
            }
            guard enc.contributionMeans.count == enc.names.count else {
                throw .badValue(path: path, key: "encoding.contribution_means", reason: "one mean per encoded column is needed")
            }
            guard enc.features.reduce(0, { $0 + $1.width }) + 1 == enc.names.count else {
                throw .badValue(path: path, key: "encoding.features", reason: "the features' columns do not add up to the encoding's names")
            }
        }
        try checkModel(model, encoding, "model")
        for (name, m) in segments ?? [:] { try checkModel(m, m.encoding ?? encoding, "segments.\(name)") }
        guard calibrationFolded == calibration.isFoldable else {
            throw .badValue(path: path, key: "calibration_folded",
                            reason: "must be \(calibration.isFoldable) for calibration method \(calibration.method.rawValue)")
        }
    }

    static func keyPath(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }
}
