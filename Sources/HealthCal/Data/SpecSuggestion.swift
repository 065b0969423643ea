/// A starter spec guessed from a table, for `healthcal init`: which column is the id, the period,
/// the outcome and the segment, and how to encode every other column.
///
/// The guesses are written as YAML with comments that say what each guess rests on and which ones
/// to check (marked `CHECK`). The text parses with `Spec.parse` and, when the table has an id and
/// an outcome with both classes, builds a panel with `Panel.make`. It is a starting point, not a
/// model choice: the analyst decides transforms, reference levels and what to leave out.
public enum SpecSuggestion {
    /// Text columns with more distinct values than this are not suggested as categorical
    /// features (one column per level would swamp the model); they are listed as skipped.
    public static let maxCategoricalLevels = 50

    public static func make(table: Table) -> String {
        let profiles = table.names.indices.map { ColumnProfile(table: table, column: $0) }
        var used = Set<Int>()
        var out: [String] = [
            "# healthcal spec suggested by `healthcal init` for \(comment(table.source)) (\(table.rowCount) rows, \(table.names.count) columns).",
            "# These are guesses: check the lines marked CHECK, then edit freely (docs/spec.md lists every key).",
            "version: 1",
            "data:",
        ]

        // Period first: its values are unmistakable, and an id must not be a period.
        let periodCandidates = profiles.filter { $0.periodUnit != nil && $0.present > 0 }
        let period = periodCandidates.first { $0.named(like: ["period", "quarter", "month", "date", "snapshot", "as"]) }
            ?? periodCandidates.first
        if let period { used.insert(period.index) }

        let outcomeCandidates = profiles.filter { $0.isBinary && !used.contains($0.index) }
        let namedOutcome = outcomeCandidates.last { $0.named(like: ["churn", "outcome", "target", "label", "cancel"]) }
        let outcome = namedOutcome ?? outcomeCandidates.last
        if let outcome { used.insert(outcome.index) }

        let idCandidates = profiles.filter {
            !used.contains($0.index) && !$0.isBinary && ($0.isText || $0.isInteger) && $0.distinct >= 2
        }
        let namedID = idCandidates.filter { $0.named(like: ["id", "uuid", "customer", "account", "client", "subscriber"]) }
            .max { $0.distinct < $1.distinct }
        let mostDistinctText = idCandidates.filter { $0.isText }.max { $0.distinct < $1.distinct }
        let id = namedID ?? mostDistinctText ?? profiles.first { !used.contains($0.index) }
        if let id { used.insert(id.index) }

        let segment = profiles.first {
            !used.contains($0.index) && $0.isText && !$0.isBinary && (2...20).contains($0.distinct) && $0.missing == 0
                && $0.named(like: ["segment", "tier", "cohort"])
        }
        if let segment { used.insert(segment.index) }

        let weight = profiles.first {
            !used.contains($0.index) && !$0.isText && $0.missing == 0 && $0.present > 0 && $0.minimum > 0
                && $0.words.contains { $0 == "weight" || $0 == "weights" }
        }
        if let weight { used.insert(weight.index) }

        // data:
        if let id {
            let why = namedID != nil
                ? "\(id.isText ? "text" : "integer") column named like an id, \(id.distinct) distinct values"
                : mostDistinctText != nil
                ? "no column is named like an id; this text column has the most distinct values (\(id.distinct))"
                : "no column is named like an id or is text; this is the first column left"
            out.append("  id: \(yaml(id.name))".padded + "# CHECK: \(why)")
        } else {
            out.append("  id: \"\"".padded + "# CHECK: the table has no column to use as the customer id")
        }
        if let period, let unit = period.periodUnit, let range = period.periodRange {
            out.append("  period: \(yaml(period.name))".padded + "# CHECK: every value reads as a \(unit.rawValue) (\(range.0.label)..\(range.1.label))")
            out.append("  period_format: \(unit.format.rawValue)")
        } else {
            out.append("  # period: no column reads as quarters, months or dates, so this is a snapshot (one row per customer)")
        }
        if let outcome {
            let share = "\(percent(outcome.positiveShare)) are 1/true/yes"
            let why = namedOutcome != nil ? "0/1 column named like an outcome; \(share)"
                : "no 0/1 column is named like churn/outcome/target/label; this is the last 0/1 column; \(share)"
            out.append("  outcome: \(yaml(outcome.name))".padded + "# CHECK: \(why)")
        } else {
            out.append("  outcome: \"\"".padded + "# CHECK: no column holds only 0/1, true/false or yes/no")
        }
        if let segment {
            let levels = segment.levelsByCount.map(\.0).sorted(by: scalarOrder)
            out.append("  segment: \(yaml(segment.name))".padded + "# \(segment.distinct) segments: \(comment(levels.joined(separator: ", ")))")
        }
        if let weight { out.append("  weight: \(yaml(weight.name))".padded + "# CHECK: positive numbers named like a weight") }

        // features:
        out.append("features:")
        var skipped: [String] = []
        var featureCount = 0
        var featureProfiles: [ColumnProfile] = []
        for p in profiles where !used.contains(p.index) {
            if p.present == 0 {
                skipped.append("\(p.name): every cell is missing")
                continue
            }
            var lines: [String] = ["  - name: \(yaml(p.name))"]
            if p.isBinary {
                lines.append("    type: boolean".padded + "# \(percent(p.positiveShare)) are 1/true/yes")
            } else if p.isText {
                guard p.distinct <= maxCategoricalLevels else {
                    skipped.append("\(p.name): text with \(p.distinct) distinct values (free text or an id?)")
                    continue
                }
                let top = p.levelsByCount.first?.0 ?? ""
                lines.append("    type: categorical".padded + "# \(p.distinct) levels; reference: the most frequent (\(comment(top)))")
            } else {
                guard p.standardDeviation > 0 else {
                    skipped.append("\(p.name): every value is \(CellParsing.label(p.minimum)); it carries no information")
                    continue
                }
                lines.append("    type: numeric")
                let tailRatio = p.p95 > 0 ? p.maximum / p.p95 : 0
                if p.minimum >= 0, p.skewness > 2 || tailRatio > 5 {
                    lines.append("    transform: log1p".padded + "# non-negative with a heavy right tail (skewness \(rounded(p.skewness)), max/p95 \(rounded(tailRatio)))")
                }
            }
            if p.missing > 0 {
                let cells = "\(p.missing) missing cells (\(percent(p.missingShare)))"
                if p.isText && !p.isBinary {
                    lines.append("    # \(cells) get their own column, \(yaml(p.name + "=(missing)"))")
                } else {
                    lines.append("    missing_indicator: true".padded + "# \(cells); imputed with the \(p.isBinary ? "mode" : "median")")
                }
            }
            out += lines
            featureCount += 1
            featureProfiles.append(p)
        }
        if featureCount == 0 { out.append("  []  # CHECK: no column is left to use as a feature") }
        if !skipped.isEmpty {
            out.append("# Not suggested as features:")
            out += skipped.map { "#   \(comment($0))" }
        }
        out.append("model:")
        let hints = outcome.map { SeparationHints.find(table: table, outcome: $0, features: featureProfiles) } ?? []
        if hints.isEmpty {
            out.append("  ridge: 0                   # raise (e.g. 1) if the fit reports separation or collinearity")
        } else {
            // A rare group with one outcome (often a missing indicator) separates: without a
            // penalty the first backtest fold that holds it stops. Firth keeps the weights finite
            // and interpretable, so the suggested spec runs unedited.
            out.append("  firth: true                # CHECK: these groups predict the outcome exactly (separation):")
            out += hints.prefix(5).map { "  #   \(comment($0))" }
            if hints.count > 5 { out.append("  #   ... and \(hints.count - 5) more") }
            out += [
                "  # Plain maximum likelihood has no finite weights there, so a fit or backtest fold would stop",
                "  # with a separation error. Firth's penalized likelihood keeps them finite and nearly unbiased,",
                "  # with profile intervals. It does not combine with ridge; to use ridge instead, drop firth.",
            ]
        }
        out += [
            "backtest:",
            "  horizon: 1                 # the outcome of a period is known one period later",
            "calibration:",
            "  method: platt",
        ]
        return out.joined(separator: "\n") + "\n"
    }

    /// A column name as a YAML scalar: plain when it is unambiguous, double-quoted otherwise
    /// (names with ':', '#', quotes, leading spaces, or that YAML would read as a bool, null or
    /// number).
    static func yaml(_ s: String) -> String {
        let plainChars = s.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-. ()".unicodeScalars.contains($0)) && $0.value < 0x80
        }
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"]
        if plainChars, let first = s.unicodeScalars.first, first.properties.isAlphabetic || first == "_",
           s.last != " ", !reserved.contains(s.lowercased()), Double(s) == nil {
            return s
        }
        var q = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": q += "\\\""
            case "\\": q += "\\\\"
            case "\n": q += "\\n"
            case "\t": q += "\\t"
            case "\r": q += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    q += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    q.unicodeScalars.append(scalar)
                }
            }
        }
        return q + "\""
    }

    /// Text safe inside a YAML comment: one line.
    static func comment(_ s: String) -> String {
        String(s.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) })
    }

    static func percent(_ share: Double) -> String {
        let tenths = (share * 1000).rounded()
        return "\(Int(tenths) / 10).\(Int(tenths) % 10)%"
    }

    static func rounded(_ v: Double) -> String {
        guard v.isFinite else { return "\(v)" }
        let tenths = Int((abs(v) * 10).rounded())
        return (v < 0 ? "-" : "") + "\(tenths / 10).\(tenths % 10)"
    }
}

private extension String {
    /// The line padded so that comments start in one column, as in docs/spec.md.
    var padded: String { count >= 29 ? self + " " : self + String(repeating: " ", count: 29 - count) }
}
