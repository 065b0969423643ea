/// Cut-point changes of binned features (`transform: bins`) between two weight files: a bin's
/// columns are named by its range, so new cuts show as columns removed and added in the
/// weights; this says which metric's ranges moved, and where.
extension WeightFileDiff {
    public struct CutChange: Sendable, Equatable, Codable {
        public var feature: String
        /// nil: the feature is not binned (or absent) in that file.
        public var old: [Double]?
        public var new: [Double]?
    }

    /// nil when neither file has a binned feature (so the diff of files without bins is unchanged).
    static func cutChanges(old: WeightFile, new: WeightFile) -> [CutChange]? {
        let o = old.encoding.features.filter { $0.cuts != nil }, n = new.encoding.features.filter { $0.cuts != nil }
        if o.isEmpty && n.isEmpty { return nil }
        var names = o.map(\.name)
        for f in n where !names.contains(f.name) { names.append(f.name) }
        return names.compactMap { name in
            let a = o.first { $0.name == name }?.cuts, b = n.first { $0.name == name }?.cuts
            return a == b ? nil : CutChange(feature: name, old: a, new: b)
        }
    }

    func cutsTable() -> String {
        guard let cutChanges else { return "" }
        if cutChanges.isEmpty { return "\nBin cut points: unchanged\n" }
        func list(_ c: [Double]?) -> String { c.map { "[" + $0.map { exactNumber($0) }.joined(separator: ", ") + "]" } ?? "(not binned)" }
        var out = "\nBin cut points (value x is in [lower, upper))\n"
        for c in cutChanges { out += "  \(c.feature.debugEscaped): \(list(c.old)) -> \(list(c.new))\n" }
        return out
    }
}
