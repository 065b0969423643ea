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

        // False-healthy share of churners, per row.
        var fhAll = Share(count: 0, of: 0)
        var fhSeg: [String: Share] = [:], fhPer: [String: Share] = [:]
        // Persistent share: rows per period; customers overall and per segment.
        var redRows: [String: Share] = [:]
        var redCustomers = Set<Int32>(), streakCustomers = Set<Int32>()
        var redBySegment: [String: Set<Int32>] = [:], streakBySegment: [String: Set<Int32>] = [:]
        for i in 0..<n {
            let seg = segmentName(scored.segment[i]), per = periodName(scored.period[i])
            if scored.churned[i] {
                let hit = scored.isHealthiest(i) ? 1 : 0
                fhAll.count += hit; fhAll.of += 1
                fhSeg[seg, default: .init(count: 0, of: 0)].count += hit; fhSeg[seg, default: .init(count: 0, of: 0)].of += 1
                fhPer[per, default: .init(count: 0, of: 0)].count += hit; fhPer[per, default: .init(count: 0, of: 0)].of += 1
            }
            if scored.isRiskiest(i) {
                let c = scored.customer[i]
                redCustomers.insert(c)
                redBySegment[seg, default: []].insert(c)
                redRows[per, default: .init(count: 0, of: 0)].of += 1
                if inPersistentStreak[i] {
                    streakCustomers.insert(c)
                    streakBySegment[seg, default: []].insert(c)
                    redRows[per, default: .init(count: 0, of: 0)].count += 1
                }
            }
        }
        let persistentSeg = redBySegment.mapValues { Share(count: 0, of: $0.count) }
            .merging(streakBySegment.mapValues { Share(count: $0.count, of: 0) }) { Share(count: $1.count, of: $0.of) }

        var counts: [String: Int] = [:]
        for kind in FlagKind.allCases { counts[kind.rawValue] = 0 }
        var drops: [String: Int] = [:]
        for f in flags {
            counts[f.kind.rawValue, default: 0] += 1
            if f.kind == .scoreDrop { drops[f.endPeriod, default: 0] += 1 }
        }
        var notes: [String] = []
        if !issues.isEmpty {
            notes.append("bands out of order by churn rate in \(issues.count) place\(issues.count == 1 ? "" : "s") (see band_order_issues); small bands make this noisy")
        }
        return FlagSummary(bandTable: table, bandOrderIssues: issues,
                           falseHealthyShareOfChurners: ShareBreakdown(overall: fhAll, bySegment: scored.segmentNames.isEmpty ? [:] : fhSeg, byPeriod: fhPer),
                           persistentShareOfRiskiest: ShareBreakdown(overall: Share(count: streakCustomers.count, of: redCustomers.count),
                                                                     bySegment: scored.segmentNames.isEmpty ? [:] : persistentSeg, byPeriod: redRows),
                           flagCounts: counts, scoreDropsByPeriod: drops, notes: notes)
    }
}
