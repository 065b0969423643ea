extension WeightFile {
    /// A binned feature's fields (docs/weight-file.md): finite, strictly increasing cuts; one
    /// column per bin above the lowest, plus the missing column; no clip or standardization.
    func checkBins(_ f: FittedFeature, cuts: [Double], key: String,
                   _ bad: (String, String) -> WeightFileError) throws(WeightFileError) {
        guard f.type == .numeric, f.transform == .bins else {
            throw bad("\(key).cuts", "cut points belong to a numeric feature with \"transform\": \"bins\"")
        }
        guard !cuts.isEmpty, cuts.allSatisfy(\.isFinite), zip(cuts, cuts.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw bad("\(key).cuts", "must be one or more finite numbers in strictly increasing order")
        }
        let width = cuts.count + (f.missingIndicator == true ? 1 : 0)
        guard f.columns.count == width else {
            throw bad("\(key).columns", "\(f.columns.count) columns; a binned feature with \(cuts.count) cut\(cuts.count == 1 ? "" : "s")\(f.missingIndicator == true ? " and a missing column" : "") has \(width) (one per bin above the lowest)")
        }
        if let impute = f.impute, impute != .error, f.imputeValue == nil {
            throw bad("\(key).impute_value", "is missing; \"impute: \(impute.rawValue)\" needs the value a missing cell becomes (only \"impute: error\" goes without)")
        }
        if f.lower != nil || f.upper != nil || f.center != nil || f.scale != nil {
            throw bad("\(key).cuts", "a binned feature has no lower, upper, center or scale")
        }
    }
}
