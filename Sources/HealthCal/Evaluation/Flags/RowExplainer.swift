/// Explains many rows of one panel with one model, for the flags: the panel column of each
/// encoded feature is looked up once (not by name for every row), and a contribution's raw
/// value is written out as text only for the few contributions a flag lists, not for every
/// feature of every explained row. The arithmetic is `RowExplanation.explain`'s, which is built
/// on this type.
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

    init(panel: Panel, encoding: FittedEncoding, coefficients: [Double]) {
        self.encoding = encoding
        self.coefficients = coefficients
        columns = encoding.features.map { f in panel.features.first { $0.name == f.name }?.values }
        groups = encoding.features.map { $0.group ?? RowExplanation.ungrouped }
        names = encoding.features.map(\.name)
        widths = encoding.features.map(\.width)
    }

    /// Row `r`'s contributions; nil when the row cannot be encoded or the model's shape differs.
    func explain(row r: Int) -> ExplainedRow? {
        let raw = columns.map { column -> RawValue in
            switch column {
            case nil: return .missing
            case let .numeric(v)?: return v[r].isNaN ? .missing : .number(v[r])
            case let .text(t)?: return t.value(at: r).map { .text($0) } ?? .missing
            }
        }
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
        return ExplainedRow(explainer: self, raw: raw, contributions: contributions, baseline: baseline)
    }
}

/// One explained row: a contribution per feature (spec order), the raw values still unformatted.
struct ExplainedRow {
    let explainer: RowExplainer
    let raw: [RawValue]
    let contributions: [Double]
    let baseline: Double

    func contribution(_ k: Int) -> FeatureContribution {
        FeatureContribution(feature: explainer.names[k], group: explainer.groups[k],
                            contribution: contributions[k], value: raw[k].shown)
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
    var groupSums: [String: Double] {
        var sums: [String: Double] = [:]
        for (g, c) in zip(explainer.groups, contributions) { sums[g, default: 0] += c }
        return sums
    }
}
