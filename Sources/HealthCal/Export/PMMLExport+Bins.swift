/// A binned feature's design columns in PMML, with the built-ins `greaterOrEqual`, `lessThan`
/// and `and`: bin k's column is 1 when cuts[k-1] <= x < cuts[k], else 0 (the same [lower, upper)
/// rule as the scorer and the SQL). A missing cell sets only the missing column when there is
/// one, else its imputed value's bin; under impute: error it leaves every column missing.
extension PMMLExport {
    static func binExpressions(_ f: FittedFeature, cuts: [Double]) -> [String] {
        let ref = "<FieldRef field=\"\(attr(f.name))\"/>"
        let isMissing = "<Apply function=\"isMissing\">\(ref)</Apply>"
        func apply(_ fn: String, _ args: String...) -> String { "<Apply function=\"\(fn)\">\(args.joined())</Apply>" }
        let one = constant(1), zero = constant(0), missingValue = "<Constant dataType=\"double\" missing=\"true\"/>"
        let missingBin: Int? = f.missingIndicator == true ? nil : f.imputeValue.map { MonotoneBins.bin($0, cuts: cuts) }
        var out = cuts.indices.map { k -> String in
            var test = apply("greaterOrEqual", ref, constant(cuts[k]))
            if k + 1 < cuts.count { test = apply("and", test, apply("lessThan", ref, constant(cuts[k + 1]))) }
            let missing = f.imputeValue == nil ? missingValue : missingBin == k + 1 ? one : zero
            return apply("if", isMissing, missing, apply("if", test, one, zero))
        }
        if f.missingIndicator == true { out.append(apply("if", isMissing, f.imputeValue == nil ? missingValue : one, zero)) }
        return out
    }
}
