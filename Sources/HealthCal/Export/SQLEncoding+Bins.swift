/// A binned feature's design columns in SQL (docs/encodings.md): the column of bin k is 1 when
/// cuts[k-1] <= x < cuts[k] (the last bin has no upper bound), else 0. A missing cell sets
/// only the missing column when there is one, else the columns of its imputed value's bin
/// (NULL everywhere under impute: error, so the score is NULL, as the scorer refuses it).
extension SQLEncoding {
    static func binColumns(_ f: FittedFeature, cuts: [Double]) -> [String] {
        let c = identifier(f.name)
        let x = "CAST(\(c) AS DOUBLE PRECISION)"
        // What a missing cell sets in bin k's column.
        let missingBin: Int? = f.missingIndicator == true ? nil : f.imputeValue.map { MonotoneBins.bin($0, cuts: cuts) }
        var out = cuts.indices.map { k -> String in
            let bin = k + 1
            var test = "\(x) >= \(number(cuts[k]))"
            if k + 1 < cuts.count { test += " AND \(x) < \(number(cuts[k + 1]))" }
            let missing = f.imputeValue == nil ? "NULL" : missingBin == bin ? "1.0" : "0.0"
            return "(CASE WHEN \(c) IS NULL THEN \(missing) WHEN \(test) THEN 1.0 ELSE 0.0 END)"
        }
        if f.missingIndicator == true {
            out.append(f.imputeValue == nil ? "(CASE WHEN \(c) IS NULL THEN NULL ELSE 0.0 END)" : missingIndicator(f))
        }
        return out
    }
}
