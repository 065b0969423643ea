import Foundation

/// Where two JSON documents differ: every number within `tolerance` (absolute below 1, relative
/// above), every string, key and length equal; keys in `skipping` are not compared. Returns
/// one line per difference (empty when they agree), for a test's message.
public func jsonDifferences(_ a: Any, _ b: Any, path: String = "", tolerance: Double, skipping: Set<String> = []) -> [String] {
    switch (a, b) {
    case let (x as [String: Any], y as [String: Any]):
        guard Set(x.keys) == Set(y.keys) else { return ["\(path): keys \(x.keys.sorted()) vs \(y.keys.sorted())"] }
        return x.keys.sorted().filter { !skipping.contains($0) }.flatMap {
            jsonDifferences(x[$0] ?? NSNull(), y[$0] ?? NSNull(), path: path + "." + $0, tolerance: tolerance, skipping: skipping)
        }
    case let (x as [Any], y as [Any]):
        guard x.count == y.count else { return ["\(path): \(x.count) vs \(y.count) elements"] }
        return zip(x, y).enumerated().flatMap { jsonDifferences($1.0, $1.1, path: "\(path)[\($0)]", tolerance: tolerance, skipping: skipping) }
    case let (x as String, y as String):
        return x == y ? [] : ["\(path): \"\(x)\" vs \"\(y)\""]
    case let (x as NSNumber, y as NSNumber):
        let (u, v) = (x.doubleValue, y.doubleValue)
        return abs(u - v) <= tolerance * max(1, abs(v)) ? [] : ["\(path): \(u) vs \(v)"]
    case (is NSNull, is NSNull):
        return []
    default:
        return ["\(path): \(a) vs \(b)"]
    }
}

/// A JSON text parsed for `jsonDifferences`.
public func parsedJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}
