/// A count out of a count, with the share (nil when the denominator is 0).
public struct Share: Sendable, Codable, Equatable {
    public var count: Int
    public var of: Int
    public var share: Double? { of > 0 ? Double(count) / Double(of) : nil }

    public init(count: Int, of: Int) {
        self.count = count
        self.of = of
    }

    enum CodingKeys: String, CodingKey { case count, of, share }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        count = try c.decode(Int.self, forKey: .count)
        of = try c.decode(Int.self, forKey: .of)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(count, forKey: .count)
        try c.encode(of, forKey: .of)
        try c.encodeIfPresent(share, forKey: .share)
    }
}

/// A share overall, per segment and per period.
public struct ShareBreakdown: Sendable, Codable, Equatable {
    public var overall: Share
    public var bySegment: [String: Share]
    public var byPeriod: [String: Share]

    enum CodingKeys: String, CodingKey { case overall, bySegment = "by_segment", byPeriod = "by_period" }
}

/// One line of the band table: a band's scored rows and churners in one period (or "all").
public struct BandTableRow: Sendable, Codable, Equatable {
    public var period: String
    /// "default" or the segment whose own bands these are.
    public var scheme: String
    /// 0 = riskiest.
    public var bandIndex: Int
    public var band: String
    /// Scored customer-periods in the band (each customer once per period); row weights are
    /// not applied, the flags count customers.
    public var customers: Int
    public var churners: Int
    public var churnRate: Double?

    enum CodingKeys: String, CodingKey {
        case period, scheme, bandIndex = "band_index", band, customers, churners, churnRate = "churn_rate"
    }
}

/// A riskier band that churned less than the next healthier non-empty band, in one period.
public struct BandOrderIssue: Sendable, Codable, Equatable {
    public var period: String
    public var scheme: String
    public var riskierBand: String
    public var riskierChurnRate: Double
    public var healthierBand: String
    public var healthierChurnRate: Double

    enum CodingKeys: String, CodingKey {
        case period, scheme, riskierBand = "riskier_band", riskierChurnRate = "riskier_churn_rate"
        case healthierBand = "healthier_band", healthierChurnRate = "healthier_churn_rate"
    }
}

/// The summaries DESIGN.md asks for, on out-of-sample scores.
public struct FlagSummary: Sendable, Codable, Equatable {
    /// Scored rows and churners per band, per period and over all periods ("all").
    public var bandTable: [BandTableRow]
    /// Periods (and "all") where the bands are not ordered by churn rate.
    public var bandOrderIssues: [BandOrderIssue]
    /// Churned customer-periods that were in the healthiest band, out of all churned ones.
    public var falseHealthyShareOfChurners: ShareBreakdown
    /// Overall and per segment: customers with a reported persistent streak out of customers
    /// ever in the riskiest band. Per period: riskiest-band rows that belong to a reported
    /// streak out of all riskiest-band rows of that period.
    public var persistentShareOfRiskiest: ShareBreakdown
    /// Number of flags of each kind.
    public var flagCounts: [String: Int]
    /// Score-drop alerts per period (the period after the drop).
    public var scoreDropsByPeriod: [String: Int]
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case bandTable = "band_table", bandOrderIssues = "band_order_issues"
        case falseHealthyShareOfChurners = "false_healthy_share_of_churners"
        case persistentShareOfRiskiest = "persistent_share_of_riskiest", flagCounts = "flag_counts"
        case scoreDropsByPeriod = "score_drops_by_period", notes
    }

    /// The label of the pooled rows of the band table and of a snapshot's only "period".
    public static let allPeriods = "all"

    static func make(scored: ScoredPanel, flags: [CustomerFlag], inPersistentStreak: [Bool]) -> FlagSummary {
        let n = scored.count
        let periodCount = max(1, scored.periodLabels.count)
        let periodName = { (p: Int32) -> String in p < 0 ? allPeriods : scored.periodLabels[Int(p)] }
        let segmentName = { (s: Int32) -> String in s < 0 ? "(none)" : scored.segmentNames[Int(s)] }

        // Band table: counts[(period slot, scheme, band)], slot periodCount = all periods.
        let slots = periodCount + 1
        var offset: [Int] = [0]
        for s in scored.schemes { offset.append((offset.last ?? 0) + s.bands.count) }
        let width = offset.last ?? 0
        var rows = [Int](repeating: 0, count: slots * width)
        var churners = rows
        for i in 0..<n {
            let col = offset[Int(scored.scheme[i])] + Int(scored.band[i])
            let p = scored.period[i] < 0 ? 0 : Int(scored.period[i])
            for slot in [p, periodCount] {
                rows[slot * width + col] += 1
                if scored.churned[i] { churners[slot * width + col] += 1 }
            }
        }
        var table: [BandTableRow] = []
        var issues: [BandOrderIssue] = []
        let scoredPeriods = Set(scored.period)
        for slot in 0..<slots {
            if slot < periodCount && (scored.isSnapshot || !scoredPeriods.contains(Int32(slot))) { continue }
            let label = slot == periodCount ? allPeriods : scored.periodLabels[slot]
            for (k, scheme) in scored.schemes.enumerated() {
                var lines: [BandTableRow] = []
                for (b, band) in scheme.bands.enumerated() {
                    let c = rows[slot * width + offset[k] + b], y = churners[slot * width + offset[k] + b]
                    lines.append(BandTableRow(period: label, scheme: scored.schemeNames[k], bandIndex: b, band: band.name,
                                              customers: c, churners: y, churnRate: c > 0 ? Double(y) / Double(c) : nil))
                }
                guard lines.contains(where: { $0.customers > 0 }) else { continue }
                table += lines
                // Adjacent non-empty bands, riskiest first: churn rates should not increase.
                let filled = lines.filter { $0.churnRate != nil }
                for (a, b) in zip(filled, filled.dropFirst()) {
                    if let ra = a.churnRate, let rb = b.churnRate, ra < rb {
                        issues.append(BandOrderIssue(period: label, scheme: a.scheme, riskierBand: a.band, riskierChurnRate: ra,
                                                     healthierBand: b.band, healthierChurnRate: rb))
                    }
                }
            }
        }

        // The shares are keyed by segment and period name. They are counted per name slot
        // (codes with the same name share one) in arrays, and the customers ever red per
        // customer, rather than through dictionaries and sets on every row.
        let segmentSlots = NameSlots((-1..<Int32(scored.segmentNames.count)).map(segmentName))
        let periodSlots = NameSlots((-1..<Int32(scored.periodLabels.count)).map(periodName))
        // False-healthy share of churners, per row. A name gets an entry once it has a churner.
        var fhAll = Share(count: 0, of: 0)
        var fhSeg = segmentSlots.shares(), fhPer = periodSlots.shares()
        // Persistent share: riskiest-band rows per period (an entry once it has one).
        var redRows = periodSlots.shares()
        for i in 0..<n {
            let seg = segmentSlots.slot(ofCode: scored.segment[i]), per = periodSlots.slot(ofCode: scored.period[i])
            if scored.churned[i] {
                let hit = scored.isHealthiest(i) ? 1 : 0
                fhAll.count += hit; fhAll.of += 1
                fhSeg[seg].count += hit; fhSeg[seg].of += 1
                fhPer[per].count += hit; fhPer[per].of += 1
            }
            if scored.isRiskiest(i) {
                redRows[per].of += 1
                if inPersistentStreak[i] { redRows[per].count += 1 }
            }
        }
        // Customers ever in the riskiest band, and with a reported streak, overall and per
        // segment (a customer counts once per segment it was red in).
        var redCustomers = 0, streakCustomers = 0
        var persistentBySlot = segmentSlots.shares()
        var redSlots: [Int] = [], streakSlots: [Int] = []
        for k in 0..<(scored.customerStarts.count - 1) {
            redSlots.removeAll(keepingCapacity: true)
            streakSlots.removeAll(keepingCapacity: true)
            for i in scored.customerOrder[scored.customerStarts[k]..<scored.customerStarts[k + 1]] where scored.isRiskiest(i) {
                let seg = segmentSlots.slot(ofCode: scored.segment[i])
                if !redSlots.contains(seg) { redSlots.append(seg) }
                if inPersistentStreak[i] && !streakSlots.contains(seg) { streakSlots.append(seg) }
            }
            if !redSlots.isEmpty { redCustomers += 1 }
            if !streakSlots.isEmpty { streakCustomers += 1 }
            for seg in redSlots { persistentBySlot[seg].of += 1 }
            for seg in streakSlots { persistentBySlot[seg].count += 1 }
        }

        // Counted through the flags' fields, not copies of whole flags (each copy retains a
        // flag's arrays, tens of thousands of cold objects).
        var kindCounts = [Int](repeating: 0, count: FlagKind.allCases.count)
        var drops: [String: Int] = [:]
        for k in flags.indices {
            let kind = flags[k].kind
            kindCounts[FlagKind.allCases.firstIndex(of: kind) ?? 0] += 1
            if kind == .scoreDrop { drops[flags[k].endPeriod, default: 0] += 1 }
        }
        let counts = Dictionary(uniqueKeysWithValues: zip(FlagKind.allCases.map(\.rawValue), kindCounts))
        var notes: [String] = []
        if !issues.isEmpty {
            notes.append("bands out of order by churn rate in \(issues.count) place\(issues.count == 1 ? "" : "s") (see band_order_issues); small bands make this noisy")
        }
        return FlagSummary(bandTable: table, bandOrderIssues: issues,
                           falseHealthyShareOfChurners: ShareBreakdown(overall: fhAll, bySegment: scored.segmentNames.isEmpty ? [:] : segmentSlots.named(fhSeg),
                                                                       byPeriod: periodSlots.named(fhPer)),
                           persistentShareOfRiskiest: ShareBreakdown(overall: Share(count: streakCustomers, of: redCustomers),
                                                                     bySegment: scored.segmentNames.isEmpty ? [:] : segmentSlots.named(persistentBySlot),
                                                                     byPeriod: periodSlots.named(redRows)),
                           flagCounts: counts, scoreDropsByPeriod: drops, notes: notes)
    }
}

/// Names (of segment or period codes, from code -1 up) as dense slots, equal names sharing one,
/// for counting shares in arrays that become dictionaries keyed by name.
struct NameSlots {
    let names: [String]
    private let slotOfCode: [Int]

    init(_ nameOfCode: [String]) {
        var slotOfName: [String: Int] = [:]
        var names: [String] = []
        slotOfCode = nameOfCode.map { name in
            if let slot = slotOfName[name] { return slot }
            names.append(name)
            slotOfName[name] = names.count - 1
            return names.count - 1
        }
        self.names = names
    }

    /// The slot of code `code` (-1 included).
    func slot(ofCode code: Int32) -> Int { slotOfCode[Int(code) + 1] }

    /// An empty share per slot.
    func shares() -> [Share] { Array(repeating: Share(count: 0, of: 0), count: names.count) }

    /// The shares by name, for the slots that counted anything (a denominator above 0).
    func named(_ shares: [Share]) -> [String: Share] {
        var out: [String: Share] = [:]
        for (name, share) in zip(names, shares) where share.of > 0 { out[name] = share }
        return out
    }
}
