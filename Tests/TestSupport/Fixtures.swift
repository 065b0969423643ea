import Foundation

/// A small numeric CSV (header row, comma-separated, no quoting) as named columns; for test
/// fixtures only, so the tests of the fit do not depend on the production CSV reader.
public func loadNumericCSV(_ url: URL) throws -> (names: [String], columns: [[Double]]) {
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    let names = lines.removeFirst().split(separator: ",").map { String($0) }
    var columns = Array(repeating: [Double](), count: names.count)
    for line in lines {
        for (j, cell) in line.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            columns[j].append(Double(cell.trimmingCharacters(in: .whitespaces)) ?? .nan)
        }
    }
    return (names, columns)
}

/// Decodes a JSON fixture into loosely typed values.
public func loadJSON(_ url: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: url)
    return (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
}
