/// One feature's fitted encoding unpacked for reading a panel row straight from the feature's
/// column, for `RowExplainer`: no `[RawValue]` per row and no `FittedFeature` copied per cell.
///
/// The arithmetic is `FittedEncoding.encode`'s (through `FittedFeature.encodeNumber` and
/// `categoricalColumn`), operation for operation, so the design values are the same bits; a
/// cell that `encode` would reject gives nil here. `make` declines (nil) the shapes it does not
/// cover (a missing column, a column of the other kind, a design width the encoding would not
/// produce), and the explainer then takes `encode` itself.
enum FeatureCells {
    /// A numeric or boolean feature read from a numeric column.
    case number(values: [Double], NumberEncoding)
    /// A categorical feature read from a text column: the offset (within the feature's columns)
    /// each level code sets to 1; `noColumn` for the reference, `invalid` for a level `encode`
    /// rejects; `missing` is the offset of a missing cell.
    case level(codes: [Int32], offsets: [Int], missing: Int)

    static let noColumn = -1
    static let invalid = -2

    /// `FittedFeature`'s numeric fields, read once.
    struct NumberEncoding {
        var boolean: Bool
        var impute: Double?
        var log1p: Bool
        var lower: Double?
        var upper: Double?
        var center: Double?
        var scale: Double?
        var indicator: Bool

        /// `encodeNumber` of raw value `v` (NaN: missing), after `encode`'s check of the raw
        /// value; nil where either throws.
        @inline(__always)
        func encode(_ v: Double) -> (value: Double, indicator: Double)? {
            var x = v
            let missing = x.isNaN
            if missing {
                guard let impute else { return nil }
                x = impute
            } else {
                // encode: a boolean must be 0 or 1 (`CellParsing.binary`), a number finite.
                if boolean ? !(x == 0 || x == 1) : x.isInfinite { return nil }
                if log1p {
                    guard x > -1 else { return nil }
                    x = x.log1pValue
                }
                if let lower, x < lower { x = lower }
                if let upper, x > upper { x = upper }
            }
            if let center, let scale { x = (x - center) / scale }
            return (x, missing ? 1 : 0)
        }
    }

    /// nil when `encode` must handle the feature (see the type's comment).
    static func make(_ f: FittedFeature, column: Column?) -> FeatureCells? {
        switch (f.type, column) {
        case let (.numeric, .numeric(values)?), let (.boolean, .numeric(values)?):
            if f.cuts != nil { return nil }   // bins: `encode` handles them
            let indicator = f.missingIndicator == true
            guard f.width == (indicator ? 2 : 1) else { return nil }
            return .number(values: values, NumberEncoding(
                boolean: f.type == .boolean, impute: f.imputeValue, log1p: f.transform == .log1p, lower: f.lower,
                upper: f.upper, center: f.center, scale: f.scale, indicator: indicator))
        case let (.categorical, .text(column)?):
            // encode's label: empty or whitespace-only text is missing.
            func offset(_ label: String?) -> Int? {
                do throws(EncodingProblem) { return try f.categoricalColumn(label) ?? noColumn } catch { return invalid }
            }
            var offsets: [Int] = []
            offsets.reserveCapacity(column.levels.count)
            for level in column.levels {
                guard let k = offset(level.trimmingWhitespace.isEmpty ? nil : level), k < f.width else { return nil }
                offsets.append(k)
            }
            guard let missing = offset(nil), missing < f.width else { return nil }
            return .level(codes: column.codes, offsets: offsets, missing: missing)
        default:
            return nil
        }
    }
}
