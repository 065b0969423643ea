import Foundation

/// The one JSON encoder configuration for everything healthcal writes: keys sorted and
/// pretty-printed so the same inputs give byte-identical files, and no silent NaN (a non-finite
/// number is an encoding error rather than invalid JSON).
public enum JSONOutput {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// Encodes `value` as UTF-8 JSON text with a trailing newline.
    public static func string<T: Encodable>(_ value: T) throws -> String {
        let data = try encoder().encode(value)
        return (String(data: data, encoding: .utf8) ?? "") + "\n"
    }
}
