extension FeatureEncoder {
    /// A numeric feature under `transform: bins`: the cut points of `MonotoneBins` on the present
    /// training values with their outcomes (the rows this fold trains on, nothing else), the
    /// imputed value and the missing column. Unweighted, like every encoder statistic.
    static func fitBins(_ fs: FeatureSpec, values: [Double], rows: [Int], raw: PanelFeature, panel: Panel,
                        problems: inout ProblemCollector) -> FittedFeature? {
        let places = panel.places
        func problem(_ r: Int?, _ value: String?, _ message: String) {
            problems.add(places.problem(row: r, column: raw.columnNumber, fs.name, value: value, message))
        }
        let impute = fs.effectiveImpute
        var present: [Double] = [], churned: [Double] = []
        present.reserveCapacity(rows.count)
        churned.reserveCapacity(rows.count)
        var missingCount = 0
        var bad = false
        for r in rows {
            let x = values[r]
            if x.isNaN {
                missingCount += 1
                if impute == .error { problem(r, "", "the value is missing and the spec says impute: error"); bad = true }
                continue
            }
            present.append(x)
            churned.append(panel.outcome[r])
        }
        if bad { return nil }
        guard !present.isEmpty else {
            problem(nil, nil, "every training row is missing this feature; nothing to fit")
            return nil
        }
        let cuts: [Double], direction: MonotoneBins.Direction
        switch MonotoneBins.fit(values: present, churned: churned, maxBins: fs.effectiveMaxBins,
                                minShare: fs.effectiveMinBinShare, direction: fs.effectiveMonotone) {
        case let .success(result):
            (cuts, direction) = (result.cuts, result.direction)
        case let .failure(.constant(value)):
            problem(nil, CellParsing.label(value),
                    "transform: bins needs at least two distinct values, but the feature is constant on the training rows (\(present.count) present values); drop it from the spec")
            return nil
        case .failure(.noMonotoneSplit):
            problem(nil, nil,
                    "transform: bins found no split into 2 or more bins whose churn rates are \(fs.effectiveMonotone == .auto ? "monotone" : fs.effectiveMonotone.rawValue) with at least \(fs.effectiveMinBinShare) of the \(present.count) present training rows in each bin; try monotone: auto or a smaller min_bin_share")
            return nil
        }
        let imputeValue: Double?
        switch impute {
        case .median, .mode:
            var scratch = present
            imputeValue = OrderStatistics.median(selecting: &scratch)
        case .mean: imputeValue = present.reduce(0, +) / Double(present.count)
        case .zero: imputeValue = 0
        case .constant: imputeValue = fs.imputeValue ?? 0
        case .error: imputeValue = nil
        }
        let indicator: Bool = switch fs.effectiveMissingIndicator {
        case .auto: missingCount > 0 && impute != .error
        case .always: true
        case .never: false
        }
        var columns = FittedFeature.binColumns(fs.name, cuts: cuts)
        if indicator { columns.append("\(fs.name) (missing)") }
        var f = FittedFeature(name: fs.name, type: .numeric, group: fs.group, columns: columns,
                              transform: .bins, impute: impute, imputeValue: imputeValue, missingIndicator: indicator)
        f.cuts = cuts
        f.monotone = direction
        return f
    }
}
