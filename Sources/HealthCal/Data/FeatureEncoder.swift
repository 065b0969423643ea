import Dispatch

/// Fits the encodings of docs/encodings.md on training rows only, so that a backtest fold never
/// sees the distribution of the rows it scores.
///
/// Statistics (quantiles, medians, means, SDs, level counts) are unweighted even when the panel
/// has row weights: they define a fixed change of variables, not an estimate, and unweighted
/// values are what a pandas/sklearn pipeline produces and what a warehouse query can reproduce.
public enum FeatureEncoder {
    public static let otherLevel = "(other)"
    public static let missingLevel = "(missing)"

    public static func fit(_ panel: Panel, rows: [Int], spec: Spec) throws(DataValidationError) -> FittedEncoding {
        var encoding = try fitFeatures(panel, rows: rows, spec: spec)
        if let means = encoding.columnMeans(panel, rows: rows) {
            encoding.contributionMeans = means
        } else {
            // Some training cell cannot be encoded: the design reports it (normally unreachable).
            encoding.contributionMeans = try encoding.design(panel, rows: rows).columnMeans()
        }
        return encoding
    }

    /// `fit` and the design of the same rows together: the contribution means are then the
    /// design's column means (the same sums in the same order), with no extra encoding pass.
    /// `storage`, when given, holds the design's elements (see `DesignStorage`).
    public static func fitWithDesign(_ panel: Panel, rows: [Int], spec: Spec,
                                     storage: DesignStorage? = nil) throws(DataValidationError) -> (FittedEncoding, Design) {
        let (encoding, encoded) = try fitWithEncodedDesign(panel, rows: rows, spec: spec, storage: storage)
        return (encoding, encoded.design)
    }

    /// `fitWithDesign` with what was found while the design was written (the columns' ranges).
    static func fitWithEncodedDesign(_ panel: Panel, rows: [Int], spec: Spec,
                                     storage: DesignStorage? = nil) throws(DataValidationError) -> (FittedEncoding, EncodedDesign) {
        var encoding = try fitFeatures(panel, rows: rows, spec: spec, carried: storage?.carriedSums)
        let encoded = try encoding.designAndMeans(panel, rows: rows, storage: storage)
        encoding.contributionMeans = encoded.means
        return (encoding, encoded)
    }

    /// `fitWithDesign` for a one-off fit whose caller is done with the panel's feature columns
    /// (`healthcal fit`): each raw column is freed once its design columns are written, so the
    /// peak memory of the data path is about one design, not raw columns plus design. The
    /// panel is left without feature columns (its outcome, weights and keys stay).
    public static func fitWithDesign(releasing panel: inout Panel, rows: [Int], spec: Spec) throws(DataValidationError) -> (FittedEncoding, Design) {
        let (encoding, encoded) = try fitWithEncodedDesign(releasing: &panel, rows: rows, spec: spec)
        return (encoding, encoded.design)
    }

    /// `fitWithDesign(releasing:)` with what was found while the design was written.
    static func fitWithEncodedDesign(releasing panel: inout Panel, rows: [Int], spec: Spec) throws(DataValidationError) -> (FittedEncoding, EncodedDesign) {
        var encoding = try fitFeatures(panel, rows: rows, spec: spec)
        let encoded = try encoding.designAndMeans(releasing: &panel, rows: rows)
        encoding.contributionMeans = encoded.means
        return (encoding, encoded)
    }

    /// Each feature's encoding fitted on `rows` (features on all cores; problems in spec order),
    /// without the contribution means. `carried` continues earlier fits' sums over a shorter run
    /// of the same first rows (see `CarriedSums`).
    static func fitFeatures(_ panel: Panel, rows: [Int], spec: Spec, carried: CarriedSums? = nil) throws(DataValidationError) -> FittedEncoding {
        if rows.isEmpty {
            var problems = ProblemCollector()
            problems.add(DataProblem(file: panel.source, message: "no training rows to fit the encodings on"))
            try problems.throwIfAny()
        }
        let features = spec.features
        let firstRow = FittedEncoding.contiguousStart(rows)
        let results = concurrentMap(features.count) { k -> (fitted: FittedFeature?, problems: [DataProblem]) in
            let fs = features[k]
            var problems = ProblemCollector()
            var fitted: FittedFeature? = nil
            if let raw = panel.features.first(where: { $0.name == fs.name }) {
                switch (fs.type, raw.values) {
                case let (.numeric, .numeric(v)), let (.boolean, .numeric(v)):
                    fitted = fitNumeric(fs, values: v, rows: rows, firstRow: firstRow, raw: raw, panel: panel, carried: carried,
                                        problems: &problems)
                case let (.categorical, .text(t)):
                    fitted = fitCategorical(fs, column: t, rows: rows, panel: panel, problems: &problems)
                default:
                    problems.add(DataProblem(file: panel.source, columnName: fs.name,
                                             message: "the panel holds this feature with another type than the spec's \(fs.type.rawValue)"))
                }
            } else {
                problems.add(DataProblem(file: panel.source, columnName: fs.name, message: "the panel has no feature \"\(fs.name.shownInMessage)\""))
            }
            return (fitted, problems.problems)
        }
        var problems = ProblemCollector()
        for result in results { for problem in result.problems { problems.add(problem) } }
        try problems.throwIfAny()
        let fitted = results.compactMap(\.fitted)
        return FittedEncoding(features: fitted, names: ["const"] + fitted.flatMap(\.columns), contributionMeans: [])
    }

    /// `firstRow`: `rows` is `firstRow..<firstRow + rows.count` in order, so the column is read straight.
    static func fitNumeric(_ fs: FeatureSpec, values: [Double], rows: [Int], firstRow: Int? = nil, raw: PanelFeature, panel: Panel,
                           carried: CarriedSums? = nil, problems: inout ProblemCollector) -> FittedFeature? {
        let places = panel.places
        func problem(_ r: Int?, _ value: String?, _ message: String) {
            problems.add(places.problem(row: r, column: raw.columnNumber, fs.name, value: value, message))
        }
        let isNumeric = fs.type == .numeric
        if isNumeric, fs.transform == .bins {
            return fitBins(fs, values: values, rows: rows, raw: raw, panel: panel, problems: &problems)
        }
        let transform = isNumeric ? fs.effectiveTransform : .none
        let impute = fs.effectiveImpute
        // One pass over the training rows: transform, fixed clip, and sum the present values.
        // Only quantiles, medians and the mode need the values themselves: then they are kept
        // (in training-row order) and order statistics found by selection on one copy, never a
        // full sort; otherwise a second pass over the raw column gives the squares for the SD.
        // Either way every sum runs over the same values in the same order.
        var lower: Double? = isNumeric ? fs.clip?.first : nil
        var upper: Double? = isNumeric ? fs.clip?.last : nil
        let clipLower = lower ?? -.infinity, clipUpper = upper ?? .infinity
        let log1p = transform == .log1p
        let winsorize = isNumeric ? fs.winsorize.flatMap { $0.count == 2 ? $0 : nil } : nil
        let spline = isNumeric && transform == .spline
        let keep = winsorize != nil || impute == .median || impute == .mode || spline
        let straight = firstRow != nil, first = firstRow ?? 0
        var missingCount = 0, presentCount = 0
        var presentSum = 0.0
        var bad = false
        /// The present value of raw `x` after transform and fixed clip (x not missing, > -1 under log1p).
        @inline(__always) func cleaned(_ x: Double) -> Double {
            var x = log1p ? x.log1pValue : x
            if x < clipLower { x = clipLower }
            if x > clipUpper { x = clipUpper }
            return x
        }
        // A run of rows with nothing to report or transform one by one: summed eight lanes at a time.
        let simple = straight && !keep && !log1p && impute != .error
        var sums = PresentSums()
        // At least one element: with capacity 0 the initializer stores the count into the
        // standard library's shared empty-array storage, a data race between features fitted
        // concurrently (ThreadSanitizer, docs/sanitizers.md).
        var present = [Double](unsafeUninitializedCapacity: max(keep ? rows.count : 0, 1)) { buffer, initialized in
            values.withUnsafeBufferPointer { vp in
                if simple {
                    if let carried {
                        let prefix = panel.outcome.withUnsafeBufferPointer { outcome in
                            carried.sum(feature: fs.name, values: vp, first: first, count: rows.count, lower: clipLower, upper: clipUpper,
                                        outcome: outcome)
                        }
                        (presentSum, presentCount) = (prefix.total, prefix.count)
                    } else {
                        let run = UnsafeBufferPointer(rebasing: vp[first..<(first + rows.count)])
                        (presentSum, presentCount) = PresentSums.sum(run, lower: clipLower, upper: clipUpper)
                    }
                    missingCount = rows.count - presentCount
                    return
                }
                for i in rows.indices {
                    let r = straight ? first &+ i : rows[i]
                    let raw = vp[r]
                    if raw.isNaN {
                        missingCount += 1
                        if impute == .error { problem(r, "", "the value is missing and the spec says impute: error"); bad = true }
                        continue
                    }
                    if log1p && !(raw > -1) {
                        problem(r, CellParsing.label(raw), "log1p needs values > -1")
                        bad = true
                        continue
                    }
                    let x = cleaned(raw)
                    if keep { buffer[presentCount] = x }
                    sums.add(i, x)
                    presentCount += 1
                }
                presentSum = sums.total
            }
            initialized = keep ? presentCount : 0
        }
        if bad { return nil }
        guard presentCount > 0 else {
            problem(nil, nil, "every training row is missing this feature; nothing to fit")
            return nil
        }
        // Winsorize: quantiles of the clipped values, frozen as bounds.
        if let w = winsorize {
            var scratch = present
            let lo = OrderStatistics.quantile(selecting: &scratch, w[0])
            let hi = OrderStatistics.quantile(selecting: &scratch, w[1])
            lower = max(lower ?? lo, lo)
            upper = min(upper ?? hi, hi)
            let l = lower ?? -.infinity, u = upper ?? .infinity
            present.withUnsafeMutableBufferPointer { p in
                for i in p.indices {
                    if p[i] < l { p[i] = l }
                    if p[i] > u { p[i] = u }
                }
            }
            presentSum = present.withUnsafeBufferPointer { PresentSums.sum($0, lower: -.infinity, upper: .infinity).sum }
        }
        // Infinite fixed bounds cannot be written to JSON and clip nothing: drop them.
        if let l = lower, !l.isFinite { lower = nil }
        if let u = upper, !u.isFinite { upper = nil }

        // The smallest and largest present values with the final bounds: past
        // `FeatureMagnitude.limit`, the sums below and the fit's would overflow. The transform
        // and the bounds are monotone, so those are the cleaned raw extremes (no log1p per row).
        // Swift's min/max keep the accumulator (first) when the value is NaN: missing skipped.
        let finalLower = lower ?? -.infinity, finalUpper = upper ?? .infinity
        func final(_ x: Double) -> Double { min(max(cleaned(x), finalLower), finalUpper) }
        var extremes = (low: Double.infinity, high: -Double.infinity)
        if keep {
            for x in present { extremes = (min(extremes.low, x), max(extremes.high, x)) }
        } else {
            var raw = (low: Double.infinity, high: -Double.infinity)
            values.withUnsafeBufferPointer { vp in
                for i in rows.indices {
                    let x = vp[straight ? first &+ i : rows[i]]
                    raw = (min(raw.low, x), max(raw.high, x))
                }
            }
            extremes = (final(raw.low), final(raw.high))
        }
        /// A problem at the first training row whose value is `extreme` once cleaned.
        func tooLarge(_ extreme: Double, design: Double) {
            let r = rows.indices.lazy.map { straight ? first &+ $0 : rows[$0] }.first { !values[$0].isNaN && final(values[$0]) == extreme }
            problem(r, r.map { CellParsing.label(values[$0]) }, FeatureMagnitude.message(value: extreme, design: design))
        }
        for x in [extremes.low, extremes.high] where FeatureMagnitude.tooLarge(x) {
            tooLarge(x, design: x)
            return nil
        }

        let imputeValue: Double?
        switch impute {
        case .median:
            var scratch = present
            imputeValue = OrderStatistics.median(selecting: &scratch)
        case .mean: imputeValue = presentSum / Double(presentCount)
        case .zero: imputeValue = 0
        case .constant: imputeValue = fs.imputeValue ?? 0
        case .error: imputeValue = nil
        case .mode:
            let ones = present.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
            imputeValue = ones * 2 > present.count ? 1 : 0   // ties go to 0
        }
        let indicator: Bool = switch fs.effectiveMissingIndicator {
        case .auto: missingCount > 0 && impute != .error
        case .always: true
        case .never: false
        }
        var center: Double?, scale: Double?
        if fs.effectiveStandardize {
            // The imputed training values: the present ones, then each missing cell's imputed value.
            let extra = imputeValue == nil ? 0 : missingCount
            let fill = imputeValue ?? 0
            var total = presentSum
            for _ in 0..<extra { total += fill }
            let m = total / Double(presentCount + extra)
            var squares = 0.0
            if keep {
                squares = present.withUnsafeBufferPointer { PresentSums.squaredDeviations($0, lower: -.infinity, upper: .infinity, from: m) }
            } else if straight && !log1p {
                squares = values.withUnsafeBufferPointer { vp in
                    PresentSums.squaredDeviations(UnsafeBufferPointer(rebasing: vp[first..<(first + rows.count)]),
                                                  lower: clipLower, upper: clipUpper, from: m)
                }
            } else {
                var deviations = PresentSums()
                values.withUnsafeBufferPointer { vp in
                    for i in rows.indices {
                        let x = vp[straight ? first &+ i : rows[i]]
                        if x.isNaN { continue }
                        let d = cleaned(x) - m
                        deviations.add(i, d * d)
                    }
                }
                squares = deviations.total
            }
            for _ in 0..<extra { squares += (fill - m) * (fill - m) }
            let sd = (squares / Double(presentCount + extra)).squareRoot()
            guard sd > 0 else {
                problem(nil, CellParsing.label(m),
                        "the feature is constant on the training rows (every value is this one after transform, clipping and imputation), so it cannot be standardized and carries no information; drop it from the spec or set standardize: false")
                return nil
            }
            center = m
            scale = sd
        }
        var columns = [fs.name]
        if indicator { columns.append("\(fs.name) (missing)") }
        var knots: [Double]? = nil
        if spline {
            do throws(KnotProblem) {
                knots = try SplineKnots.harrell(sorted: present.sorted(), count: fs.effectiveKnots)
            } catch {
                problem(nil, nil, error.message)
                return nil
            }
            columns += SplineBasis.columnNames(fs.name, knots: knots?.count ?? 0)
        }
        var fitted = FittedFeature(name: fs.name, type: fs.type, group: fs.group, columns: columns,
                                   transform: transform, lower: lower, upper: upper, impute: impute,
                                   imputeValue: imputeValue, missingIndicator: indicator, center: center, scale: scale)
        fitted.knots = knots
        for x in [extremes.low, extremes.high] {
            if let v = FeatureMagnitude.overflow(fitted, at: x) {
                tooLarge(x, design: v)
                return nil
            }
        }
        return fitted
    }

    static func fitCategorical(_ fs: FeatureSpec, column: TextColumn, rows: [Int], panel: Panel,
                               problems: inout ProblemCollector) -> FittedFeature? {
        var counts = [Int](repeating: 0, count: column.levels.count)
        var missingCount = 0
        for r in rows {
            let c = Int(column.codes[r])
            if c < 0 { missingCount += 1 } else { counts[c] += 1 }
        }
        // Merge duplicate spellings (a reader should not produce them, but be safe).
        var countOf: [String: Int] = [:]
        for (c, level) in column.levels.enumerated() where counts[c] > 0 { countOf[level, default: 0] += counts[c] }
        return categorical(fs, countOf: countOf, missingCount: missingCount, source: panel.source, problems: &problems)
    }

    /// A categorical feature's encoding from its training rows' level counts (`countOf`, present
    /// levels only) and missing cells: pooling, reference and level order. Shared by the panel
    /// path and the in-database fit, whose counts come from a GROUP BY.
    static func categorical(_ fs: FeatureSpec, countOf: [String: Int], missingCount: Int, source: String,
                            problems: inout ProblemCollector) -> FittedFeature? {
        guard !countOf.isEmpty else {
            problems.add(DataProblem(file: source, columnName: fs.name, message: "every training row is missing this feature; nothing to fit"))
            return nil
        }
        if let ref = fs.reference, countOf[ref] == nil, ref != otherLevel {
            let known = countOf.keys.sorted(by: scalarOrder)
            problems.add(DataProblem(file: source, columnName: fs.name, value: ref,
                                     message: "the reference level is not among the training levels (\(known.shownInMessage()))"
                                        + EditDistance.suggestion(for: ref, in: known, quote: "\"")))
            return nil
        }
        let minCount = fs.effectiveMinCount
        let pooled = countOf.filter { $0.value < minCount && $0.key != fs.reference }.map(\.key).sorted(by: scalarOrder)
        var kept = countOf.filter { $0.value >= minCount || $0.key == fs.reference }
        if !pooled.isEmpty { kept[otherLevel] = pooled.reduce(0) { $0 + (countOf[$1] ?? 0) } }
        let reference: String
        if let r = fs.reference {
            reference = r
        } else {
            // Most frequent; ties go to the alphabetically first, so the choice is reproducible.
            reference = kept.sorted { a, b in a.value != b.value ? a.value > b.value : scalarOrder(a.key, b.key) }.first?.key ?? ""
        }
        let levels = kept.keys.filter { $0 != reference && $0 != otherLevel }.sorted(by: scalarOrder)
        let hasOther = !pooled.isEmpty && reference != otherLevel
        let hasMissing = missingCount > 0
        var columns = levels.map { "\(fs.name)=\($0)" }
        if hasOther { columns.append("\(fs.name)=\(otherLevel)") }
        if hasMissing { columns.append("\(fs.name)=\(missingLevel)") }
        return FittedFeature(name: fs.name, type: .categorical, group: fs.group, columns: columns,
                             levels: levels, reference: reference, pooled: pooled, hasOther: hasOther,
                             hasMissingLevel: hasMissing, unseen: fs.effectiveUnseen)
    }
}

/// Orders strings by Unicode scalar values: the same order as Python's `sorted` and independent
/// of locale, so level order (and column order) is reproducible everywhere.
func scalarOrder(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
}
