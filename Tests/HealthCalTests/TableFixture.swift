import Foundation
@testable import HealthCal

/// Builds a `Table` from simple CSV text (no quoting), the way the tests need it without the CSV
/// reader: a column is numeric when every non-empty cell reads as a number, else text; empty
/// cells are missing (NaN / code -1). Header on line 1, row r on line r + 2.
func makeTable(_ csv: String, source: String = "panel.csv") -> Table {
    var lines = csv.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let cells = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    var columns: [Column] = []
    for j in header.indices {
        let raw = cells.map { j < $0.count ? $0[j] : "" }
        let numbers = raw.map { $0.isEmpty ? Double.nan : Double($0) }
        if numbers.allSatisfy({ $0 != nil }) {
            columns.append(.numeric(numbers.map { $0 ?? .nan }))
        } else {
            var levels: [String] = [], index: [String: Int32] = [:]
            let codes: [Int32] = raw.map { s in
                if s.isEmpty { return -1 }
                if let c = index[s] { return c }
                index[s] = Int32(levels.count)
                levels.append(s)
                return Int32(levels.count - 1)
            }
            columns.append(.text(TextColumn(codes: codes, levels: levels)))
        }
    }
    return Table(source: source, names: header, columns: columns, rowCount: cells.count)
}

/// The URL of a committed fixture file next to this source file.
func fixtureURL(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name)
}

/// A minimal valid spec for panel tests: id, period, outcome and the given features.
func testSpec(period: String? = "period", features: [FeatureSpec] = [FeatureSpec(name: "logins", type: .numeric)],
              weight: String? = nil, segment: String? = nil) -> Spec {
    Spec(data: DataOptions(id: "customer_id", period: period, outcome: "churned", segment: segment, weight: weight),
         features: features)
}

/// The problems of a throwing panel build, or [] when it succeeds.
func panelProblems(_ table: Table, _ spec: Spec) -> [DataProblem] {
    do {
        _ = try Panel.make(table: table, spec: spec)
        return []
    } catch {
        return error.problems
    }
}
