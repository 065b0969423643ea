import Foundation
import Yams

/// One thing wrong with a spec file, located by line (when YAML gave one) and key path.
public struct SpecIssue: Sendable, Equatable, CustomStringConvertible {
    /// 1-based line in the spec file, when known.
    public var line: Int?
    /// The key path, e.g. "features[2].standardise" or "bands.quantile".
    public var key: String
    /// The whole message, naming the key: "unknown key 'standardise' in features[2]; did you mean 'standardize'?".
    public var message: String

    public init(line: Int? = nil, key: String, message: String) {
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String { (line.map { "line \($0): " } ?? "") + message }
}

/// The spec cannot be used; carries its file path and every issue found.
public struct SpecError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var issues: [SpecIssue]

    public init(file: String, issues: [SpecIssue]) {
        self.file = file
        self.issues = issues
    }

    public var description: String {
        let lines = issues.map { issue in "  \(file)\(issue.line.map { ":\($0)" } ?? ""): \(issue.message)" }
        let head = issues.count == 1 ? "1 problem in the spec \(file):" : "\(issues.count) problems in the spec \(file):"
        return ([head] + lines).joined(separator: "\n")
    }
}

extension Spec {
    /// Reads, checks and validates the spec at `path`.
    public static func load(path: String) throws(SpecError) -> Spec {
        let text: String
        do { text = try InputFile.text(path) } catch {
            throw SpecError(file: path, issues: [SpecIssue(key: "", message: error.reason)])
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses YAML text: rejects unknown keys (suggesting the closest valid one) and unknown
    /// values of enumerated options, decodes with defaults, then runs `validate()`. `file` is
    /// only used in messages.
    public static func parse(yaml text: String, file: String = "<spec>") throws(SpecError) -> Spec {
        let node: Node
        do {
            guard let n = try Yams.compose(yaml: text) else {
                throw SpecError(file: file, issues: [SpecIssue(key: "", message: "the spec is empty")])
            }
            node = n
        } catch let e as SpecError {
            throw e
        } catch {
            throw SpecError(file: file, issues: [SpecIssue(key: "", message: "not valid YAML: \(error)")])
        }
        var issues: [SpecIssue] = []
        SpecSchema.root.check(node, path: "", issues: &issues)
        if !issues.isEmpty { throw SpecError(file: file, issues: issues) }
        let spec: Spec
        do {
            spec = try YAMLDecoder().decode(Spec.self, from: node)
        } catch let e as DecodingError {
            throw SpecError(file: file, issues: [describe(e, root: node)])
        } catch {
            throw SpecError(file: file, issues: [SpecIssue(key: "", message: "cannot read the spec: \(error)")])
        }
        let problems = spec.validationIssues()
        if !problems.isEmpty {
            throw SpecError(file: file, issues: problems.map { p in
                SpecIssue(line: SpecSchema.line(of: p.key, in: node), key: p.key, message: p.message)
            })
        }
        return spec
    }

    /// Turns a Codable error into a message naming the key path and what was expected.
    private static func describe(_ error: DecodingError, root: Node) -> SpecIssue {
        func path(_ keys: [any CodingKey]) -> String {
            var s = ""
            for k in keys {
                if let i = k.intValue { s += "[\(i)]" } else { s += s.isEmpty ? k.stringValue : ".\(k.stringValue)" }
            }
            return s
        }
        switch error {
        case let .keyNotFound(key, ctx):
            let owner = path(ctx.codingPath)
            let full = owner.isEmpty ? key.stringValue : "\(owner).\(key.stringValue)"
            return SpecIssue(line: SpecSchema.line(of: owner, in: root), key: full,
                             message: "missing required key '\(key.stringValue.shownInMessage)'\(owner.isEmpty ? "" : " in \(owner)")")
        case let .typeMismatch(type, ctx):
            let p = path(ctx.codingPath)
            return SpecIssue(line: SpecSchema.line(of: p, in: root), key: p,
                             message: "'\(p.shownInMessage)' must be \(SpecSchema.typeName(type))")
        case let .valueNotFound(type, ctx):
            let p = path(ctx.codingPath)
            return SpecIssue(line: SpecSchema.line(of: p, in: root), key: p,
                             message: "'\(p.shownInMessage)' has no value; expected \(SpecSchema.typeName(type))")
        case let .dataCorrupted(ctx):
            let p = path(ctx.codingPath)
            return SpecIssue(line: SpecSchema.line(of: p, in: root), key: p,
                             message: "'\(p.shownInMessage)': \(ctx.debugDescription)")
        @unknown default:
            return SpecIssue(key: "", message: "cannot read the spec: \(error)")
        }
    }
}

/// The shape of a spec file, derived from the Codable keys so the two cannot drift apart.
/// Used before decoding to reject keys Codable would silently ignore.
indirect enum SpecSchema: Sendable {
    /// A mapping with exactly these keys (each with its own shape).
    case map(String, [(String, SpecSchema)])
    /// A list whose items share one shape.
    case list(SpecSchema)
    /// A mapping with free keys (segment names) whose values share one shape.
    case dict(SpecSchema)
    /// A scalar, a list of scalars, anything the decoder checks by type.
    case value
    /// A scalar from a closed set of words.
    case oneOf([String])

    static func keys<K: CodingKey & CaseIterable>(_: K.Type) -> [String] { K.allCases.map(\.stringValue) }

    // Built on each use (once per spec read) rather than held in globals: an indirect enum keeps
    // its case in the spare bits of the box pointer, so a global holding one hides its boxes from
    // LeakSanitizer, which reported each as leaked (docs/sanitizers.md).
    static var fixedBand: SpecSchema { .map("a fixed band", keys(BandOptions.FixedBand.CodingKeys.self).map { ($0, .value) }) }

    static var root: SpecSchema { .map("the spec", [
        ("version", .value),
        ("data", .map("data", [
            ("id", .value), ("period", .value),
            ("period_format", .oneOf(PeriodFormat.allCases.map(\.rawValue))),
            ("outcome", .value), ("segment", .value), ("weight", .value), ("delimiter", .value), ("missing", .value),
        ])),
        ("features", .list(.map("a feature", [
            ("name", .value), ("type", .oneOf(FeatureSpec.Kind.allCases.map(\.rawValue))), ("group", .value),
            ("transform", .oneOf(FeatureSpec.Transform.allCases.map(\.rawValue))), ("clip", .value), ("winsorize", .value),
            ("impute", .oneOf(FeatureSpec.Impute.allCases.map(\.rawValue))), ("impute_value", .value),
            ("missing_indicator", .oneOf(["auto", "true", "false"])), ("standardize", .value),
            ("reference", .value), ("min_count", .value),
            ("unseen", .oneOf(FeatureSpec.Unseen.allCases.map(\.rawValue))), ("knots", .value),
            ("max_bins", .value), ("monotone", .oneOf(MonotoneBins.Direction.allCases.map(\.rawValue))), ("min_bin_share", .value),
        ]))),
        ("model", .map("model", keys(ModelOptions.CodingKeys.self).map {
            switch $0 {
            case "covariance": ($0, .oneOf(CovarianceType.allCases.map(\.rawValue)))
            case "penalty": ($0, .map("model.penalty", keys(PenaltyOptions.CodingKeys.self).map { ($0, .value) }))
            case "select": ($0, .oneOf(PenaltySelection.allCases.map(\.rawValue)))
            default: ($0, .value)
            }
        })),
        ("backtest", .map("backtest", keys(BacktestOptions.CodingKeys.self).map {
            ($0, $0 == "window" ? .oneOf(BacktestOptions.Window.allCases.map(\.rawValue)) : .value)
        })),
        ("calibration", .map("calibration", [("method", .oneOf(CalibrationOptions.Method.allCases.map(\.rawValue)))])),
        ("bands", .map("bands", [
            ("scheme", .oneOf(BandOptions.Scheme.allCases.map(\.rawValue))),
            ("reference_period", .value),
            ("backtest_cuts", .oneOf(BandOptions.BacktestCuts.allCases.map(\.rawValue))),
            ("quantile", .list(.map("a quantile band", keys(BandOptions.QuantileBand.CodingKeys.self).map { ($0, .value) }))),
            ("fixed", .list(fixedBand)),
            ("per_segment", .dict(.list(fixedBand))),
            ("gate", .map("gate", keys(BandOptions.Gate.CodingKeys.self).map { ($0, .value) })),
        ])),
        ("flags", .map("flags", keys(FlagOptions.CodingKeys.self).map { ($0, .value) })),
    ]) }

    func check(_ node: Node, path: String, issues: inout [SpecIssue]) {
        switch self {
        case .value:
            return
        case let .oneOf(words):
            guard case let .scalar(s) = node else { return }
            let v = s.string
            if !words.contains(v) && !(words.contains("true") && ["true", "false", "yes", "no"].contains(v.lowercased())) {
                issues.append(SpecIssue(line: node.mark?.line, key: path,
                                        message: "unknown value '\(v.shownInMessage)' for \(path); expected one of \(words.joined(separator: ", "))"
                                            + EditDistance.suggestion(for: v, in: words)))
            }
        case let .list(item):
            guard case let .sequence(seq) = node else {
                issues.append(SpecIssue(line: node.mark?.line, key: path, message: "'\(path.shownInMessage)' must be a list"))
                return
            }
            for (i, child) in seq.enumerated() { item.check(child, path: "\(path)[\(i)]", issues: &issues) }
        case let .dict(value):
            guard case let .mapping(map) = node else {
                issues.append(SpecIssue(line: node.mark?.line, key: path, message: "'\(path.shownInMessage)' must be a mapping"))
                return
            }
            for (k, v) in map { value.check(v, path: "\(path).\(k.string ?? "?")", issues: &issues) }
        case let .map(what, fields):
            guard case let .mapping(map) = node else {
                issues.append(SpecIssue(line: node.mark?.line, key: path,
                                        message: "\(path.isEmpty ? "the spec" : "'\(path.shownInMessage)'") must be a mapping of keys (\(what))"))
                return
            }
            let names = fields.map(\.0)
            for (k, v) in map {
                let key = k.string ?? "?"
                let child = path.isEmpty ? key : "\(path).\(key)"
                if let shape = fields.first(where: { $0.0 == key })?.1 {
                    shape.check(v, path: child, issues: &issues)
                } else {
                    let place = path.isEmpty ? "at the top level" : "in \(path)"
                    issues.append(SpecIssue(line: k.mark?.line, key: child,
                                            message: "unknown key '\(key.shownInMessage)' \(place)" + EditDistance.suggestion(for: key, in: names)
                                                + (EditDistance.closest(to: key, in: names) == nil ? "; valid keys: \(names.joined(separator: ", "))" : "")))
                }
            }
        }
    }

    /// The line of the node at `path` ("features[2].clip"), or of its nearest existing parent.
    static func line(of path: String, in root: Node) -> Int? {
        var node = root
        var line = root.mark?.line
        var rest = Substring(path)
        while !rest.isEmpty {
            if rest.first == "." { rest = rest.dropFirst() }
            if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]"), let i = Int(rest[rest.index(after: rest.startIndex)..<close]),
                      case let .sequence(seq) = node, i >= 0, i < seq.count else { return line }
                node = seq[i]
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex(where: { $0 == "." || $0 == "[" }) ?? rest.endIndex
                let key = String(rest[..<end])
                guard case let .mapping(map) = node, let child = map[key] else { return line }
                node = child
                rest = rest[end...]
            }
            line = node.mark?.line ?? line
        }
        return line
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "text"
        case is [Double].Type: "a list of numbers"
        case is [String].Type: "a list of text values"
        default: "a \(type)"
        }
    }
}
