import Foundation

/// What changed between two weight files (`healthcal diff OLD NEW`): final weights per encoded
/// column (sorted by |change|, added and removed columns), features added or removed, band
/// thresholds, calibration, and the headline metrics.
public struct WeightFileDiff: Sendable, Equatable, Codable {
    public struct WeightChange: Sendable, Equatable, Codable {
        public var column: String
        public var old: Double?
        public var new: Double?
        /// new − old; nil when the column exists in only one file.
        public var change: Double?
    }

    public struct ThresholdChange: Sendable, Equatable, Codable {
        /// "default" or the segment name.
        public var scheme: String
        public var band: String
        /// Lowest health score of the band (nil: the band is not in that file).
        public var oldMinScore: Double?
        public var newMinScore: Double?

        enum CodingKeys: String, CodingKey { case scheme, band, oldMinScore = "old_min_score", newMinScore = "new_min_score" }
    }

    public struct MetricChange: Sendable, Equatable, Codable {
        public var name: String
        public var old: Double?
        public var new: Double?
        public var change: Double?
    }

    public var intercept: WeightChange
    public var weights: [WeightChange]
    public var addedFeatures: [String]
    public var removedFeatures: [String]
    public var thresholds: [ThresholdChange]
    public var oldCalibration: CalibrationMap
    public var newCalibration: CalibrationMap
    public var metrics: [MetricChange]
    public var oldRows: Int
    public var newRows: Int
    public var oldTrainingPeriods: [String]
    public var newTrainingPeriods: [String]
    /// Binned features whose cut points differ (WeightFileDiff+Bins.swift); nil without bins.
    public var cutChanges: [CutChange]?
    /// Spline features whose knots differ (nil when none do; `WeightFileDiff+Knots.swift`).
    public var knotChanges: [KnotChange]?

    enum CodingKeys: String, CodingKey {
        case intercept, weights, addedFeatures = "added_features", removedFeatures = "removed_features", thresholds,
             oldCalibration = "old_calibration", newCalibration = "new_calibration", metrics,
             oldRows = "old_rows", newRows = "new_rows", oldTrainingPeriods = "old_training_periods",
             newTrainingPeriods = "new_training_periods", knotChanges = "knot_changes"
        case cutChanges = "cut_changes"
    }

    public init(old: WeightFile, new: WeightFile) {
        intercept = WeightChange(column: "(intercept)", old: old.model.intercept, new: new.model.intercept,
                                 change: new.model.intercept - old.model.intercept)
        let oldW = Dictionary(zip(old.model.columns, old.model.weights), uniquingKeysWith: { a, _ in a })
        let newW = Dictionary(zip(new.model.columns, new.model.weights), uniquingKeysWith: { a, _ in a })
        var columns = old.model.columns
        for c in new.model.columns where oldW[c] == nil { columns.append(c) }
        weights = columns.map { c in
            let o = oldW[c], n = newW[c]
            return WeightChange(column: c, old: o, new: n, change: o.flatMap { o in n.map { $0 - o } })
        }
        // Changed first by |change| (largest first), then added/removed columns, each in file order.
        let indexed = Array(weights.enumerated())
        weights = indexed.sorted { a, b in
            switch (a.element.change, b.element.change) {
            case let (x?, y?): return abs(x) != abs(y) ? abs(x) > abs(y) : a.offset < b.offset
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a.offset < b.offset
            }
        }.map(\.element)
        let oldF = old.encoding.features.map(\.name), newF = new.encoding.features.map(\.name)
        addedFeatures = newF.filter { !oldF.contains($0) }
        removedFeatures = oldF.filter { !newF.contains($0) }
        var t: [ThresholdChange] = []
        func schemes(_ f: WeightFile) -> [String: BandScheme] {
            guard let b = f.bands else { return [:] }
            return b.perSegment.merging(["default": b.scheme]) { a, _ in a }
        }
        let so = schemes(old), sn = schemes(new)
        for key in Set(so.keys).union(sn.keys).sorted() {
            let ob = so[key]?.bands ?? [], nb = sn[key]?.bands ?? []
            var names = ob.map(\.name)
            for b in nb where !names.contains(b.name) { names.append(b.name) }
            for name in names {
                let o = ob.first { $0.name == name }?.minScore, n = nb.first { $0.name == name }?.minScore
                if o != n { t.append(ThresholdChange(scheme: key, band: name, oldMinScore: o, newMinScore: n)) }
            }
        }
        thresholds = t
        oldCalibration = old.calibration
        newCalibration = new.calibration
        let om = old.metadata.metrics ?? [:], nm = new.metadata.metrics ?? [:]
        metrics = Set(om.keys).union(nm.keys).sorted().map { k in
            MetricChange(name: k, old: om[k], new: nm[k], change: om[k].flatMap { o in nm[k].map { $0 - o } })
        }
        oldRows = old.metadata.rows
        newRows = new.metadata.rows
        oldTrainingPeriods = old.metadata.trainingPeriods
        newTrainingPeriods = new.metadata.trainingPeriods
        cutChanges = Self.cutChanges(old: old, new: new)
        knotChanges = Self.knotChanges(old: old, new: new)
    }

    /// A plain-text report for people.
    public func table() -> String {
        func num(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "—" }
        func signed(_ v: Double?) -> String { v.map { String(format: "%+.6g", $0) } ?? "—" }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        var out = "Training: \(oldRows) rows (\(span(oldTrainingPeriods))) -> \(newRows) rows (\(span(newTrainingPeriods)))\n"
        out += "Calibration: \(describe(oldCalibration)) -> \(describe(newCalibration))\n"
        if !addedFeatures.isEmpty { out += "Added features: \(addedFeatures.joined(separator: ", "))\n" }
        if !removedFeatures.isEmpty { out += "Removed features: \(removedFeatures.joined(separator: ", "))\n" }
        let width = max(12, (weights.map { $0.column.debugEscaped.count } + [intercept.column.count]).max() ?? 12)
        out += "\nWeights (final, log-odds; largest change first)\n"
        out += pad("column", width) + "  " + pad("old", 12) + "  " + pad("new", 12) + "  change\n"
        for w in [intercept] + weights {
            let status = w.old == nil ? "  (added)" : w.new == nil ? "  (removed)" : ""
            out += pad(w.column.debugEscaped, width) + "  " + pad(num(w.old), 12) + "  " + pad(num(w.new), 12) + "  " + signed(w.change) + status + "\n"
        }
        out += knotLines()
        if !thresholds.isEmpty {
            out += "\nBand thresholds (lowest health score)\n"
            for t in thresholds { out += "  \(t.scheme.debugEscaped) / \(t.band.debugEscaped): \(num(t.oldMinScore)) -> \(num(t.newMinScore))\n" }
        } else {
            out += "\nBand thresholds: unchanged\n"
        }
        out += cutsTable()
        if !metrics.isEmpty {
            out += "\nMetrics\n"
            for m in metrics { out += "  \(m.name.debugEscaped): \(num(m.old)) -> \(num(m.new)) (\(signed(m.change)))\n" }
        }
        return out
    }

    private func span(_ p: [String]) -> String {
        guard let first = p.first, let last = p.last else { return "snapshot" }
        return first == last ? first : "\(first)..\(last)"
    }

    private func describe(_ c: CalibrationMap) -> String {
        switch c {
        case .identity: "none"
        case let .platt(a, b): "platt (a \(String(format: "%.6g", a)), b \(String(format: "%.6g", b)))"
        case let .intercept(a): "intercept (a \(String(format: "%.6g", a)))"
        case .isotonic(let t): "isotonic (\(t.thresholdsX.count) knots)"
        }
    }
}
