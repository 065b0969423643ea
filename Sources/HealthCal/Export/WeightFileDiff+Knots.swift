import Foundation

/// Spline knots that moved between two weight files: a spline's weights only mean something with
/// its knots, so `healthcal diff` lists each spline feature whose knots differ (or that became or
/// stopped being a spline).
extension WeightFileDiff {
    public struct KnotChange: Sendable, Equatable, Codable {
        public var feature: String
        /// nil: not a spline (or absent) in that file.
        public var old: [Double]?
        public var new: [Double]?
    }

    static func knotChanges(old: WeightFile, new: WeightFile) -> [KnotChange]? {
        var changes: [KnotChange] = []
        var names = old.encoding.features.map(\.name)
        for f in new.encoding.features where !names.contains(f.name) { names.append(f.name) }
        for name in names {
            let o = old.encoding.features.first { $0.name == name }?.knots
            let n = new.encoding.features.first { $0.name == name }?.knots
            if o != n { changes.append(KnotChange(feature: name, old: o, new: n)) }
        }
        return changes.isEmpty ? nil : changes
    }

    /// The text lines for `table()`.
    func knotLines() -> String {
        guard let knotChanges else { return "" }
        func list(_ k: [Double]?) -> String { k.map { "[" + $0.map { String(format: "%.6g", $0) }.joined(separator: ", ") + "]" } ?? "not a spline" }
        return "\nSpline knots\n" + knotChanges.map { "  \($0.feature.debugEscaped): \(list($0.old)) -> \(list($0.new))\n" }.joined()
    }
}
