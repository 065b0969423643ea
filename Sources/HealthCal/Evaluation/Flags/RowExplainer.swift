/// Explains many rows of one panel with one model, for the flags: each encoded feature's panel
/// column and parameters are read once (`FeatureCells`), so a row is encoded straight from the
/// columns, and a contribution's raw value is written out as text only for the few
/// contributions a flag lists, not for every feature of every explained row. The arithmetic is
/// `FittedEncoding.encode`'s (`explainByEncoding`, kept as the reference and for the shapes the
/// cells do not cover); `RowExplanation.explain` is built on this type.
struct RowExplainer {
    let encoding: FittedEncoding
    let coefficients: [Double]
    /// The panel's column of each of `encoding.features` (nil: the panel lacks it, so missing).
    let columns: [Column?]
    let groups: [String]
    /// Each feature's name and number of design columns, read once: going through
    /// `encoding.features` for them copies a whole FittedFeature per feature and row.
    let names: [String]
    let widths: [Int]
    /// Each feature's cells, or nil when some feature needs `encode` (or the model's shape
    /// differs from the encoding's, when no row can be explained).
    let cells: [FeatureCells]?
    /// intercept + Σ weight × training mean, the same for every row (nil: shapes differ).
    let baseline: Double?
    /// The distinct groups in order of first appearance, and each feature's index among them.
    let groupNames: [String]
    let groupOfFeature: [Int]

    init(panel: Panel, encoding: FittedEncoding, coefficients: [Double]) {
        self.encoding = encoding
        self.coefficients = coefficients
        let columns = encoding.features.map { f in panel.features.first { $0.name == f.name }?.values }
        self.columns = columns
        groups = encoding.features.map { $0.group ?? RowExplanation.ungrouped }
        names = encoding.features.map(\.name)
        widths = encoding.features.map(\.width)
        let means = encoding.contributionMeans
        if encoding.names.count == coefficients.count, means.count == coefficients.count,
           widths.reduce(1, +) == coefficients.count {
            var baseline = coefficients[0]
            for j in 1..<coefficients.count { baseline += coefficients[j] * means[j] }
            self.baseline = baseline
            var cells: [FeatureCells]? = []
            for (f, column) in zip(encoding.features, columns) {
                guard let c = FeatureCells.make(f, column: column) else { cells = nil; break }
                cells?.append(c)
            }
            self.cells = cells
        } else {
            baseline = nil
            cells = nil
        }
        var groupNames: [String] = []
        groupOfFeature = groups.map { g in
            if let k = groupNames.firstIndex(of: g) { return k }
            groupNames.append(g)
            return groupNames.count - 1
        }
        self.groupNames = groupNames
    }

    /// Row `r`'s contributions; nil when the row cannot be encoded or the model's shape differs.
    func explain(row r: Int) -> ExplainedRow? {
        guard let cells, let baseline else { return explainByEncoding(row: r) }
        let w = coefficients, means = encoding.contributionMeans
        var contributions = [Double](repeating: 0, count: cells.count)
        var j = 1
        for (k, feature) in cells.enumerated() {
            // Σ over the feature's design columns of weight × (encoded − mean), as explainByEncoding.
            var c = 0.0
            switch feature {
            case let .number(values, e):
                guard let cell = e.encode(values[r]) else { return nil }
                c += w[j] * (cell.value - means[j])
                if e.indicator { c += w[j + 1] * (cell.indicator - means[j + 1]) }
            case let .level(codes, offsets, missing):
                let code = Int(codes[r])
                let offset = code < 0 ? missing : offsets[code]
                if offset == FeatureCells.invalid { return nil }
                for m in 0..<widths[k] { c += w[j + m] * ((m == offset ? 1 : 0) - means[j + m]) }
            }
            j += widths[k]
            contributions[k] = c
        }
        return ExplainedRow(explainer: self, row: r, contributions: contributions, baseline: baseline)
    }

    /// `explain(row:)` through `FittedEncoding.encode` of the row's raw values, as a production
    /// scorer encodes them: the reference the cells must match, and the path for the shapes
    /// they do not cover.
    func explainByEncoding(row r: Int) -> ExplainedRow? {
        let raw = (0..<columns.count).map { rawValue($0, row: r) }
        let means = encoding.contributionMeans
        guard let x = try? encoding.encode(raw), x.count == coefficients.count, means.count == coefficients.count else { return nil }
        var baseline = coefficients[0]
        for j in 1..<coefficients.count { baseline += coefficients[j] * means[j] }
        var contributions: [Double] = []
        contributions.reserveCapacity(widths.count)
        var j = 1
        for width in widths {
            var c = 0.0
            for k in j..<min(j + width, coefficients.count) {
                c += coefficients[k] * (x[k] - means[k])
            }
            j += width
            contributions.append(c)
        }
        return ExplainedRow(explainer: self, row: r, contributions: contributions, baseline: baseline)
    }

    /// Feature k's raw value in row r, as `FittedEncoding.rawRow` gives it.
    func rawValue(_ k: Int, row r: Int) -> RawValue {
        switch columns[k] {
        case nil: .missing
        case let .numeric(v)?: v[r].isNaN ? .missing : .number(v[r])
        case let .text(t)?: t.value(at: r).map { .text($0) } ?? .missing
        }
    }
}

/// One explained row: a contribution per feature (spec order), the raw values still unformatted.
struct ExplainedRow {
    let explainer: RowExplainer
    let row: Int
    let contributions: [Double]
    let baseline: Double

    func contribution(_ k: Int) -> FeatureContribution {
        FeatureContribution(feature: explainer.names[k], group: explainer.groups[k],
                            contribution: contributions[k], value: explainer.rawValue(k, row: row).shown)
    }

    /// Every contribution, values included.
    var full: RowExplanation {
        RowExplanation(contributions: contributions.indices.map(contribution), baseline: baseline)
    }

    /// `RowExplanation.top(_:)`, formatting only the values it returns.
    func top(_ n: Int) -> [FeatureContribution] {
        let names = explainer.names
        return Self.leading(n, of: contributions.indices) { a, b in
            let (x, y) = (abs(contributions[a]), abs(contributions[b]))
            return x != y ? x > y : names[a] < names[b]
        }.map(contribution)
    }

    /// `RowExplanation.healthiest(_:)`, formatting only the values it returns.
    func healthiest(_ n: Int) -> [FeatureContribution] {
        let names = explainer.names
        return Self.leading(n, of: contributions.indices.filter { contributions[$0] < 0 }) { a, b in
            contributions[a] != contributions[b] ? contributions[a] < contributions[b] : names[a] < names[b]
        }.map(contribution)
    }

    /// The first `n` of `candidates` in the order `precedes`, which must be strict and total
    /// (here: ties broken by the unique feature names): what sorting all of them and keeping a
    /// prefix gives, by insertion into a list of at most n, as a flag lists 3 of 30 features.
    static func leading(_ n: Int, of candidates: some Sequence<Int>, by precedes: (Int, Int) -> Bool) -> [Int] {
        guard n > 0 else { return [] }
        var kept: [Int] = []
        kept.reserveCapacity(n + 1)
        for c in candidates {
            if kept.count == n, let last = kept.last, !precedes(c, last) { continue }
            var at = kept.count
            while at > 0 && precedes(c, kept[at - 1]) { at -= 1 }
            kept.insert(c, at: at)
            if kept.count > n { kept.removeLast() }
        }
        return kept
    }

    /// `RowExplanation.groupSums`: summed in feature order, as there.
    /// Each group's sum is accumulated from 0 in feature order, as there, in an array indexed
    /// by group rather than through the dictionary.
    var groupSums: [String: Double] {
        var sums = [Double](repeating: 0, count: explainer.groupNames.count)
        for (g, c) in zip(explainer.groupOfFeature, contributions) { sums[g] += c }
        return Dictionary(uniqueKeysWithValues: zip(explainer.groupNames, sums))
    }
}
