import Foundation
import Testing
@testable import HealthCal

/// A validator for the subset of JSON Schema (draft 2020-12) that docs/weight-file.schema.json
/// uses: type, required, properties, items, enum, additionalProperties and local `$ref`s into
/// `$defs`. Unknown keywords fail loudly so the schema cannot silently outgrow the validator.
struct MiniSchemaValidator {
    let root: [String: Any]
    static let known: Set<String> = ["$schema", "$id", "title", "description", "type", "required", "properties",
                                     "items", "enum", "additionalProperties", "$ref", "$defs"]

    func validate(_ value: Any, _ schema: [String: Any], at path: String = "$") -> [String] {
        var errors: [String] = []
        for key in schema.keys where !Self.known.contains(key) { errors.append("\(path): unsupported keyword \(key)") }
        if let ref = schema["$ref"] as? String {
            guard ref.hasPrefix("#/$defs/"), let defs = root["$defs"] as? [String: Any],
                  let target = defs[String(ref.dropFirst("#/$defs/".count))] as? [String: Any] else {
                return errors + ["\(path): unresolvable $ref \(ref)"]
            }
            errors += validate(value, target, at: path)
        }
        if let type = schema["type"] as? String, !Self.matches(value, type) {
            return errors + ["\(path): expected \(type), got \(Swift.type(of: value))"]
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal($0, value) }) {
            errors.append("\(path): \(value) is not one of \(options)")
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                errors.append("\(path): missing required key \"\(key)\"")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, child) in object {
                if let sub = properties[key] as? [String: Any] {
                    errors += validate(child, sub, at: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] {
                    if let flag = additional as? NSNumber, Self.isBool(flag), !flag.boolValue {
                        errors.append("\(path): unexpected key \"\(key)\"")
                    } else if let sub = additional as? [String: Any] {
                        errors += validate(child, sub, at: "\(path).\(key)")
                    }
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, element) in array.enumerated() { errors += validate(element, items, at: "\(path)[\(i)]") }
        }
        return errors
    }

    /// JSON true/false (JSONSerialization gives a boolean NSNumber, objCType "c"; `is Bool` also
    /// matches the numbers 0 and 1, so it cannot be used).
    static func isBool(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }

    static func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "boolean": return (value as? NSNumber).map(isBool) ?? (value is Bool)
        case "number": return (value as? NSNumber).map { !isBool($0) } ?? false
        case "integer":
            guard let n = value as? NSNumber, !isBool(n) else { return false }
            return n.doubleValue == n.doubleValue.rounded()
        default: return false
        }
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        if let x = a as? String, let y = b as? String { return x == y }
        if let x = a as? NSNumber, let y = b as? NSNumber { return x == y }
        return false
    }
}

@Suite("Weight file schema")
struct WeightFileSchemaTests {
    func schema() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/weight-file.schema.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func generated(segments: Bool = false) throws -> [String: Any] {
        let file = try ExportFixture().weightFile(segments: segments).0
        return try #require(try JSONSerialization.jsonObject(with: file.data()) as? [String: Any])
    }

    @Test func generatedFilesValidate() throws {
        let s = try schema(), v = MiniSchemaValidator(root: try schema())
        #expect(v.validate(try generated(), s) == [])
        #expect(v.validate(try generated(segments: true), s) == [])
        let iso = try ExportFixture().weightFile(calibration: .isotonic(table: IsotonicFit(thresholdsX: [0.1, 0.5], thresholdsY: [0.1, 0.6]))).0
        #expect(v.validate(try JSONSerialization.jsonObject(with: iso.data()), s) == [])
    }

    /// The validator is honest: dropping any required key, renaming one, or changing a type fails.
    @Test func brokenFilesFail() throws {
        let s = try schema(), v = MiniSchemaValidator(root: s)
        for key in ["format", "version", "encoding", "model", "calibration", "calibration_folded", "health_score", "metadata"] {
            var d = try generated()
            d[key] = nil
            #expect(v.validate(d, s).contains { $0.contains("missing required key \"\(key)\"") }, "\(key)")
        }
        var d = try generated()
        var model = try #require(d["model"] as? [String: Any])
        model["weights"] = nil
        d["model"] = model
        #expect(v.validate(d, s).contains { $0.contains("$.model: missing required key \"weights\"") })
        d = try generated()
        d["format"] = "healthcal-weight"
        #expect(!v.validate(d, s).isEmpty)
        d = try generated()
        d["calibration_folded"] = "yes"
        #expect(!v.validate(d, s).isEmpty)
        d = try generated()
        d["extra"] = 1
        #expect(v.validate(d, s).contains { $0.contains("unexpected key \"extra\"") })
    }
}
