import LinearAlgebra

/// Every fitted parameter of one feature's encoding, as it goes into the weight file.
///
/// One flat record per feature (fields that do not apply to its type are absent) so that a
/// production scorer in any language can read it without knowing Swift's enum layout.
/// docs/encodings.md gives the exact formula.
public struct FittedFeature: Sendable, Equatable, Codable {
    public var name: String
    public var type: FeatureSpec.Kind
    public var group: String?
    /// The design columns this feature produces, in order.
    public var columns: [String]

    // numeric and boolean
    public var transform: FeatureSpec.Transform?
    /// Frozen bounds on the transformed value (fixed clip intersected with winsorize quantiles).
    public var lower: Double?
    public var upper: Double?
    public var impute: FeatureSpec.Impute?
    /// What a missing cell becomes, on the transformed and clipped scale; nil with `impute: error`.
    public var imputeValue: Double?
    /// Whether a "name (missing)" column follows the value column.
    public var missingIndicator: Bool?
    /// Standardization: (value - center) / scale; nil when not standardized.
    public var center: Double?
    public var scale: Double?
    /// Spline knots (`transform: spline`), on the clipped scale; the k − 2 nonlinear columns
    /// follow the value (and missing-indicator) columns. Absent for every other feature.
    public var knots: [Double]?

    // categorical
    /// Levels with their own column, in column order (excludes the reference, "(other)" and "(missing)").
    public var levels: [String]?
    public var reference: String?
    /// Training levels rarer than `min_count`, which share the "(other)" column.
    public var pooled: [String]?
    public var hasOther: Bool?
    public var hasMissingLevel: Bool?
    public var unseen: FeatureSpec.Unseen?

    // transform: bins (FittedFeature+Bins.swift); absent for every other feature
    /// The cut points, ascending: bin k is [cuts[k-1], cuts[k]).
    public var cuts: [Double]?
    /// The direction the training churn rates follow across the bins.
    public var monotone: MonotoneBins.Direction?

    enum CodingKeys: String, CodingKey {
        case name, type, group, columns, transform, lower, upper, impute, imputeValue = "impute_value",
             missingIndicator = "missing_indicator", center, scale, levels, reference, pooled,
             hasOther = "has_other", hasMissingLevel = "has_missing_level", unseen, knots
        case cuts, monotone
    }

    /// How many design columns the feature fills.
    public var width: Int { columns.count }
}

/// A raw cell handed to the scalar scorer.
public enum RawValue: Sendable, Equatable {
    case number(Double)
    case text(String)
    case missing
}

/// Why one cell cannot be encoded (the scalar path's error; the matrix path turns it into a
/// `DataProblem` with line and column).
public struct EncodingProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var feature: String
    public var value: String
    public var message: String
    public var description: String { "feature \"\(feature.shownInMessage)\": \"\(value.shownInMessage)\" — \(message)" }
}

/// The fitted encoding of every feature: turns raw panel rows into design rows, identically for
/// the training matrix, backtest scoring and the production scorer.
public struct FittedEncoding: Sendable, Equatable, Codable {
    public var features: [FittedFeature]
    /// Design column names, "const" first.
    public var names: [String]
    /// Training mean of each design column ("const" included, = 1), unweighted. Contributions are
    /// weight x (encoded value - this mean), in log-odds.
    public var contributionMeans: [Double]

    enum CodingKeys: String, CodingKey { case features, names, contributionMeans = "contribution_means" }

    /// Encodes one row for the production scorer. `row[i]` is the raw value of `features[i]`;
    /// pass `.missing` for a missing cell (empty or whitespace-only text also counts as missing;
    /// other missing tokens such as "NA" are the caller's to map, as the panel does).
    /// Gives bit-identical values to `design(_:rows:)`, because both call the same cell functions.
    public func encode(_ row: [RawValue]) throws(EncodingProblem) -> [Double] {
        guard row.count == features.count else {
            throw EncodingProblem(feature: "", value: "\(row.count) values",
                                  message: "expected \(features.count) values, one per feature")
        }
        var out = [Double](repeating: 0, count: names.count)
        out[0] = 1
        var j = 1
        for (f, raw) in zip(features, row) {
            switch f.type {
            case .numeric, .boolean:
                let x: Double
                switch raw {
                case let .number(v) where v.isNaN: x = .nan
                case let .number(v): x = f.type == .boolean ? (CellParsing.binary(v) ?? .infinity) : v
                case let .text(s) where s.trimmingWhitespace.isEmpty: x = .nan
                case let .text(s): x = (f.type == .boolean ? CellParsing.binary(s) : CellParsing.number(s)) ?? .infinity
                case .missing: x = .nan
                }
                if x.isInfinite {
                    throw EncodingProblem(feature: f.name, value: raw.shown,
                                          message: f.type == .boolean ? "expected 0/1, true/false or yes/no" : "expected a number")
                }
                if f.cuts != nil {
                    if let k = try f.binColumn(x), k < f.width { out[j + k] = 1 }
                    j += f.width
                    continue
                }
                let cell = try f.encodeNumber(x)
                out[j] = cell.value
                if f.missingIndicator == true { out[j + 1] = cell.indicator }
                if let knots = f.knots {
                    let start = j + f.splineOffset
                    SplineBasis.nonlinear(try f.cleanNumber(x).value, knots: knots) { out[start + $0] = $1 }
                }
            case .categorical:
                let label: String? = switch raw {
                case let .number(v): v.isNaN ? nil : CellParsing.label(v)
                case let .text(s): s.trimmingWhitespace.isEmpty ? nil : s
                case .missing: nil
                }
                if let k = try f.categoricalColumn(label) { out[j + k] = 1 }
            }
            j += f.width
        }
        return out
    }
}

extension RawValue {
    var shown: String {
        switch self {
        case let .number(v): CellParsing.label(v)
        case let .text(s): s
        case .missing: ""
        }
    }
}

extension FittedFeature {
    /// One numeric cell: transform, clip to the frozen bounds, impute, standardize.
    /// NaN means missing. Returns the value and the missing indicator (1 when missing).
    @inline(__always)
    func encodeNumber(_ raw: Double) throws(EncodingProblem) -> (value: Double, indicator: Double) {
        var (x, indicator) = try cleanNumber(raw)
        if let center, let scale { x = (x - center) / scale }
        return (x, indicator)
    }

    /// `encodeNumber` before standardization: the value a spline's basis is evaluated at.
    @inline(__always)
    func cleanNumber(_ raw: Double) throws(EncodingProblem) -> (value: Double, indicator: Double) {
        var x = raw
        let missing = x.isNaN
        if missing {
            guard let v = imputeValue else {
                throw EncodingProblem(feature: name, value: "", message: "the value is missing and the spec says impute: error")
            }
            x = v
        } else {
            if transform == .log1p {
                guard x > -1 else {
                    throw EncodingProblem(feature: name, value: CellParsing.label(raw),
                                          message: "log1p needs values > -1")
                }
                x = x.log1pValue
            }
            if let lower, x < lower { x = lower }
            if let upper, x > upper { x = upper }
        }
        return (x, missing ? 1 : 0)
    }

    /// The offset (within this feature's columns) that a categorical value sets to 1, or nil for
    /// the reference (all zeros). nil `label` means missing.
    func categoricalColumn(_ label: String?) throws(EncodingProblem) -> Int? {
        let levels = self.levels ?? []
        let otherOffset = levels.count
        let missingOffset = levels.count + (hasOther == true ? 1 : 0)
        guard let label else { return hasMissingLevel == true ? missingOffset : nil }
        if let k = levels.firstIndex(of: label) { return k }
        if label == reference { return nil }
        if let pooled, pooled.contains(label) {
            return hasOther == true ? otherOffset : nil   // nil: "(other)" is the reference
        }
        if unseen == .error {
            throw EncodingProblem(feature: name, value: label,
                                  message: "level not seen in the training rows (unseen: error); known levels: \((levels + [reference ?? ""]).shownInMessage())")
        }
        return nil
    }
}

extension Double {
    /// log(1 + x), accurate for small x (Foundation's `log1p`).
    var log1pValue: Double { Foundation.log1p(self) }
}

import Foundation
