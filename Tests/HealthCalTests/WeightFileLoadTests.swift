import Foundation
import Testing
@testable import HealthCal

/// `WeightFile.parse` on corrupt and inconsistent files: each case names where (line and column,
/// or the JSON path) and why. One test per syntax failure and per rule of docs/weight-file.md.
@Suite("Weight-file loading")
struct WeightFileLoadTests {
    /// The message for `text`, or nil when it loads.
    func message(_ text: String) -> String? {
        do { _ = try WeightFile.parse(Data(text.utf8), path: "w.json"); return nil } catch { return error.description }
    }

    /// A valid file's JSON text (pretty-printed, as written) and its object.
    func valid() throws -> (text: String, object: [String: Any]) {
        let data = try ExportFixture().weightFile().0.data()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (String(decoding: data, as: UTF8.self), object)
    }

    /// The message after `change` edits the valid file's object.
    func message(after change: (inout [String: Any]) -> Void) throws -> String? {
        var object = try valid().object
        change(&object)
        return message(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }

    /// The message after `change` edits feature `index` of the top-level encoding.
    func message(feature index: Int, _ change: @escaping (inout [String: Any]) -> Void) throws -> String? {
        try message { o in
            var enc = o["encoding"] as? [String: Any] ?? [:]
            var features = enc["features"] as? [[String: Any]] ?? []
            change(&features[index])
            enc["features"] = features
            o["encoding"] = enc
        }
    }

    /// Edits an object nested under `keys`.
    static func edit(_ o: inout [String: Any], _ keys: [String], _ change: (inout [String: Any]) -> Void) {
        guard let first = keys.first else { change(&o); return }
        var inner = o[first] as? [String: Any] ?? [:]
        edit(&inner, Array(keys.dropFirst()), change)
        o[first] = inner
    }

    @Test func theFixtureLoads() throws {
        #expect(message(try valid().text) == nil)
    }

    // MARK: syntax, located by line, column and path

    @Test func nanLiteralIsLocated() throws {
        let text = try valid().text.replacingOccurrences(of: "\"churn_rate\" : ", with: "\"churn_rate\" : NaN, \"was\" : ")
        let m = try #require(message(text))
        #expect(m.contains("metadata.churn_rate"), "\(m)")
        #expect(m.contains("NaN is not a JSON number"), "\(m)")
        // The line of the literal in the text, counted independently.
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("NaN") }.map { $0 + 1 }
        #expect(m.contains("line \(try #require(line)),"), "\(m)")
    }

    @Test func outOfRangeNumberIsLocated() throws {
        let m = try #require(message("{\n  \"format\": \"healthcal-weights\",\n  \"version\": 1e999\n}"))
        #expect(m.contains("line 3, column 14 (at version): 1e999 is beyond the range of a double"), "\(m)")
    }

    @Test func truncatedFileSaysSo() throws {
        let text = try valid().text
        let m = try #require(message(String(text.prefix(text.count / 2))))
        #expect(m.contains("truncated"), "\(m)")
        #expect(m.contains("line "), "\(m)")
    }

    @Test func emptyAndNonJSONFiles() {
        #expect(message("") == "w.json is not a JSON weight file: the file is empty")
        #expect(message(" \n ") == "w.json is not a JSON weight file: the file holds only white space")
        #expect(message("hello") == "w.json is not a JSON weight file: line 1, column 1: unexpected 'h'; expected a value (object, array, string, number, true, false or null)")
        #expect(message("{\"a\": 1} x")?.contains("line 1, column 10: unexpected text after the end") == true)
        #expect(message("{\"a\" 1}")?.contains("line 1, column 6: unexpected '1'; expected ':' after the key") == true)
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(message(deep)?.contains("nested deeper than 256 levels") == true)
    }

    // MARK: types

    @Test func wrongTypesAreNamedWithTheirPath() throws {
        #expect(try message { $0["version"] = "1" } == "w.json: \"version\": expected a number, found a string")
        #expect(try message { $0["format"] = 7 } == "w.json: \"format\": expected a string, found a number")
        #expect(try message { $0["version"] = 2 } == WeightFileError.unsupportedVersion(path: "w.json", found: 2).description)
        let weights = try message { Self.edit(&$0, ["model"]) { m in m["weights"] = ["x"] } }
        #expect(weights == "w.json: \"model.weights[0]\": expected a number, found a string")
        let folded = try message { $0["calibration_folded"] = "yes" }
        #expect(folded == "w.json: \"calibration_folded\": expected true or false, found a string")
        let model = try message { $0["model"] = [1, 2] }
        #expect(model == "w.json: \"model\": expected an object, found an array")
    }

    // MARK: consistency rules of docs/weight-file.md

    @Test func namesAreConstThenEachFeaturesColumns() throws {
        let m = try message { Self.edit(&$0, ["encoding"]) { e in e["names"] = Array((e["names"] as? [String] ?? []).reversed()) } }
        #expect(m?.contains("\"encoding.names\": must be \"const\" followed by each feature's columns") == true, "\(m ?? "")")
    }

    @Test func contributionMeansOnePerNameAndOneForConst() throws {
        let short = try message { Self.edit(&$0, ["encoding"]) { e in e["contribution_means"] = [1.0] } }
        #expect(short?.contains("\"encoding.contribution_means\": 1 means for") == true, "\(short ?? "")")
        let const = try message { Self.edit(&$0, ["encoding"]) { e in
            var means = e["contribution_means"] as? [Double] ?? []
            means[0] = 0.5
            e["contribution_means"] = means
        } }
        #expect(const?.contains("\"encoding.contribution_means[0]\": the mean of \"const\" must be 1") == true, "\(const ?? "")")
    }

    @Test func featureNamesAreUnique() throws {
        let m = try message(feature: 1) { f in f["name"] = "usage" }
        #expect(m?.contains("\"encoding.features[1].name\": \"usage\" is listed twice") == true, "\(m ?? "")")
    }

    @Test func numericColumnCountFollowsTheIndicator() throws {
        let m = try message(feature: 1) { f in f["missing_indicator"] = true }
        #expect(m?.contains("\"encoding.features[1].columns\": 1 columns; a numeric feature with a missing indicator has 2") == true, "\(m ?? "")")
    }

    @Test func imputeOtherThanErrorNeedsImputeValue() throws {
        let m = try message(feature: 1) { f in f["impute"] = "constant"; f["impute_value"] = nil }
        #expect(m?.contains("\"encoding.features[1].impute_value\": is missing; \"impute: constant\" needs the value") == true, "\(m ?? "")")
    }

    @Test func imputeErrorHasNoImputeValue() throws {
        let m = try message(feature: 1) { f in f["impute"] = "error" }
        #expect(m?.contains("\"encoding.features[1].impute_value\": must be absent with \"impute: error\"") == true, "\(m ?? "")")
    }

    @Test func clipBoundsAreOrdered() throws {
        let m = try message(feature: 1) { f in f["lower"] = 30.0 }
        #expect(m?.contains("\"encoding.features[1].lower\": the clip bounds are reversed: lower 30.0 > upper 20.0") == true, "\(m ?? "")")
    }

    @Test func standardizationNeedsCenterAndAPositiveScale() throws {
        let noScale = try message(feature: 0) { f in f["scale"] = nil }
        #expect(noScale?.contains("\"encoding.features[0].scale\": is missing; standardization needs both") == true, "\(noScale ?? "")")
        let zero = try message(feature: 0) { f in f["scale"] = 0.0 }
        #expect(zero?.contains("\"encoding.features[0].scale\": must be positive; found 0.0") == true, "\(zero ?? "")")
    }

    @Test func categoricalLevelsMatchColumns() throws {
        let noLevels = try message(feature: 2) { f in f["levels"] = nil }
        #expect(noLevels?.contains("\"encoding.features[2].levels\": is missing") == true, "\(noLevels ?? "")")
        let extra = try message(feature: 2) { f in f["levels"] = (f["levels"] as? [String] ?? []) + ["zzz"] }
        #expect(extra?.contains("\"encoding.features[2].columns\":") == true && extra?.contains("levels") == true, "\(extra ?? "")")
        let reference = try message(feature: 2) { f in f["reference"] = (f["levels"] as? [String])?.first }
        #expect(reference?.contains("\"encoding.features[2].reference\":") == true && reference?.contains("is also in levels") == true, "\(reference ?? "")")
        let twice = try message(feature: 2) { f in
            let levels = f["levels"] as? [String] ?? []
            f["levels"] = [levels[0]] + Array(repeating: levels[0], count: levels.count - 1)
        }
        #expect(twice?.contains("\"encoding.features[2].levels\": a level is listed twice") == true, "\(twice ?? "")")
    }

    @Test func modelArraysMatchTheColumns() throws {
        let raw = try message { Self.edit(&$0, ["model"]) { m in m["raw_weights"] = [1.0] } }
        #expect(raw?.contains("\"model.raw_weights\": 1 raw weights for") == true, "\(raw ?? "")")
        let columns = try message { Self.edit(&$0, ["model"]) { m in m["columns"] = ["a"] } }
        #expect(columns?.contains("\"model.columns\": must equal the encoding's names") == true, "\(columns ?? "")")
    }

    @Test func contributionSDsNameFeaturesAndAreNotNegative() throws {
        let unknown = try message { Self.edit(&$0, ["model"]) { m in m["contribution_sds"] = ["nope": 1.0] } }
        #expect(unknown?.contains("\"model.contribution_sds\": \"nope\" is not a feature") == true, "\(unknown ?? "")")
        let negative = try message { Self.edit(&$0, ["model"]) { m in m["contribution_sds"] = ["usage": -1.0] } }
        #expect(negative?.contains("\"model.contribution_sds.usage\": a standard deviation cannot be negative") == true, "\(negative ?? "")")
    }

    @Test func segmentsNeedTheSegmentColumn() throws {
        let m = try message { o in
            o["segments"] = ["ent": o["model"] ?? [:]]
            o["segment_column"] = nil
        }
        #expect(m?.contains("\"segment_column\": is missing; it is required when \"segments\"") == true, "\(m ?? "")")
    }

    @Test func calibrationIsConsistent() throws {
        let folded = try message { $0["calibration_folded"] = false }
        #expect(folded?.contains("\"calibration_folded\": must be true") == true, "\(folded ?? "")")
        let outside = try message { o in
            o["calibration"] = ["method": "isotonic", "x": [0.1, 0.5], "y": [0.2, 1.5]]
            o["calibration_folded"] = false
        }
        #expect(outside?.contains("\"calibration\": isotonic knots are probabilities; 1.5 is outside [0, 1]") == true, "\(outside ?? "")")
        let notMonotone = try message { o in
            o["calibration"] = ["method": "isotonic", "x": [0.1, 0.5], "y": [0.6, 0.2]]
            o["calibration_folded"] = false
        }
        #expect(notMonotone?.contains("y non-decreasing") == true, "\(notMonotone ?? "")")
    }

    @Test func bandsAreOrderedAndConsistent() throws {
        func scheme(_ bands: [[String: Any]]) throws -> String? {
            try message { Self.edit(&$0, ["bands", "scheme"]) { s in s["bands"] = bands } }
        }
        func band(_ name: String, _ score: Double, _ p: Double? = nil) -> [String: Any] {
            ["name": name, "min_score": score, "max_probability": p ?? (1 - score / 100)]
        }
        #expect(try scheme([])?.contains("\"bands.scheme.bands\": is empty") == true)
        #expect(try scheme([band("red", 10)])?.contains("\"bands.scheme.bands[0].min_score\": the riskiest band starts at 0") == true)
        #expect(try scheme([band("red", 0), band("green", 60), band("yellow", 40)])?
            .contains("\"bands.scheme.bands[2].min_score\": bands go riskiest first with increasing min_score; 40.0 follows 60.0") == true)
        #expect(try scheme([band("red", 0), band("red", 50)])?.contains("\"bands.scheme.bands[1].name\": \"red\" is listed twice") == true)
        #expect(try scheme([band("red", 0), band("green", 50, 0.3)])?.contains("\"bands.scheme.bands[1].max_probability\": must be 1 - min_score / 100 = 0.5") == true)
        #expect(try scheme([band("red", 0), band("green", 150)])?.contains("must be within 0...100") == true)
        let perSegment = try message { o in
            Self.edit(&o, ["bands"]) { b in b["per_segment"] = ["ent": b["scheme"] ?? [:]] }
            o["segment_column"] = nil
        }
        #expect(perSegment?.contains("\"segment_column\": is missing; it is required when \"bands.per_segment\"") == true, "\(perSegment ?? "")")
    }

    @Test func metadataIsPlausible() throws {
        let rows = try message { Self.edit(&$0, ["metadata"]) { m in m["rows"] = -1 } }
        #expect(rows?.contains("\"metadata.rows\": must be 0 or more") == true, "\(rows ?? "")")
        let rate = try message { Self.edit(&$0, ["metadata"]) { m in m["churn_rate"] = 1.5 } }
        #expect(rate?.contains("\"metadata.churn_rate\": must be a share between 0 and 1") == true, "\(rate ?? "")")
        let sha = try message { Self.edit(&$0, ["metadata"]) { m in m["input_sha256"] = "ABC" } }
        #expect(sha?.contains("\"metadata.input_sha256\": expected 64 lowercase hex digits") == true, "\(sha ?? "")")
        let scale = try message { Self.edit(&$0, ["health_score"]) { h in h["scale"] = 0 } }
        #expect(scale?.contains("\"health_score.scale\": must be positive") == true, "\(scale ?? "")")
    }

    @Test func longKeysAreShortenedInMessages() throws {
        let key = String(repeating: "k", count: 1_000_000)
        let twice = try #require(try message { o in
            Self.edit(&o, ["encoding"]) { e in
                var features = e["features"] as? [[String: Any]] ?? []
                features[0]["name"] = key
                features[1]["name"] = key
                e["features"] = features
            }
        })
        #expect(twice.contains("\"" + String(repeating: "k", count: 60) + "… (1000000 characters)\" is listed twice"), "\(twice.prefix(300))")
        #expect(twice.utf8.count < 400)
        let long = try #require(message("{\"\(key)\": NaN}"))
        #expect(long.contains("… (1000000 characters)"), "\(long.prefix(300))")
        #expect(long.utf8.count < 400)
    }
}
