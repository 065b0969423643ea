/// A binned numeric feature (`transform: bins`, docs/encodings.md): `cuts` c₁ < … < cₘ split the
/// values into m + 1 bins [−∞, c₁), [c₁, c₂), …, [cₘ, +∞); a value equal to a cut lies in the bin
/// that starts there. The lowest bin is the reference (no column: its effect is in the
/// intercept); bins 1…m have one indicator column each, then "name (missing)" when the
/// training rows had missing cells (a missing cell then sets only that column). Without a
/// missing column a missing cell takes the bin of the imputed value.
extension FittedFeature {
    /// The design column names of bins 1…m: "name [lower, upper)", the last "name [lower, inf)".
    static func binColumns(_ name: String, cuts: [Double]) -> [String] {
        cuts.indices.map { k in
            "\(name) [\(exactNumber(cuts[k])), \(k + 1 < cuts.count ? exactNumber(cuts[k + 1]) : "inf"))"
        }
    }

    /// The bin of a cell (NaN: missing) as an offset within this feature's columns; nil for
    /// the reference bin. `x` is finite or NaN (the caller rejects other values).
    @inline(__always)
    func binColumn(_ x: Double) throws(EncodingProblem) -> Int? {
        let cuts = self.cuts ?? []
        var v = x
        if v.isNaN {
            guard let imputeValue else {
                throw EncodingProblem(feature: name, value: "", message: "the value is missing and the spec says impute: error")
            }
            if missingIndicator == true { return cuts.count }
            v = imputeValue
        }
        let b = MonotoneBins.bin(v, cuts: cuts)
        return b == 0 ? nil : b - 1
    }

    /// Calls `set(i, offset)` for each row `rows[i]` whose bin has a column; cells that cannot
    /// be encoded (missing under impute: error, infinite) are reported. The same function as
    /// the scalar path (`binColumn`), so the design and `encode` agree bit for bit.
    func fillBins(_ values: [Double], rows: [Int], report: (Int, EncodingProblem) -> Void, set: (Int, Int) -> Void) {
        for (i, r) in rows.enumerated() {
            let x = values[r]
            if x.isInfinite {
                report(r, EncodingProblem(feature: name, value: CellParsing.label(x), message: "expected a number"))
                continue
            }
            do throws(EncodingProblem) {
                if let k = try binColumn(x), k < width { set(i, k) }
            } catch {
                report(r, error)
            }
        }
    }
}
