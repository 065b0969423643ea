import Foundation

/// The spec's encodings fitted on database rows with exact aggregate queries: the same
/// `FittedEncoding` that `FeatureEncoder` builds from the same rows in memory (the same rules:
/// bounds, imputation, indicators, standardization, levels and their order), without pulling
/// a feature column to the client.
///
/// Per fit: one query for every numeric feature's missing and unencodable counts, one GROUP BY
/// per categorical feature, two order statistics per quantile asked for (winsorize bounds,
/// median imputation), one query for the present values' sums and one for the squared
/// deviations of the standardized features; on a sharded table each runs on every shard at
/// once (`StatisticQueries`). Order statistics are fetched as raw values (two adjacent ranks at
/// a time, as a quantile or a median reads them) and transformed in Swift: log1p and clipping are monotone,
/// so the k-th transformed value is the transform of the k-th raw value, and quantiles and
/// medians are bit-identical to the in-memory encoder's. Sums are the database's (another
/// order of addition, and `LN(1 + x)` for log1p): within a few ulps of the in-memory ones.
enum InDatabaseEncoding {
    static func fit(_ rows: DatabaseRows, _ stats: StatisticQueries) throws -> FittedEncoding {
        let conn = stats.conn
        let spec = rows.spec
        var problems = ProblemCollector()
        let source = "\(rows.relation)"
        let numeric = spec.features.filter { $0.type != .categorical }
        // The fixed-clip stage of each numeric feature (no winsorize bounds yet).
        let stage0 = Dictionary(uniqueKeysWithValues: numeric.map { ($0.name, fixedStage($0)) })

        // Counts: rows, and per feature its missing cells and its present cells that cannot be encoded.
        var select = ["count(*)"]
        for fs in numeric {
            guard let f = stage0[fs.name] else { continue }
            let c = SQLEncoding.identifier(fs.name)
            select.append("sum(CASE WHEN \(c) IS NULL THEN 1 ELSE 0 END)")
            select.append("sum(CASE WHEN \(c) IS NOT NULL AND \(SQLEncoding.presentValue(f)) IS NULL THEN 1 ELSE 0 END)")
            select.append(fs.type == .numeric ? "sum(CASE WHEN \(Self.nonFinite(c)) THEN 1 ELSE 0 END)" : "0")
        }
        let counts = try stats.aggregates(rows, select.map(StatisticQueries.Aggregate.sum)).map { Int($0 ?? 0) }
        let n = counts.first ?? 0
        guard n > 0 else {
            problems.add(DataProblem(file: source, message: "no training rows to fit the encodings on"))
            try problems.throwIfAny()
            return FittedEncoding(features: [], names: [], contributionMeans: [])
        }

        // Per numeric feature: bounds and imputed value from order statistics; what is left needs sums.
        struct Pending { var feature: FittedFeature; var presentCount: Int; var missingCount: Int }
        var pending: [String: Pending] = [:]
        for (k, fs) in numeric.enumerated() {
            guard var f = stage0[fs.name] else { continue }
            let missing = counts[1 + 3 * k], bad = counts[2 + 3 * k], nonFinite = counts[3 + 3 * k]
            let c = SQLEncoding.identifier(fs.name)
            if nonFinite > 0 {
                // A table's NaN or ±Infinity is a value to PostgreSQL, but not to the fit (nor to
                // the SQL export's encoder, which has no portable test for NaN): an input problem.
                let row = try rows.firstRow(where: Self.nonFinite(c), conn)
                problems.add(DataProblem(file: row, columnName: fs.name,
                                         message: "expected a finite number (infinity and NaN are not values; store NULL if the cell is missing; \(nonFinite) training row\(nonFinite == 1 ? "" : "s"))"))
                continue
            }
            if missing > 0 && fs.effectiveImpute == .error {
                let row = try rows.firstRow(where: "\(c) IS NULL", conn)
                problems.add(DataProblem(file: row, columnName: fs.name, value: "", message: "the value is missing and the spec says impute: error"))
            }
            if bad > 0 {
                let row = try rows.firstRow(where: "\(c) IS NOT NULL AND \(SQLEncoding.presentValue(f)) IS NULL", conn)
                problems.add(DataProblem(file: row, columnName: fs.name,
                                         message: fs.type == .boolean ? "expected 0/1, true/false or yes/no" : "log1p needs values > -1 (\(bad) training row\(bad == 1 ? "" : "s"))"))
                continue
            }
            let present = n - missing
            guard present > 0 else {
                problems.add(DataProblem(file: source, columnName: fs.name, message: "every training row is missing this feature; nothing to fit"))
                continue
            }
            // The k-th smallest present value, transformed and clipped as the in-memory encoder
            // keeps it; fetched with the next one (a quantile or a median reads both).
            let key = fs.type == .boolean ? SQLEncoding.presentValue(f) : "CAST(\(c) AS DOUBLE PRECISION)"
            var fetched: [Int: Double] = [:]
            func orderStatistic(_ k: Int) throws -> Double {
                if fetched[k] == nil {
                    let ranks = k + 1 < present ? [k, k + 1] : [k]
                    for (r, raw) in zip(ranks, try stats.orderStatistics(rows, value: key, count: present, ranks: ranks)) { fetched[r] = raw }
                }
                guard let raw = fetched[k] else {
                    throw DatabaseError(.query, "\(rows.relation): order statistic \(k) of \"\(fs.name.debugEscaped)\" came back empty")
                }
                return fs.type == .boolean ? raw : cleaned(raw, f)
            }
            if fs.type == .numeric, let w = fs.winsorize, w.count == 2 {
                let lo = try OrderStatistics.quantile(count: present, w[0], at: orderStatistic)
                let hi = try OrderStatistics.quantile(count: present, w[1], at: orderStatistic)
                f.lower = max(f.lower ?? lo, lo)
                f.upper = min(f.upper ?? hi, hi)
            }
            if let l = f.lower, !l.isFinite { f.lower = nil }
            if let u = f.upper, !u.isFinite { f.upper = nil }
            if fs.type == .numeric, fs.transform == .bins {
                guard let binned = try fitBins(fs, f, present: present, rows: rows, stats, problems: &problems) else { continue }
                f = binned
            }
            if fs.effectiveImpute == .median {
                let (l, u) = (f.lower ?? -.infinity, f.upper ?? .infinity)
                f.imputeValue = try OrderStatistics.median(count: present) { k in min(max(try orderStatistic(k), l), u) }
            }
            if fs.type == .numeric, fs.transform == .spline {
                do {
                    f.knots = try knots(fs, f, present: present, rows: rows, stats: stats, orderStatistic: orderStatistic)
                } catch let problem as KnotProblem {
                    problems.add(DataProblem(file: source, columnName: fs.name, message: problem.message))
                    continue
                }
            }
            pending[fs.name] = Pending(feature: f, presentCount: present, missingCount: missing)
        }
        try problems.throwIfAny()

        // The smallest and largest present values with the final bounds, before any sum of
        // them: past `FeatureMagnitude.limit` the sums would overflow (PostgreSQL raises).
        let measured = numeric.filter { pending[$0.name].map { $0.feature.cuts == nil } ?? false }
        var extremes: [String: [Double]] = [:]
        if !measured.isEmpty {
            let parts = measured.flatMap { fs -> [StatisticQueries.Aggregate] in
                let v = pending[fs.name].map { SQLEncoding.presentValue($0.feature) } ?? "NULL"
                let x = "CASE WHEN \(SQLEncoding.identifier(fs.name)) IS NULL THEN NULL ELSE \(v) END"
                return [.min("min(\(x))"), .max("max(\(x))")]
            }
            let got = try stats.aggregates(rows, parts)
            for (k, fs) in measured.enumerated() {
                extremes[fs.name] = [got[2 * k], got[2 * k + 1]].compactMap { $0 }
            }
        }
        /// A problem at the first row whose cleaned value of `fs` is `x`.
        func tooLarge(_ fs: FeatureSpec, _ x: Double, design: Double) throws {
            let v = pending[fs.name].map { SQLEncoding.presentValue($0.feature) } ?? "NULL"
            let row = try rows.firstRow(where: "\(v) = \(SQLEncoding.number(x))", conn)
            problems.add(DataProblem(file: row, columnName: fs.name, value: CellParsing.label(x),
                                     message: FeatureMagnitude.message(value: x, design: design)))
            pending[fs.name] = nil
        }
        for fs in measured {
            if let x = extremes[fs.name]?.first(where: FeatureMagnitude.tooLarge) { try tooLarge(fs, x, design: x) }
        }
        try problems.throwIfAny()

        // Sums of the present values (final bounds) and, for booleans, the ones.
        let summed = numeric.filter { pending[$0.name] != nil }
        var sums: [Double] = []
        if !summed.isEmpty {
            let parts = summed.flatMap { fs -> [String] in
                let v = pending[fs.name].map { SQLEncoding.presentValue($0.feature) } ?? "NULL"
                let c = SQLEncoding.identifier(fs.name)
                return ["sum(CASE WHEN \(c) IS NULL THEN NULL ELSE \(v) END)", "sum(CASE WHEN \(c) IS NOT NULL AND \(v) = 1 THEN 1 ELSE 0 END)"]
            }
            sums = try stats.aggregates(rows, parts.map(StatisticQueries.Aggregate.sum)).map { $0 ?? 0 }
        }
        var means: [String: Double] = [:]
        for (k, fs) in summed.enumerated() {
            guard var p = pending[fs.name] else { continue }
            let presentSum = sums[2 * k], ones = sums[2 * k + 1]
            switch fs.effectiveImpute {
            case .median, .error: break
            case .mean: p.feature.imputeValue = presentSum / Double(p.presentCount)
            case .zero: p.feature.imputeValue = 0
            case .constant: p.feature.imputeValue = fs.imputeValue ?? 0
            case .mode: p.feature.imputeValue = ones * 2 > Double(p.presentCount) ? 1 : 0   // ties go to 0
            }
            p.feature.missingIndicator = switch fs.effectiveMissingIndicator {
            case .auto: p.missingCount > 0 && fs.effectiveImpute != .error
            case .always: true
            case .never: false
            }
            if p.feature.missingIndicator == true { p.feature.columns.append("\(fs.name) (missing)") }
            if let knots = p.feature.knots { p.feature.columns += SplineBasis.columnNames(fs.name, knots: knots.count) }
            if fs.effectiveStandardize {
                // The mean of the imputed training values, added as the in-memory encoder adds them.
                let extra = p.feature.imputeValue == nil ? 0 : p.missingCount
                let fill = p.feature.imputeValue ?? 0
                var total = presentSum
                for _ in 0..<extra { total += fill }
                means[fs.name] = total / Double(p.presentCount + extra)
            }
            pending[fs.name] = p
        }

        // Squared deviations about those means, for the standardized features.
        let standardized = summed.filter { means[$0.name] != nil }
        if !standardized.isEmpty {
            let parts = standardized.map { fs -> String in
                let v = pending[fs.name].map { SQLEncoding.presentValue($0.feature) } ?? "NULL"
                let m = SQLEncoding.number(means[fs.name] ?? 0)
                return "sum(CASE WHEN \(SQLEncoding.identifier(fs.name)) IS NULL THEN NULL ELSE (\(v) - \(m)) * (\(v) - \(m)) END)"
            }
            let squares = try stats.aggregates(rows, parts.map(StatisticQueries.Aggregate.sum)).map { $0 ?? 0 }
            for (k, fs) in standardized.enumerated() {
                guard var p = pending[fs.name], let m = means[fs.name] else { continue }
                let extra = p.feature.imputeValue == nil ? 0 : p.missingCount
                let fill = p.feature.imputeValue ?? 0
                var s = squares[k]
                for _ in 0..<extra { s += (fill - m) * (fill - m) }
                let sd = (s / Double(p.presentCount + extra)).squareRoot()
                guard sd > 0 else {
                    problems.add(DataProblem(file: source, columnName: fs.name, value: CellParsing.label(m),
                                             message: "the feature is constant on the training rows (every value is this one after transform, clipping and imputation), so it cannot be standardized and carries no information; drop it from the spec or set standardize: false"))
                    continue
                }
                p.feature.center = m
                p.feature.scale = sd
                pending[fs.name] = p
            }
        }

        // Standardized and spline design values past the limit, at the same extremes.
        for fs in measured {
            guard let f = pending[fs.name]?.feature else { continue }
            for x in extremes[fs.name] ?? [] {
                if let v = FeatureMagnitude.overflow(f, at: x) { try tooLarge(fs, x, design: v); break }
            }
        }
        try problems.throwIfAny()

        // Categorical features: level counts by GROUP BY, then the in-memory encoder's rules.
        var fitted: [FittedFeature] = []
        for fs in spec.features {
            if fs.type != .categorical {
                if let p = pending[fs.name] { fitted.append(p.feature) }
                continue
            }
            let level = DatabaseRows.level(fs.name)
            var countOf: [String: Int] = [:], missing = 0
            for g in try stats.groups(rows, key: level, sums: ["count(*)"]) {
                let count = Int(g.sums.first ?? 0)
                if let name = g.key { countOf[name, default: 0] += count } else { missing += count }
            }
            if let f = FeatureEncoder.categorical(fs, countOf: countOf, missingCount: missing, source: source, problems: &problems) {
                fitted.append(f)
            }
        }
        try problems.throwIfAny()
        return FittedEncoding(features: fitted, names: ["const"] + fitted.flatMap(\.columns), contributionMeans: [])
    }

    /// Whether numeric column `c` holds NaN or ±Infinity (PostgreSQL's NaN equals itself).
    static func nonFinite(_ c: String) -> String {
        "CAST(\(c) AS DOUBLE PRECISION) IN ('NaN'::double precision, 'Infinity'::double precision, '-Infinity'::double precision)"
    }

    /// A numeric or boolean feature's encoding so far: its transform and fixed clip bounds.
    static func fixedStage(_ fs: FeatureSpec) -> FittedFeature {
        let isNumeric = fs.type == .numeric
        return FittedFeature(name: fs.name, type: fs.type, group: fs.group, columns: [fs.name],
                             transform: isNumeric ? fs.effectiveTransform : FeatureSpec.Transform.none,
                             lower: isNumeric ? fs.clip?.first : nil, upper: isNumeric ? fs.clip?.last : nil,
                             impute: fs.effectiveImpute, imputeValue: nil, missingIndicator: nil, center: nil, scale: nil)
    }

    /// A raw present value transformed and clipped as `FeatureEncoder.fitNumeric` does.
    static func cleaned(_ raw: Double, _ f: FittedFeature) -> Double {
        var x = f.transform == .log1p ? raw.log1pValue : raw
        if let l = f.lower, x < l { x = l }
        if let u = f.upper, x > u { x = u }
        return x
    }

    static func integers(_ rows: [[String?]]) throws(DatabaseError) -> [Int] {
        guard let row = rows.first else { throw DatabaseError(.query, "an aggregate query returned no row") }
        return row.map { $0.flatMap { Int($0) } ?? 0 }
    }

    static func doubles(_ rows: [[String?]]) throws(DatabaseError) -> [Double] {
        guard let row = rows.first else { throw DatabaseError(.query, "an aggregate query returned no row") }
        return row.map { $0.flatMap { Double($0) } ?? 0 }
    }
}
