import Dispatch
import LinearAlgebra

/// A design with what was found while writing it: each column's mean and, where the outcome
/// was given, each column's per-class range (nil for a column filled through a row list or a
/// transform cell by cell, whose range the fit's checks then scan for).
struct EncodedDesign {
    var design: Design
    var means: [Double]
    var ranges: [LogisticRegression.ColumnRange?]
}

extension FittedEncoding {
    /// The design matrix of `rows` of `panel` (intercept "const" first), in the order given.
    ///
    /// Cells that cannot be encoded (a missing value under `impute: error`, log1p of a value
    /// <= -1, an unseen level under `unseen: error`) are collected as problems naming the file
    /// line, column and value, up to `DataValidationError.limit`.
    public func design(_ panel: Panel, rows: [Int]) throws(DataValidationError) -> Design {
        try design(panel, rows: rows, workers: Self.workers(rows: rows.count, columns: names.count))
    }

    /// `design(_:rows:)` on `workers` threads (1 or 2); the result, problems included, is the same.
    func design(_ panel: Panel, rows: [Int], workers requested: Int) throws(DataValidationError) -> Design {
        try designAndMeans(panel, rows: rows, workers: requested).design
    }

    /// The design and the mean of each of its columns, each column summed in row order right
    /// after it is written (while it is still in cache): the same sums as `Design.columnMeans`.
    /// `storage`, when given, holds the design's elements (see `DesignStorage`). `ranges` holds
    /// the per-class range of each column found while it was written, as the fit's checks
    /// need them with `y` the panel's outcomes of `rows` (nil where not found, see `EncodedDesign`).
    func designAndMeans(_ panel: Panel, rows: [Int], storage: DesignStorage? = nil) throws(DataValidationError) -> EncodedDesign {
        try designAndMeans(panel.features, source: panel.source, places: panel.places, rows: rows,
                           workers: Self.workers(rows: rows.count, columns: names.count), release: false, storage: storage,
                           outcome: panel.outcome)
    }

    /// `designAndMeans` for a caller that is done with the panel's feature columns: each raw
    /// column is freed as soon as its design columns are written, so the raw columns and the
    /// design are never both whole in memory. The panel is left without feature columns.
    func designAndMeans(releasing panel: inout Panel, rows: [Int]) throws(DataValidationError) -> EncodedDesign {
        let raw = panel.features
        panel.features = []
        return try designAndMeans(consume raw, source: panel.source, places: panel.places, rows: rows,
                                  workers: Self.workers(rows: rows.count, columns: names.count), release: true,
                                  outcome: panel.outcome)
    }

    /// `rows[0]` when `rows` is one run of consecutive rows in order (`rows[i] == rows[0] + i`):
    /// all rows (the fit's case), or a backtest fold's periods in a panel sorted by period.
    /// The loops then read the columns straight instead of through the row list.
    static func contiguousStart(_ rows: [Int]) -> Int? {
        guard let first = rows.first else { return nil }
        let run = rows.withUnsafeBufferPointer { rp in
            var same = true
            for i in 0..<rp.count { same = same && rp[i] == first &+ i }
            return same
        }
        return run ? first : nil
    }

    /// Two threads only when there is enough work (a million cells) to pay for them.
    static func workers(rows: Int, columns: Int) -> Int { rows * columns >= 1 << 20 ? 2 : 1 }

    private func designAndMeans(_ panel: Panel, rows: [Int], workers requested: Int) throws(DataValidationError) -> EncodedDesign {
        try designAndMeans(panel.features, source: panel.source, places: panel.places, rows: rows, workers: requested, release: false,
                           outcome: nil)
    }

    private func designAndMeans(
        _ panelFeatures: consuming [PanelFeature], source: String, places: RowPlaces, rows: [Int], workers requested: Int, release: Bool,
        storage recycled: DesignStorage? = nil, outcome panelOutcome: [Double]?
    ) throws(DataValidationError) -> EncodedDesign {
        let n = rows.count, p = names.count
        let firstRow = Self.contiguousStart(rows)
        // The outcomes of the rows, for the columns' per-class ranges: read in place for a run.
        let hasOutcome = panelOutcome != nil
        let outcome: [Double] = panelOutcome.map { o in firstRow == nil ? rows.map { o[$0] } : o } ?? []
        let outcomeStart = firstRow ?? 0
        let churners = !hasOutcome ? 0 : outcome.withUnsafeBufferPointer { op in
            var count = 0
            for i in 0..<n { count += op[outcomeStart + i] == 1 ? 1 : 0 }
            return count
        }
        // Each feature's first column and raw values, or the reason it cannot be encoded.
        var starts: [Int] = [], raws: [PanelFeature?] = [], unusable: [DataProblem?] = []
        var j = 1
        for f in features {
            starts.append(j)
            j += f.width
            guard let raw = panelFeatures.first(where: { $0.name == f.name }) else {
                raws.append(nil)
                unusable.append(DataProblem(file: source, columnName: f.name,
                                            message: "the panel has no feature \"\(f.name.shownInMessage)\", which the encoding was fitted with"))
                continue
            }
            let isText: Bool = if case .text = raw.values { true } else { false }
            guard isText == (f.type == .categorical) else {
                raws.append(nil)
                unusable.append(DataProblem(file: source, columnName: f.name,
                                            message: "the encoding was fitted with \(f.name.shownInMessage) as \(f.type.rawValue), but the panel reads it as \(raw.spec.type.rawValue)"))
                continue
            }
            raws.append(raw)
            unusable.append(nil)
        }
        // From here on the raw columns are held only by `jobs` (which frees each after use
        // when releasing).
        _ = consume panelFeatures
        let jobs = DesignJobs(count: features.count, columns: p, raws: raws)
        let carried = recycled?.carriedSums
        let indicatorRange = { @Sendable (ones0: Int, ones1: Int) in
            LogisticRegression.ColumnRange.ofIndicator(ones0: ones0, rows0: n - churners, ones1: ones1, rows1: churners)
        }
        raws = []
        // Column by column into one column-major buffer; every cell is written exactly once
        // (so the buffer need not be zeroed first). On large designs two threads take
        // alternate features; each feature's problems are kept apart and merged in order below.
        let features = self.features
        let workers = features.count > 1 ? min(max(requested, 1), 2) : 1
        func fill(_ buffer: UnsafeMutableBufferPointer<Double>) {
            jobs.base = buffer.baseAddress
            let work: @Sendable (Int) -> Void = { [starts] w in
                let x = jobs.base
                func column(_ j: Int, width: Int = 1) -> UnsafeMutableBufferPointer<Double> {
                    UnsafeMutableBufferPointer(start: x.map { $0 + j * n }, count: width * n)
                }
                func sum(_ j: Int, width: Int = 1) {
                    for c in j..<(j + width) { jobs.means[c] = Design.columnSum(UnsafeBufferPointer(column(c))) / Double(n) }
                }
                if w == 0 {
                    column(0).initialize(repeating: 1)
                    sum(0)
                    if hasOutcome { jobs.ranges[0] = indicatorRange(n - churners, churners) }
                }
                for k in stride(from: w, to: features.count, by: workers) {
                    let f = features[k], j = starts[k]
                    let columns = column(j, width: f.width)
                    guard let raw = jobs.raws[k] else {
                        columns.initialize(repeating: 0)
                        continue
                    }
                    var found: [DataProblem] = []
                    func report(_ r: Int, _ p: EncodingProblem) {
                        // One more than the limit is enough for the merge to know there were more.
                        guard found.count <= DataValidationError.limit else { return }
                        found.append(places.problem(row: r, column: raw.columnNumber, f.name, value: p.value, p.message))
                    }
                    var sums: FittedFeature.ColumnSums? = nil
                    switch raw.values {
                    case let .numeric(values) where f.cuts != nil:
                        columns.initialize(repeating: 0)
                        var ones = [Int](repeating: 0, count: 2 * f.width)
                        outcome.withUnsafeBufferPointer { op in
                            f.fillBins(values, rows: rows, report: report) { i, offset in
                                columns[offset * n + i] = 1
                                if hasOutcome { ones[2 * offset + (op[outcomeStart + i] == 1 ? 1 : 0)] += 1 }
                            }
                        }
                        if hasOutcome {
                            for offset in 0..<f.width { jobs.ranges[j + offset] = indicatorRange(ones[2 * offset], ones[2 * offset + 1]) }
                        }
                    case let .numeric(values):
                        let indicator = f.missingIndicator == true && f.width >= 2
                        sums = f.fillNumeric(values, rows: rows, firstRow: firstRow, value: column(j),
                                             indicator: indicator ? column(j + 1) : nil, report: report)
                        if f.knots != nil {
                            let offset = f.splineOffset
                            f.fillSpline(values, rows: rows, firstRow: firstRow,
                                         columns: column(j + offset, width: max(f.width - offset, 0)))
                        }
                        if f.width != (indicator ? 2 : 1) { sums = nil }
                        // A run filled by `fillRun` whose raw extremes the encoder's fit kept.
                        if sums != nil, hasOutcome, let first = firstRow,
                           let extremes = values.withUnsafeBufferPointer({ carried?.extremes(feature: f.name, values: $0, first: first, count: n) }),
                           let ranges = f.designRange(extremes, rows0: n - churners, rows1: churners) {
                            jobs.ranges[j] = ranges.value
                            if indicator { jobs.ranges[j + 1] = ranges.indicator }
                        }
                    case let .text(text):
                        columns.initialize(repeating: 0)
                        // Ones per level column and class: the columns' ranges without reading them.
                        var ones = [Int](repeating: 0, count: 2 * f.width)
                        outcome.withUnsafeBufferPointer { op in
                            f.fillCategorical(text, rows: rows, report: report) { i, offset in
                                columns[offset * n + i] = 1
                                if hasOutcome { ones[2 * offset + (op[outcomeStart + i] == 1 ? 1 : 0)] += 1 }
                            }
                        }
                        if hasOutcome {
                            for offset in 0..<f.width { jobs.ranges[j + offset] = indicatorRange(ones[2 * offset], ones[2 * offset + 1]) }
                        }
                    }
                    jobs.problems[k] = found
                    if let sums {
                        // Summed while written (`fillRun`): the same bits as summing the columns.
                        jobs.means[j] = sums.value / Double(n)
                        if f.width == 2 { jobs.means[j + 1] = sums.indicator / Double(n) }
                    } else {
                        sum(j, width: f.width)
                    }
                    if release { jobs.raws[k] = nil }
                }
            }
            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        }
        var storage: [Double]
        if let recycled {
            storage = recycled.take(count: n * p, columns: p)
            storage.withUnsafeMutableBufferPointer { fill($0) }
        } else {
            storage = [Double](unsafeUninitializedCapacity: n * p) { buffer, initialized in
                // A fresh design is hundreds of MB of untouched pages: fault them in 2 MiB at a time.
                if let base = buffer.baseAddress { adviseHugePages(base, bytes: n * p * MemoryLayout<Double>.stride) }
                fill(buffer)
                initialized = n * p
            }
        }
        var problems = ProblemCollector()
        for k in features.indices {
            if let u = unusable[k] { problems.add(u) }
            for problem in jobs.problems[k] { problems.add(problem) }
        }
        try problems.throwIfAny()
        do {
            return EncodedDesign(design: Design(x: try Matrix(rows: n, cols: p, columnMajor: storage), names: names, hasIntercept: true),
                                 means: Array(jobs.means), ranges: Array(jobs.ranges))
        } catch {
            throw DataValidationError(problems: [DataProblem(file: source, message: "cannot build the design: \(error)")])
        }
    }

    /// The unweighted mean of each design column over `rows`, without building the design:
    /// sums in row order, exactly as summing the design's columns would. nil when some cell
    /// cannot be encoded (then `design` names the problem).
    func columnMeans(_ panel: Panel, rows: [Int]) -> [Double]? {
        let n = Double(rows.count)
        var means = [Double(rows.count) / n]
        var scratch = [Double](repeating: 0, count: rows.count)
        var failed = false
        for f in features {
            guard let raw = panel.features.first(where: { $0.name == f.name }) else { return nil }
            switch (raw.values, f.type) {
            case let (.numeric(values), .numeric) where f.cuts != nil:
                var counts = [Int](repeating: 0, count: f.width)
                f.fillBins(values, rows: rows, report: { _, _ in failed = true }) { _, offset in counts[offset] += 1 }
                if failed { return nil }
                means.append(contentsOf: counts.map { Double($0) / n })
            case let (.numeric(values), .numeric), let (.numeric(values), .boolean):
                if f.knots != nil { return nil }   // the design's own means (more columns)
                var missing = 0
                scratch.withUnsafeMutableBufferPointer { value in
                    _ = f.fillNumeric(values, rows: rows, value: value, indicator: nil) { _, _ in failed = true }
                }
                if failed { return nil }
                if f.missingIndicator == true, f.width >= 2 { for r in rows where values[r].isNaN { missing += 1 } }
                means.append(scratch.withUnsafeBufferPointer { Design.columnSum($0) } / n)
                if f.missingIndicator == true, f.width >= 2 { means.append(Double(missing) / n) }
            case let (.text(column), .categorical):
                var counts = [Int](repeating: 0, count: f.width)
                f.fillCategorical(column, rows: rows, report: { _, _ in failed = true }) { _, offset in counts[offset] += 1 }
                if failed { return nil }
                means.append(contentsOf: counts.map { Double($0) / n })
            default:
                return nil
            }
        }
        return means
    }

    /// The raw values of row `r` of `panel` in the shape `encode(_:)` takes, as a production
    /// scorer would see them.
    public func rawRow(_ panel: Panel, row r: Int) -> [RawValue] {
        features.map { f in
            guard let raw = panel.features.first(where: { $0.name == f.name }) else { return .missing }
            switch raw.values {
            case let .numeric(v): return v[r].isNaN ? .missing : .number(v[r])
            case let .text(t): return t.value(at: r).map { .text($0) } ?? .missing
            }
        }
    }
}

extension FittedFeature {
    /// Encodes `values[rows[i]]` into `value[i]` (and the missing indicator into `indicator[i]`)
    /// exactly as `encodeNumber`, the scalar path's own function, does; a cell that cannot be
    /// encoded is reported and written as 0. `value` and `indicator` hold at least `rows.count`
    /// elements.
    ///
    /// The cells that cannot fail (every one, unless the feature has `impute: error` or `log1p`)
    /// take a tight loop with the encoding's fields in registers; the others go through
    /// `encodeNumber` itself, so errors read the same as in the scalar path.
    ///
    /// `firstRow` says that `rows` is `firstRow..<firstRow + rows.count` in order (checked once by
    /// the caller, `contiguousStart`), so the loop reads the column straight instead of through
    /// the row list. That loop also returns the sums of the columns it wrote, the same bits as
    /// `Design.columnSum` of each (nil from the other loops).
    @discardableResult
    func fillNumeric(_ values: [Double], rows: [Int], firstRow: Int? = nil, value: UnsafeMutableBufferPointer<Double>,
                     indicator: UnsafeMutableBufferPointer<Double>?, report: (Int, EncodingProblem) -> Void) -> ColumnSums? {
        precondition(value.count >= rows.count && (indicator?.count ?? rows.count) >= rows.count)
        let impute = imputeValue, log1p = transform == .log1p
        let lo = lower ?? -.infinity, hi = upper ?? .infinity
        let standardize = center != nil && scale != nil, c = center ?? 0, s = scale ?? 1
        let straight = firstRow != nil, first = firstRow ?? 0
        if straight, let impute, !log1p {
            // Nothing to report and nothing to transform one by one: four cells at a time.
            return values.withUnsafeBufferPointer { vp in
                Self.fillRun(UnsafeBufferPointer(rebasing: vp[first..<(first + rows.count)]), impute: impute, lower: lo, upper: hi,
                             center: standardize ? c : nil, scale: s, value: value, indicator: indicator)
            }
        }
        values.withUnsafeBufferPointer { vp in
            rows.withUnsafeBufferPointer { rp in
                for i in 0..<rp.count {
                    let r = straight ? first &+ i : rp[i]
                    var x = vp[r], flag = 0.0
                    if x.isNaN, let impute {
                        x = impute
                        flag = 1
                    } else if !x.isNaN && (!log1p || x > -1) {
                        if log1p { x = x.log1pValue }
                        if x < lo { x = lo }
                        if x > hi { x = hi }
                    } else {
                        do throws(EncodingProblem) {
                            let cell = try encodeNumber(x)
                            value[i] = cell.value
                            indicator?[i] = cell.indicator
                        } catch {
                            value[i] = 0
                            indicator?[i] = 0
                            report(r, error)
                        }
                        continue
                    }
                    if standardize { x = (x - c) / s }
                    value[i] = x
                    indicator?[i] = flag
                }
            }
        }
        return nil
    }

    /// The sums of a numeric feature's value column and of its missing indicator (0 without one).
    struct ColumnSums {
        var value: Double
        var indicator: Double
    }

    /// `fillNumeric`'s loop for a run of rows under an encoding that cannot fail (an impute
    /// value, no log1p), four cells at a time: the same operations per cell as the scalar
    /// path (impute, else clip; then (x − center) / scale), so the same bits.
    ///
    /// The written cells are summed on the way, in `PresentSums`' eight lanes (cell k into lane
    /// k % 8, NaN skipped) and combined the same way: the column means the design needs without
    /// reading the columns again.
    private static func fillRun(_ run: UnsafeBufferPointer<Double>, impute: Double, lower: Double, upper: Double,
                                center: Double?, scale: Double, value: UnsafeMutableBufferPointer<Double>,
                                indicator: UnsafeMutableBufferPointer<Double>?) -> ColumnSums {
        typealias V = SIMD4<Double>
        let lo = V(repeating: lower), hi = V(repeating: upper), fill = V(repeating: impute)
        let c = V(repeating: center ?? 0), sc = V(repeating: scale), one = V(repeating: 1), zero = V.zero
        let n = run.count
        guard let source = run.baseAddress.map(UnsafeRawPointer.init), let out = value.baseAddress else {
            return ColumnSums(value: 0, indicator: 0)
        }
        let flags = indicator?.baseAddress.map(UnsafeMutableRawPointer.init)
        let target = UnsafeMutableRawPointer(out)
        /// Cells i..<i+4: written, and returned (NaN as 0) with their flags for the sums.
        @inline(__always) func cells(_ i: Int) -> (V, V) {
            let x = source.loadUnaligned(fromByteOffset: i * 8, as: V.self)
            let missing = x .!= x
            var y = x.replacing(with: lo, where: x .< lo)
            y = y.replacing(with: hi, where: y .> hi)
            y = y.replacing(with: fill, where: missing)
            if center != nil { y = (y - c) / sc }
            target.storeBytes(of: y, toByteOffset: i * 8, as: V.self)
            let flag = zero.replacing(with: one, where: missing)
            flags?.storeBytes(of: flag, toByteOffset: i * 8, as: V.self)
            return (y.replacing(with: zero, where: y .!= y), flag)
        }
        var a = V.zero, b = V.zero, fa = V.zero, fb = V.zero
        var i = 0
        while i + 8 <= n {
            let (y0, f0) = cells(i), (y1, f1) = cells(i + 4)
            a += y0; b += y1
            fa += f0; fb += f1
            i += 8
        }
        if i + 4 <= n {
            let (y0, f0) = cells(i)
            a += y0
            fa += f0
            i += 4
        }
        var partial = [a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]]
        var flagPartial = [fa[0], fa[1], fa[2], fa[3], fb[0], fb[1], fb[2], fb[3]]
        let tail = i
        while i < n {
            var x = run[i], flag = 0.0
            if x.isNaN {
                x = impute
                flag = 1
            } else {
                if x < lower { x = lower }
                if x > upper { x = upper }
            }
            if center != nil { x = (x - (center ?? 0)) / scale }
            out[i] = x
            indicator?[i] = flag
            i += 1
        }
        for k in tail..<n {
            if !out[k].isNaN { partial[k % 8] += out[k] }
            flagPartial[k % 8] += indicator?[k] ?? 0
        }
        return ColumnSums(value: PresentSums.combine(partial), indicator: PresentSums.combine(flagPartial))
    }

    /// Calls `set(i, offset)` for each row `rows[i]` whose level has a column (at `offset`
    /// within this feature's columns). Each distinct level is resolved once, with the scalar
    /// path's own `categoricalColumn`; rows whose level cannot be encoded are reported.
    /// Offsets beyond the feature's `width` (only in a hand-edited weight file) are never passed.
    func fillCategorical(_ column: TextColumn, rows: [Int], report: (Int, EncodingProblem) -> Void,
                         set: (Int, Int) -> Void) {
        var offsetOfCode: [Result<Int?, EncodingProblem>] = []
        offsetOfCode.reserveCapacity(column.levels.count)
        for level in column.levels {
            do { offsetOfCode.append(.success(try categoricalColumn(level))) } catch { offsetOfCode.append(.failure(error)) }
        }
        // Offsets as plain integers (-1: no column) for the row loop.
        let none = -1, failure = -2
        let plain = offsetOfCode.map { result -> Int in
            switch result {
            case let .success(k): k.map { $0 < width ? $0 : none } ?? none
            case .failure: failure
            }
        }
        var missingOffset = none
        do { missingOffset = try categoricalColumn(nil).map { $0 < width ? $0 : none } ?? none } catch {}
        for (i, r) in rows.enumerated() {
            let code = Int(column.codes[r])
            let offset = code < 0 ? missingOffset : plain[code]
            if offset >= 0 {
                set(i, offset)
            } else if offset == failure, case let .failure(p) = offsetOfCode[code] {
                report(r, p)
            }
        }
    }
}

/// The design's buffer and one problem list per feature, shared with the worker threads.
///
/// Unchecked because the compiler cannot see what makes it safe: worker w writes only the
/// columns, means, raw-column and problem slots of features k with k % workers == w (and worker 0 the
/// intercept's), disjoint ranges of memory, and everything is read after `concurrentPerform`
/// has returned.
private final class DesignJobs: @unchecked Sendable {
    var base: UnsafeMutablePointer<Double>?
    let problems: UnsafeMutableBufferPointer<[DataProblem]>
    /// One mean per design column, written by the worker that wrote the column.
    let means: UnsafeMutableBufferPointer<Double>
    /// One per-class range per design column (nil: not found while writing), likewise.
    let ranges: UnsafeMutableBufferPointer<LogisticRegression.ColumnRange?>
    /// Each feature's raw column, read (and, when releasing, dropped) by the worker of that feature.
    let raws: UnsafeMutableBufferPointer<PanelFeature?>

    init(count: Int, columns: Int, raws found: [PanelFeature?]) {
        problems = .allocate(capacity: count)
        problems.initialize(repeating: [])
        means = .allocate(capacity: columns)
        means.initialize(repeating: 0)
        ranges = .allocate(capacity: columns)
        ranges.initialize(repeating: nil)
        raws = .allocate(capacity: found.count)
        _ = raws.initialize(from: found)
    }

    deinit {
        problems.deinitialize()
        problems.deallocate()
        means.deallocate()
        ranges.deallocate()
        raws.deinitialize()
        raws.deallocate()
    }
}
