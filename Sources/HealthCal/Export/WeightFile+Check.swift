extension WeightFile {
    /// Every consistency rule docs/weight-file.md states that a decoder cannot see, checked on
    /// load so that `score`, `export`, `diff` and `--champion` refuse the same files, each
    /// naming the key and the rule.
    func check(path: String) throws(WeightFileError) {
        func bad(_ key: String, _ reason: String) -> WeightFileError { .badValue(path: path, key: key, reason: reason) }
        try checkEncoding(encoding, key: "encoding", bad)
        try checkModel(model, encoding, key: "model", bad)
        for (name, m) in (segments ?? [:]).sorted(by: { $0.key < $1.key }) {
            let key = "segments.\(name)"
            if let own = m.encoding { try checkEncoding(own, key: key + ".encoding", bad) }
            try checkModel(m, m.encoding ?? encoding, key: key, bad)
        }
        if segmentColumn == nil, !(segments ?? [:]).isEmpty {
            throw bad("segment_column", "is missing; it is required when \"segments\" lists per-segment models")
        }
        guard calibrationFolded == calibration.isFoldable else {
            throw bad("calibration_folded", "must be \(calibration.isFoldable) for calibration method \(calibration.method.rawValue)")
        }
        if case let .isotonic(table) = calibration,
           let p = (table.thresholdsX + table.thresholdsY).first(where: { !(0...1).contains($0) }) {
            throw bad("calibration", "isotonic knots are probabilities; \(p) is outside [0, 1]")
        }
        guard healthScore.scale > 0 else { throw bad("health_score.scale", "must be positive; found \(healthScore.scale)") }
        if let bands {
            try checkScheme(bands.scheme, key: "bands.scheme", bad)
            for (name, scheme) in bands.perSegment.sorted(by: { $0.key < $1.key }) {
                try checkScheme(scheme, key: "bands.per_segment.\(name)", bad)
            }
            if segmentColumn == nil, !bands.perSegment.isEmpty {
                throw bad("segment_column", "is missing; it is required when \"bands.per_segment\" lists thresholds")
            }
        }
        guard metadata.rows >= 0 else { throw bad("metadata.rows", "must be 0 or more; found \(metadata.rows)") }
        guard (0...1).contains(metadata.churnRate) else {
            throw bad("metadata.churn_rate", "must be a share between 0 and 1; found \(metadata.churnRate)")
        }
        let hex = metadata.inputSHA256.utf8
        guard hex.count == 64, hex.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw bad("metadata.input_sha256", "expected 64 lowercase hex digits, found \"\(metadata.inputSHA256.shownInMessage)\"")
        }
    }

    /// `names` is "const" then each feature's columns in order; one contribution mean per name
    /// (1 for "const"); each feature's fields fit its type and its column count.
    private func checkEncoding(_ enc: FittedEncoding, key: String,
                               _ bad: (String, String) -> WeightFileError) throws(WeightFileError) {
        guard enc.names == ["const"] + enc.features.flatMap(\.columns) else {
            throw bad("\(key).names", "must be \"const\" followed by each feature's columns, in feature order")
        }
        guard enc.contributionMeans.count == enc.names.count else {
            throw bad("\(key).contribution_means", "\(enc.contributionMeans.count) means for \(enc.names.count) names; one per name is needed")
        }
        guard enc.contributionMeans.first == 1 else {
            throw bad("\(key).contribution_means[0]", "the mean of \"const\" must be 1")
        }
        var seen = Set<String>()
        for (i, f) in enc.features.enumerated() {
            let fkey = "\(key).features[\(i)]"
            guard seen.insert(f.name).inserted else { throw bad("\(fkey).name", "\"\(f.name.shownInMessage)\" is listed twice") }
            switch f.type {
            case .numeric, .boolean:
                if f.transform == .bins, f.cuts == nil { throw bad("\(fkey).cuts", "is missing; \"transform\": \"bins\" needs its cut points") }
                if let cuts = f.cuts {
                    try checkBins(f, cuts: cuts, key: fkey, bad)
                    continue
                }
                if let knots = f.knots {
                    guard f.transform == .spline, knots.count >= 3, knots.allSatisfy(\.isFinite),
                          zip(knots, knots.dropFirst()).allSatisfy({ $0 < $1 }) else {
                        throw bad("\(fkey).knots", "a spline needs 3 or more finite, strictly increasing knots (and transform: spline)")
                    }
                } else if f.transform == .spline {
                    throw bad("\(fkey).knots", "is missing; transform: spline needs its knots")
                }
                let width = 1 + (f.missingIndicator == true ? 1 : 0) + max((f.knots?.count ?? 2) - 2, 0)
                guard f.columns.count == width else {
                    throw bad("\(fkey).columns", "\(f.columns.count) columns; a \(f.type.rawValue) feature\(f.missingIndicator == true ? " with a missing indicator" : "") has \(width)")
                }
                if let impute = f.impute, impute != .error, f.imputeValue == nil {
                    throw bad("\(fkey).impute_value", "is missing; \"impute: \(impute.rawValue)\" needs the value a missing cell becomes (only \"impute: error\" goes without)")
                }
                if f.impute == .error, f.imputeValue != nil {
                    throw bad("\(fkey).impute_value", "must be absent with \"impute: error\" (a missing cell cannot be scored)")
                }
                if let lower = f.lower, let upper = f.upper, lower > upper {
                    throw bad("\(fkey).lower", "the clip bounds are reversed: lower \(lower) > upper \(upper)")
                }
                if (f.center == nil) != (f.scale == nil) {
                    throw bad("\(fkey).\(f.center == nil ? "center" : "scale")", "is missing; standardization needs both center and scale")
                }
                if let scale = f.scale, !(scale > 0) {
                    throw bad("\(fkey).scale", "must be positive; found \(scale)")
                }
            case .categorical:
                guard let levels = f.levels else { throw bad("\(fkey).levels", "is missing; a categorical feature lists its levels") }
                guard f.reference != nil else { throw bad("\(fkey).reference", "is missing; a categorical feature names its reference level") }
                let width = levels.count + (f.hasOther == true ? 1 : 0) + (f.hasMissingLevel == true ? 1 : 0)
                guard f.columns.count == width else {
                    throw bad("\(fkey).columns", "\(f.columns.count) columns for \(levels.count) levels\(f.hasOther == true ? " + (other)" : "")\(f.hasMissingLevel == true ? " + (missing)" : ""); expected \(width)")
                }
                if let reference = f.reference, levels.contains(reference) {
                    throw bad("\(fkey).reference", "\"\(reference.shownInMessage)\" is also in levels; the reference level has no column")
                }
                if Set(levels).count != levels.count { throw bad("\(fkey).levels", "a level is listed twice") }
            }
        }
    }

    /// `columns` is the encoding's names without "const"; one weight and one raw weight per column.
    private func checkModel(_ m: LinearModel, _ enc: FittedEncoding, key: String,
                            _ bad: (String, String) -> WeightFileError) throws(WeightFileError) {
        guard enc.names.first == "const", Array(enc.names.dropFirst()) == m.columns else {
            throw bad("\(key).columns", "must equal the encoding's names without \"const\"")
        }
        guard m.weights.count == m.columns.count else {
            throw bad("\(key).weights", "\(m.weights.count) weights for \(m.columns.count) columns")
        }
        guard m.rawWeights.count == m.columns.count else {
            throw bad("\(key).raw_weights", "\(m.rawWeights.count) raw weights for \(m.columns.count) columns")
        }
        let features = Set(enc.features.map(\.name))
        for (name, sd) in (m.contributionSDs ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard features.contains(name) else {
                throw bad("\(key).contribution_sds", "\"\(name.shownInMessage)\" is not a feature of the encoding")
            }
            guard sd >= 0 else { throw bad("\(key).contribution_sds.\(name)", "a standard deviation cannot be negative; found \(sd)") }
        }
    }

    /// Bands riskiest first: at least one, the first from score 0, scores strictly increasing
    /// within [0, 100], names present and distinct, max_probability = 1 − min_score / 100.
    private func checkScheme(_ scheme: BandScheme, key: String,
                             _ bad: (String, String) -> WeightFileError) throws(WeightFileError) {
        guard let first = scheme.bands.first else { throw bad("\(key).bands", "is empty; at least one band is needed") }
        guard first.minScore == 0 else { throw bad("\(key).bands[0].min_score", "the riskiest band starts at 0; found \(first.minScore)") }
        var names = Set<String>()
        for (i, band) in scheme.bands.enumerated() {
            let bkey = "\(key).bands[\(i)]"
            guard !band.name.isEmpty else { throw bad("\(bkey).name", "is empty") }
            guard names.insert(band.name).inserted else { throw bad("\(bkey).name", "\"\(band.name.shownInMessage)\" is listed twice") }
            guard (0...100).contains(band.minScore) else { throw bad("\(bkey).min_score", "must be within 0...100; found \(band.minScore)") }
            if i > 0, !(band.minScore > scheme.bands[i - 1].minScore) {
                throw bad("\(bkey).min_score", "bands go riskiest first with increasing min_score; \(band.minScore) follows \(scheme.bands[i - 1].minScore)")
            }
            let expected = HealthScore.toProbability(band.minScore)
            guard abs(band.maxProbability - expected) <= 1e-12 else {
                throw bad("\(bkey).max_probability", "must be 1 - min_score / 100 = \(expected); found \(band.maxProbability)")
            }
        }
    }
}
