import Foundation

extension WeightFile {
    /// Reads and checks a weight file: the format name and version first (so a wrong file gets a
    /// message saying what it is), then every key, then consistency (weights aligned with columns,
    /// calibration flag matching the map).
    public static func load(path: String) throws(WeightFileError) -> WeightFile {
        let data: Data
        do { data = Data(try InputFile.read(path)) } catch {
            throw .unreadable(path: path, reason: error.description)
        }
        return try parse(data, path: path)
    }

    /// Parses weight-file bytes; `path` names the source in messages. Syntax errors are located
    /// by line, column and JSON path (`JSONSyntax`); a value of the wrong type is named with its
    /// path and both types; then every consistency rule of docs/weight-file.md is checked
    /// (`WeightFile+Check.swift`).
    public static func parse(_ data: Data, path: String) throws(WeightFileError) -> WeightFile {
        if let failure = JSONSyntax.firstError(in: Array(data)) {
            throw .notJSON(path: path, reason: failure.description)
        }
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
        guard let formatValue = top["format"] else { throw .wrongFormat(path: path, found: nil) }
        guard let format = formatValue as? String else {
            throw .badValue(path: path, key: "format", reason: "expected a string, found \(jsonKind(formatValue))")
        }
        guard format == formatName else { throw .wrongFormat(path: path, found: format) }
        guard let versionValue = top["version"] else { throw .unsupportedVersion(path: path, found: nil) }
        guard let versionNumber = versionValue as? NSNumber, jsonKind(versionValue) == "a number" else {
            throw .badValue(path: path, key: "version", reason: "expected a number, found \(jsonKind(versionValue))")
        }
        guard let version = Int(exactly: versionNumber.doubleValue), version == currentVersion else {
            throw .unsupportedVersion(path: path, found: Int(exactly: versionNumber.doubleValue))
        }
        let file: WeightFile
        do {
            file = try JSONDecoder().decode(WeightFile.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .missingKey(path: path, key: Self.keyPath(context.codingPath + [key]))
        } catch let DecodingError.typeMismatch(type, context) {
            let found = Self.value(at: context.codingPath, in: top).map(jsonKind) ?? "nothing"
            throw .badValue(path: path, key: Self.keyPath(context.codingPath),
                            reason: "expected \(expectedKind(type)), found \(found)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw .badValue(path: path, key: Self.keyPath(context.codingPath), reason: "expected \(expectedKind(type)), found null")
        } catch let DecodingError.dataCorrupted(context) {
            throw .badValue(path: path, key: Self.keyPath(context.codingPath), reason: context.debugDescription)
        } catch {
            throw .notJSON(path: path, reason: "\(error)")
        }
        try file.check(path: path)
        return file
    }

    /// The JSON value at a decoder's coding path, for naming what was found there.
    static func value(at codingPath: [any CodingKey], in top: [String: Any]) -> Any? {
        var node: Any = top
        for key in codingPath {
            if let index = key.intValue, let array = node as? [Any], array.indices.contains(index) {
                node = array[index]
            } else if let object = node as? [String: Any], let next = object[key.stringValue] {
                node = next
            } else { return nil }
        }
        return node
    }

    static func keyPath(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }
}

/// A JSON value's kind in words: "a string", "a number", "true or false", "an array", "an object", "null".
func jsonKind(_ value: Any) -> String {
    switch value {
    case is String: return "a string"
    case let n as NSNumber:
        // JSONSerialization gives booleans as NSNumber too, with the C type code of `char`.
        return String(cString: n.objCType) == "c" ? "true or false" : "a number"
    case is [Any]: return "an array"
    case is [String: Any]: return "an object"
    case is NSNull: return "null"
    default: return "a value"
    }
}

/// What a decoder expected, in the words of `jsonKind`.
func expectedKind(_ type: Any.Type) -> String {
    if type == String.self { return "a string" }
    if type == Bool.self { return "true or false" }
    if type == Double.self || type == Int.self || type == Float.self || type == Int64.self { return "a number" }
    let name = String(describing: type)
    if name.hasPrefix("Array<") { return "an array" }
    if name.hasPrefix("Dictionary<") { return "an object" }
    return "a value of type \(name)"
}
