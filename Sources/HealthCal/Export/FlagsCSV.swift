/// The spreadsheet views of a flag report: `flags.csv` (one row per flag) and `bands.csv` (the
/// band table). Everything, with full precision, is in `flags.json`; these round scores to 2
/// decimals and contributions to 4 for reading.
extension FlagReport {
    /// One row per flag: kind, customer, segment, periods (";"-separated), the explained row's
    /// score and band, drop or streak details, the score trajectory ("period score band" joined
    /// by " > "), the top contributions as feature/contribution/value column triples, the
    /// healthiest-looking features of false-healthy churners, and one sub-score column per group.
    public func flagsCSV() -> String {
        String(decoding: Array(flagsCSVParts().joined()), as: UTF8.self)
    }

    /// `flagsCSV()` as UTF-8 bytes in parts, to be written one after the other
    /// (`OutputFile.write(parts:)`) without joining tens of MB: the header, then runs of flags
    /// written on every core (rows are independent), in order.
    public func flagsCSVParts() -> [[UInt8]] {
        let n = max(0, options.topFeatures)
        var groupSet = Set<String>()
        for f in flags { groupSet.formUnion(f.subScores.keys) }
        let groups = groupSet.sorted()
        var csv = CSVWriter()
        csv.row(Self.flagsCSVHeader(topFeatures: n, groups: groups))
        let runs = max(1, min(flags.count / 2_000, 8))
        let parts = concurrentMap(runs) { k in
            var part = CSVWriter()
            var scratch: [UInt8] = []
            for f in flags[(k * flags.count / runs)..<((k + 1) * flags.count / runs)] {
                Self.appendRow(f, topFeatures: n, groups: groups, to: &part, scratch: &scratch)
            }
            return part.bytes
        }
        return [csv.bytes] + parts
    }

    /// The header: the fixed columns, a feature/contribution/value triple per listed top and
    /// healthiest feature, and a sub-score column per group.
    static func flagsCSVHeader(topFeatures n: Int, groups: [String]) -> [String] {
        var header = ["kind", "customer", "segment", "periods", "start_period", "end_period", "score", "band",
                      "previous_score", "drop", "streak_length", "failed_gate", "trajectory"]
        for prefix in ["top", "healthiest"] {
            for k in 1...max(1, n) where n > 0 {
                header += ["\(prefix)_\(k)_feature", "\(prefix)_\(k)_contribution", "\(prefix)_\(k)_value"]
            }
        }
        return header + groups.map { "subscore_\($0)" }
    }

    /// One flag's row; `scratch` is space reused from row to row. Cells are appended one by
    /// one (no array of cells per row) and the ";"-joined periods and the trajectory are built
    /// as bytes in `scratch`, with the same rule as a text cell.
    private static func appendRow(_ f: CustomerFlag, topFeatures n: Int, groups: [String], to csv: inout CSVWriter,
                                  scratch: inout [UInt8]) {
        csv.append(.text(f.kind.rawValue))
        csv.append(.text(f.customer))
        csv.append(f.segment.map { .text($0) } ?? .empty)
        scratch.removeAll(keepingCapacity: true)
        for (k, period) in f.periods.enumerated() {
            if k > 0 { scratch.append(0x3B) }
            CSVWriter.appendUTF8(period, to: &scratch)
        }
        csv.appendText(utf8: scratch)
        csv.append(.text(f.startPeriod))
        csv.append(.text(f.endPeriod))
        csv.append(.number(f.score, decimals: 2))
        csv.append(.text(f.band))
        csv.append(.optional(f.previousScore, decimals: 2))
        csv.append(.optional(f.drop, decimals: 2))
        csv.append(f.streakLength.map { .integer($0) } ?? .empty)
        csv.append(.text(f.failedGate ? "yes" : "no"))
        // "period score band" per point, joined by " > ".
        scratch.removeAll(keepingCapacity: true)
        for (k, point) in f.trajectory.enumerated() {
            if k > 0 {
                scratch.append(0x20)
                scratch.append(0x3E)
                scratch.append(0x20)
            }
            CSVWriter.appendUTF8(point.period, to: &scratch)
            scratch.append(0x20)
            CSVWriter.appendFixed(point.score, decimals: 1, to: &scratch)
            scratch.append(0x20)
            CSVWriter.appendUTF8(point.band, to: &scratch)
        }
        csv.appendText(utf8: scratch)
        for list in [f.topContributions, f.healthiestContributions] where n > 0 {
            for k in 0..<n {
                if k < list.count {
                    csv.append(.text(list[k].feature))
                    csv.append(.number(list[k].contribution, decimals: 4))
                    csv.appendValue(list[k].value)
                } else {
                    for _ in 0..<3 { csv.append(.empty) }
                }
            }
        }
        for g in groups { csv.append(.optional(f.subScores[g], decimals: 4)) }
        csv.endRow()
    }

    /// The band table: period ("all" = pooled), scheme, band, customers, churners, churn rate,
    /// and whether that band churned less than the next healthier one (out of order).
    public func bandsCSV() -> String {
        var csv = CSVWriter()
        csv.row(["period", "scheme", "band_index", "band", "customers", "churners", "churn_rate", "out_of_order"])
        let inverted = Set(summary.bandOrderIssues.map { "\($0.period)\u{0}\($0.scheme)\u{0}\($0.riskierBand)" })
        for r in summary.bandTable {
            csv.row([.text(r.period), .text(r.scheme), .integer(r.bandIndex), .text(r.band), .integer(r.customers),
                     .integer(r.churners), .optional(r.churnRate, decimals: 4),
                     .text(inverted.contains("\(r.period)\u{0}\(r.scheme)\u{0}\(r.band)") ? "yes" : "")])
        }
        return csv.text
    }
}
