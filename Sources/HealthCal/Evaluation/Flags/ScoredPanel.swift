/// The out-of-sample scores of a backtest laid out for flagging: one entry per scored
/// customer-period, in columns (parallel arrays), with the calibrated probability a
/// customer-success manager would have seen, its health score and its band.
///
/// Columnar because a quarterly extract has about a million customer-periods: every column is a
/// flat array, the band rule is resolved once per segment rather than per row, and the rows are
/// grouped by customer with one counting sort (`customerOrder`, `customerStarts`), not a
/// dictionary of arrays.
public struct ScoredPanel: Sendable {
    /// Panel row of each scored entry.
    public var row: [Int]
    /// Customer code (into `customerIDs`) of each entry.
    public var customer: [Int32]
    /// Index into `periodLabels` (the panel's chronological periods); -1 in a snapshot.
    public var period: [Int32]
    /// Segment code (into `segmentNames`); -1 when the panel has no segment column.
    public var segment: [Int32]
    /// The backtest fold that scored the entry (index into `BacktestRun.models`).
    public var fold: [Int32]
    /// Calibrated churn probability, as seen at the time.
    public var probability: [Double]
    /// Health score, 100 × (1 − probability).
    public var score: [Double]
    /// Band index within the entry's scheme (0 = riskiest).
    public var band: [Int32]
    /// Index into `schemes` of the scheme that banded the entry (0 = default, then per segment).
    public var scheme: [Int32]
    /// Whether the row failed the gate (so its band was forced to the riskiest).
    public var failedGate: [Bool]
    /// 1 churned, 0 not.
    public var churned: [Bool]

    /// Scored entries sorted by (customer, period): the entries of the k-th customer with any
    /// scored row are `customerOrder[customerStarts[k]..<customerStarts[k + 1]]`.
    public var customerOrder: [Int]
    public var customerStarts: [Int]

    public var customerIDs: [String]
    public var segmentNames: [String]
    public var periodLabels: [String]
    /// The band rule used, with the quantile cut points frozen.
    public var assignment: BandAssignment
    /// `schemes[0]` is the default; `schemes[k]` for k ≥ 1 belongs to `schemeNames[k]` (a segment).
    public var schemes: [BandScheme]
    public var schemeNames: [String]
    /// The period whose scores froze the quantile cut points (nil for fixed bands).
    public var referencePeriod: String?
    /// Quantile scheme in a period panel: scored period → the default scheme that banded it in
    /// the backtest (`bands.backtest_cuts`), and the period whose scores gave its cut points.
    /// Empty for fixed bands and snapshots, where every row uses `schemes[0]`.
    public var periodCuts: [String: PeriodCuts] = [:]

    public var count: Int { row.count }
    /// A snapshot panel has no periods; only the false-healthy flag applies.
    public var isSnapshot: Bool { periodLabels.isEmpty }

    /// The band's name for entry `i`.
    public func bandName(_ i: Int) -> String { schemes[Int(scheme[i])].bands[Int(band[i])].name }
    /// Whether entry `i` is in the healthiest band of its scheme.
    public func isHealthiest(_ i: Int) -> Bool { Int(band[i]) == schemes[Int(scheme[i])].healthiest }
    /// Whether entry `i` is in the riskiest band (index 0 in every scheme).
    public func isRiskiest(_ i: Int) -> Bool { band[i] == 0 }
    public func customerID(_ i: Int) -> String { customerIDs[Int(customer[i])] }
    public func segmentName(_ i: Int) -> String? { segment[i] < 0 ? nil : segmentNames[Int(segment[i])] }
    public func periodLabel(_ i: Int) -> String { period[i] < 0 ? "" : periodLabels[Int(period[i])] }

    /// Scheme name ("default" or a segment) → its bands, as `FlagReport.bands` holds them.
    public var schemesByName: [String: BandScheme] {
        var bands: [String: BandScheme] = [:]
        for (name, scheme) in zip(schemeNames, schemes) { bands[name] = scheme }
        return bands
    }

    /// The band rule as the weight file stores it: the default scheme, the per-segment schemes
    /// and the gate (nil without a default scheme).
    public var weightFileBands: BandAssignment? {
        var perSegment = schemesByName
        guard let scheme = perSegment.removeValue(forKey: "default") else { return nil }
        return BandAssignment(scheme: scheme, perSegment: perSegment, gate: assignment.gate)
    }
}

/// The quantile cut points that banded one backtest period, and the scored period they came from.
public struct PeriodCuts: Sendable, Codable, Equatable {
    public var from: String
    public var scheme: BandScheme
}

/// Why flags could not be computed.
public enum FlagError: Error, Sendable, Equatable, CustomStringConvertible {
    case bands(BandError)
    case mismatchedColumns(rows: Int, probabilities: Int, folds: Int)
    case gateColumnMissing(String)
    case nothingScored

    public var description: String {
        switch self {
        case .bands(let e): return e.description
        case .mismatchedColumns(let r, let p, let f):
            return "scored rows (\(r)), probabilities (\(p)) and folds (\(f)) differ in length"
        case .gateColumnMissing(let c):
            return "bands.gate names column '\(c)', but the panel has no gate values"
        case .nothingScored:
            return "the backtest scored no rows, so there is nothing to band or flag"
        }
    }
}

extension ScoredPanel {
    /// Bands a backtest's out-of-sample calibrated scores with the spec's `bands:` options.
    public static func make(panel: Panel, run: BacktestRun, options: BandOptions? = nil) throws(FlagError) -> ScoredPanel {
        try make(panel: panel, rows: run.rows, fold: run.foldOfRow, probability: run.calibratedProbability,
                 options: options ?? panel.spec.bands)
    }

    /// Bands scored `rows` of `panel` (any order, each at most once) with their calibrated
    /// probabilities.
    ///
    /// The production quantile cut points (`schemes[0]`, the weight file's) come from the
    /// reference period's scores: `reference_period: latest` is the last period with a scored row
    /// (in a snapshot: every scored row), a label must be a scored period. Backtest rows are
    /// banded only with cut points known at their time (`bands.backtest_cuts`): `previous` cuts
    /// each scored period at the quantiles of the previous scored period's calibrated scores (the
    /// thresholds a weight file shipped then would have held), the first scored period at its own
    /// ranks; `own` cuts every period at its own ranks. A snapshot uses the production cuts.
    /// Per-segment schemes (fixed lists) replace the default for their segment; a row failing
    /// the gate, or with a missing gate value, is put in the riskiest band of its scheme.
    public static func make(panel: Panel, rows: [Int], fold: [Int], probability: [Double],
                            options: BandOptions) throws(FlagError) -> ScoredPanel {
        let n = rows.count
        guard probability.count == n, fold.count == n else {
            throw .mismatchedColumns(rows: n, probabilities: probability.count, folds: fold.count)
        }
        guard n > 0 else { throw .nothingScored }
        if let gate = options.gate, panel.gate == nil { throw .gateColumnMissing(gate.column) }

        let period: [Int32] = panel.isSnapshot ? [Int32](repeating: -1, count: n) : rows.map { panel.periodOfRow[$0] }
        let segment: [Int32] = panel.segmentCodes.isEmpty ? [Int32](repeating: -1, count: n) : rows.map { panel.segmentCodes[$0] }

        // Reference scores for quantile bands.
        var referenceLabel: String? = nil
        var reference: [Double] = []
        if options.scheme == .quantile {
            if panel.isSnapshot {
                reference = probability
                referenceLabel = "all scored rows"
            } else {
                let scored = Set(period)
                let target: Int32
                if options.referencePeriod == "latest" {
                    target = scored.max() ?? -1
                } else if let k = panel.periods.firstIndex(where: { $0.label == options.referencePeriod }),
                          scored.contains(Int32(k)) {
                    target = Int32(k)
                } else {
                    let available = scored.sorted().map { panel.periods[Int($0)].label }
                    throw .bands(.unknownReferencePeriod(options.referencePeriod, available: available))
                }
                referenceLabel = panel.periods[Int(target)].label
                for i in 0..<n where period[i] == target { reference.append(probability[i]) }
            }
        }
        let assignment: BandAssignment
        do { assignment = try BandAssignment(options: options, referenceProbabilities: reference) } catch {
            throw .bands(error)
        }
        var periodCuts: [String: PeriodCuts] = [:]
        var defaultOfPeriod: [Int32: BandScheme] = [:]
        if options.scheme == .quantile && !panel.isSnapshot {
            (defaultOfPeriod, periodCuts) = try backtestCuts(period: period, probability: probability, panel: panel,
                                                             options: options)
        }

        // One scheme per segment code, resolved once.
        var schemes = [assignment.scheme]
        var schemeNames = ["default"]
        var schemeOfSegment = [Int32](repeating: 0, count: panel.segmentNames.count)
        for (s, name) in panel.segmentNames.enumerated() {
            if let own = assignment.perSegment[name] {
                schemeOfSegment[s] = Int32(schemes.count)
                schemes.append(own)
                // Keeps scheme names unique (they key the report's band schemes).
                schemeNames.append(name == "default" ? "default (segment)" : name)
            }
        }

        var band = [Int32](repeating: 0, count: n)
        var scheme = [Int32](repeating: 0, count: n)
        var failedGate = [Bool](repeating: false, count: n)
        var score = [Double](repeating: 0, count: n)
        var churned = [Bool](repeating: false, count: n)
        var fold32 = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let r = rows[i]
            let k = segment[i] < 0 ? 0 : schemeOfSegment[Int(segment[i])]
            scheme[i] = k
            score[i] = HealthScore.fromProbability(probability[i])
            churned[i] = panel.outcome[r] == 1
            fold32[i] = Int32(fold[i])
            if let gate = panel.gate, !assignment.passesGate(gate[r]) {
                failedGate[i] = true
                band[i] = Int32(schemes[Int(k)].riskiest)
            } else if k == 0, let own = defaultOfPeriod[period[i]] {
                band[i] = Int32(own.index(probability: probability[i]))
            } else {
                band[i] = Int32(schemes[Int(k)].index(probability: probability[i]))
            }
        }

        let (order, starts) = groupByCustomer(customer: rows.map { panel.customerCodes[$0] }, period: period,
                                              customers: panel.customerIDs.count)
        return ScoredPanel(row: rows, customer: rows.map { panel.customerCodes[$0] }, period: period, segment: segment,
                           fold: fold32, probability: probability, score: score, band: band, scheme: scheme,
                           failedGate: failedGate, churned: churned, customerOrder: order, customerStarts: starts,
                           customerIDs: panel.customerIDs, segmentNames: panel.segmentNames,
                           periodLabels: panel.periodLabels, assignment: assignment, schemes: schemes,
                           schemeNames: schemeNames, referencePeriod: referenceLabel, periodCuts: periodCuts)
    }

    /// The default quantile scheme of each scored period under `options.backtestCuts`: from the
    /// previous scored period's scores (the first from its own), or each from its own.
    static func backtestCuts(period: [Int32], probability: [Double], panel: Panel,
                             options: BandOptions) throws(FlagError) -> ([Int32: BandScheme], [String: PeriodCuts]) {
        var byPeriod: [Int32: [Double]] = [:]
        for (t, p) in zip(period, probability) { byPeriod[t, default: []].append(p) }
        let scored = byPeriod.keys.sorted()
        var schemes: [Int32: BandScheme] = [:]
        var cuts: [String: PeriodCuts] = [:]
        for (k, t) in scored.enumerated() {
            let from = options.backtestCuts == .previous && k > 0 ? scored[k - 1] : t
            do {
                schemes[t] = try BandScheme(quantile: options.quantile, referenceProbabilities: byPeriod[from] ?? [])
            } catch { throw .bands(error) }
            let label = panel.periods[Int(t)].label
            cuts[label] = PeriodCuts(from: panel.periods[Int(from)].label, scheme: schemes[t] ?? BandScheme(bands: []))
        }
        return (schemes, cuts)
    }

    /// Counting sort by customer code, then by period within a customer (a customer has few
    /// periods, so an insertion sort per customer is linear in practice).
    static func groupByCustomer(customer: [Int32], period: [Int32], customers: Int) -> (order: [Int], starts: [Int]) {
        let grouped = SortOrder.grouped(by: customer, buckets: customers)
        var order = grouped.order
        let counts = grouped.start
        var starts: [Int] = [0]
        for k in 0..<customers where counts[k + 1] > counts[k] {
            var j = counts[k] + 1
            while j < counts[k + 1] {
                let x = order[j]
                var m = j - 1
                while m >= counts[k] && period[order[m]] > period[x] {
                    order[m + 1] = order[m]
                    m -= 1
                }
                order[m + 1] = x
                j += 1
            }
            starts.append(counts[k + 1])
        }
        return (order, starts)
    }
}
