import Foundation

extension Spec {
    /// Checks the spec's own consistency (not the data): every issue names its key.
    ///
    /// `Spec.parse` runs this already; call it again after building or editing a `Spec` in code.
    public func validate(file: String = "<spec>") throws(SpecError) {
        let issues = validationIssues()
        if !issues.isEmpty { throw SpecError(file: file, issues: issues) }
    }

    func validationIssues() -> [SpecIssue] {
        var out: [SpecIssue] = []
        func add(_ key: String, _ message: String) { out.append(SpecIssue(key: key, message: message)) }

        if version != 1 { add("version", "version \(version) is not supported; this healthcal reads version 1") }

        // data
        if data.id.trimmingWhitespace.isEmpty { add("data.id", "data.id must name the customer id column") }
        if data.outcome.trimmingWhitespace.isEmpty { add("data.outcome", "data.outcome must name the outcome column") }
        if data.delimiter.unicodeScalars.count != 1 {
            add("data.delimiter", "data.delimiter must be one character, not '\(data.delimiter.shownInMessage)'")
        }
        var roles: [(String, String)] = [("data.id", data.id), ("data.outcome", data.outcome)]
        if let p = data.period { roles.append(("data.period", p)) }
        if let s = data.segment { roles.append(("data.segment", s)) }
        if let w = data.weight { roles.append(("data.weight", w)) }
        for i in roles.indices {
            for j in roles.indices where j > i && roles[i].1 == roles[j].1 {
                add(roles[j].0, "\(roles[j].0) and \(roles[i].0) both name column '\(roles[j].1.shownInMessage)'")
            }
        }

        // features
        if features.isEmpty { add("features", "features must list at least one feature") }
        var seen: [String: Int] = [:]
        for (i, f) in features.enumerated() {
            let at = "features[\(i)]"
            if f.name.trimmingWhitespace.isEmpty { add("\(at).name", "\(at).name must name a column") }
            if let j = seen[f.name] { add("\(at).name", "feature '\(f.name.shownInMessage)' is listed twice (features[\(j)] and \(at))") }
            seen[f.name] = seen[f.name] ?? i
            if let role = roles.first(where: { $0.1 == f.name }) {
                add("\(at).name", "feature '\(f.name.shownInMessage)' is also \(role.0); a feature cannot be the id, period, outcome, segment or weight")
            }
            validateFeature(f, at: at, add: add)
        }

        // model
        if !(model.ridge.isFinite && model.ridge >= 0) { add("model.ridge", "model.ridge must be a finite number >= 0, not \(model.ridge)") }
        if model.firth && model.ridge > 0 {
            add("model.firth", "model.firth and model.ridge (\(model.ridge)) cannot be combined: Firth's penalty already keeps the weights finite under separation; set ridge: 0 or firth: false")
        }
        if let penalty = model.penalty {
            for (key, value) in [("l1", penalty.l1), ("l2", penalty.l2)] where !(value.isFinite && value >= 0) {
                add("model.penalty.\(key)", "model.penalty.\(key) must be a finite number >= 0, not \(formatNumber(value))")
            }
            if model.ridge > 0 {
                add("model.penalty", "model.penalty and model.ridge (\(formatNumber(model.ridge))) cannot both be given: ridge: x is penalty: {l2: x}; keep one")
            }
        }
        if model.firth && (model.penalty != nil || model.select != nil) {
            add("model.firth", "model.firth cannot be combined with model.penalty or model.select: Firth's penalty is a different prior, and stacking an L1/L2 penalty on it would make its intervals and tests mean neither; drop one")
        }
        if model.minSegmentRows < 1 { add("model.min_segment_rows", "model.min_segment_rows must be at least 1") }
        // Upper bounds keep a typo from making the run endless: each iteration or fold is a pass
        // over the data, and each listed feature three columns of every flag row.
        if !(1...1000).contains(model.maxIterations) {
            add("model.max_iterations", "model.max_iterations must be between 1 and 1000 (Newton's method converges in well under 50), not \(model.maxIterations)")
        }

        // backtest
        if backtest.horizon < 1 { add("backtest.horizon", "backtest.horizon must be at least 1 period") }
        if backtest.minTrainPeriods < 1 { add("backtest.min_train_periods", "backtest.min_train_periods must be at least 1") }
        if backtest.windowPeriods < 1 { add("backtest.window_periods", "backtest.window_periods must be at least 1") }
        if backtest.testPeriods < 0 { add("backtest.test_periods", "backtest.test_periods must be 0 (all) or a positive count") }
        if !(2...100).contains(backtest.folds) { add("backtest.folds", "backtest.folds must be between 2 and 100, not \(backtest.folds)") }

        validateBands(add: add)

        // flags
        if flags.persistentPeriods < 1 { add("flags.persistent_periods", "flags.persistent_periods must be at least 1") }
        if !(flags.scoreDrop > 0 && flags.scoreDrop <= 100) {
            add("flags.score_drop", "flags.score_drop is in health-score points and must be in (0, 100], not \(flags.scoreDrop)")
        }
        if flags.topFeatures < 0 { add("flags.top_features", "flags.top_features must be 0 or more") }
        if flags.topFeatures > 100 {
            add("flags.top_features", "flags.top_features must be at most 100 (three columns of every flag row each), not \(flags.topFeatures)")
        }
        return out
    }

    private func validateFeature(_ f: FeatureSpec, at: String, add: (String, String) -> Void) {
        let given = givenKeys(f)
        let allowed = FeatureSpec.keys(for: f.type)
        for key in given where !allowed.contains(key) {
            let owners = FeatureSpec.Kind.allCases.filter { FeatureSpec.keys(for: $0).contains(key) }.map(\.rawValue)
            add("\(at).\(key)", "key '\(key.shownInMessage)' in \(at) ('\(f.name.shownInMessage)') applies to \(owners.joined(separator: " and ")) features, not \(f.type.rawValue)")
        }
        if let clip = f.clip {
            if clip.count != 2 || clip.contains(where: \.isNaN) {
                add("\(at).clip", "\(at).clip must be two numbers [lower, upper]")
            } else if !(clip[0] < clip[1]) {
                add("\(at).clip", "\(at).clip bounds must be increasing: [\(clip[0]), \(clip[1])]")
            }
        }
        if let w = f.winsorize {
            if w.count != 2 || !w.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
                add("\(at).winsorize", "\(at).winsorize must be two quantiles in [0, 1], e.g. [0.01, 0.99]")
            } else if !(w[0] < w[1]) {
                add("\(at).winsorize", "\(at).winsorize quantiles must be increasing: [\(w[0]), \(w[1])]")
            }
        }
        if let impute = f.impute {
            if impute == .constant, f.imputeValue == nil {
                add("\(at).impute_value", "\(at) has impute: constant but no impute_value")
            }
            if impute == .mode, f.type != .boolean {
                add("\(at).impute", "impute: mode is for boolean features; use median, mean, zero, constant or error for '\(f.name.shownInMessage)'")
            }
        }
        if f.imputeValue != nil, f.impute != .constant {
            add("\(at).impute_value", "\(at).impute_value is used only with impute: constant")
        }
        if let v = f.imputeValue, !v.isFinite { add("\(at).impute_value", "\(at).impute_value must be a finite number") }
        if let m = f.minCount, m < 1 { add("\(at).min_count", "\(at).min_count must be at least 1") }
        validateBins(f, at: at, add: add)
        if let k = f.knots, !FeatureSpec.knotRange.contains(k) {
            add("\(at).knots", "\(at).knots ('\(f.name.shownInMessage)') must be between \(FeatureSpec.knotRange.lowerBound) and \(FeatureSpec.knotRange.upperBound), not \(k)")
        }
        if f.knots != nil, f.type == .numeric, f.transform != .spline {
            add("\(at).knots", "\(at).knots ('\(f.name.shownInMessage)') is used only with transform: spline")
        }
    }

    private func givenKeys(_ f: FeatureSpec) -> [String] {
        var keys: [String] = []
        if f.transform != nil { keys.append("transform") }
        if f.clip != nil { keys.append("clip") }
        if f.winsorize != nil { keys.append("winsorize") }
        if f.impute != nil { keys.append("impute") }
        if f.imputeValue != nil { keys.append("impute_value") }
        if f.missingIndicator != nil { keys.append("missing_indicator") }
        if f.standardize != nil { keys.append("standardize") }
        if f.reference != nil { keys.append("reference") }
        if f.minCount != nil { keys.append("min_count") }
        if f.unseen != nil { keys.append("unseen") }
        if f.maxBins != nil { keys.append("max_bins") }
        if f.monotone != nil { keys.append("monotone") }
        if f.minBinShare != nil { keys.append("min_bin_share") }
        if f.knots != nil { keys.append("knots") }
        return keys
    }

    private func validateBands(add: (String, String) -> Void) {
        if bands.quantile.isEmpty { add("bands.quantile", "bands.quantile must list at least one band") }
        for (i, b) in bands.quantile.enumerated() where !(b.share > 0 && b.share <= 1) {
            add("bands.quantile[\(i)].share", "bands.quantile[\(i)].share must be in (0, 1], not \(b.share)")
        }
        let total = bands.quantile.reduce(0) { $0 + $1.share }
        if !bands.quantile.isEmpty, abs(total - 1) > 1e-9 {
            add("bands.quantile", "bands.quantile shares must sum to 1; they sum to \(String(format: "%.10g", total))")
        }
        checkUniqueNames(bands.quantile.map(\.name), key: "bands.quantile", add: add)
        checkFixed(bands.fixed, key: "bands.fixed", add: add)
        for segment in bands.perSegment.keys.sorted() {
            checkFixed(bands.perSegment[segment] ?? [], key: "bands.per_segment.\(segment)", add: add)
        }
        let ref = bands.referencePeriod
        if ref != "latest", Period.parse(ref) == nil {
            add("bands.reference_period", "bands.reference_period must be 'latest' or a period such as 2025Q3, 2025-07 or 2025-07-01, not '\(ref.shownInMessage)'")
        }
        if let gate = bands.gate {
            if gate.column.trimmingWhitespace.isEmpty { add("bands.gate.column", "bands.gate.column must name a column") }
            if !gate.min.isFinite { add("bands.gate.min", "bands.gate.min must be a finite number") }
        }
    }

    /// Fixed bands are listed riskiest first: min_score starts at 0 and strictly increases to at
    /// most 100, so every health score falls in exactly one band.
    private func checkFixed(_ list: [BandOptions.FixedBand], key: String, add: (String, String) -> Void) {
        guard let first = list.first else {
            add(key, "\(key) must list at least one band")
            return
        }
        if first.minScore != 0 {
            add("\(key)[0].min_score", "\(key)[0].min_score must be 0 (the riskiest band starts at score 0), not \(first.minScore)")
        }
        for i in list.indices.dropFirst() where !(list[i].minScore > list[i - 1].minScore) {
            add("\(key)[\(i)].min_score", "bands are not ordered: \(key)[\(i)].min_score (\(list[i].minScore)) must be greater than \(key)[\(i - 1)].min_score (\(list[i - 1].minScore)); list bands riskiest first")
        }
        for (i, b) in list.enumerated() where !(b.minScore >= 0 && b.minScore <= 100) {
            add("\(key)[\(i)].min_score", "\(key)[\(i)].min_score must be a health score in [0, 100], not \(b.minScore)")
        }
        checkUniqueNames(list.map(\.name), key: key, add: add)
    }

    private func checkUniqueNames(_ names: [String], key: String, add: (String, String) -> Void) {
        var seen = Set<String>()
        for n in names where !seen.insert(n).inserted { add(key, "band name '\(n.shownInMessage)' appears twice in \(key)") }
    }
}
