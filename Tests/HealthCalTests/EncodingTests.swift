import Foundation
import LinearAlgebra
import Testing
import TestSupport
@testable import HealthCal

@Suite("Encoding")
struct EncodingTests {
    struct Expected: Decodable {
        var columns: [String]
        var train_rows: [Int]
        var score_rows: [Int]
        var train: [[Double]]
        var score: [[Double]]
        var winsorize_bounds: [Double]
        var logins_median: Double
        var logins_mean: Double
        var logins_sd: Double
    }

    func loadFixture() throws -> (Panel, Spec, Expected) {
        let csv = try String(contentsOf: fixtureURL("encoding_panel.csv"), encoding: .utf8)
        let spec = try Spec.load(path: fixtureURL("encoding_spec.yaml").path)
        let panel = try Panel.make(table: makeTable(csv, source: "encoding_panel.csv"), spec: spec)
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: fixtureURL("encoding_expected.json")))
        return (panel, spec, expected)
    }

    func rowsOf(_ d: Design) -> [[Double]] {
        (0..<d.rowCount).map { i in (0..<d.columnCount).map { d.x[i, $0] } }
    }

    /// Reference: Fixtures/make_encoding_fixtures.py (pandas/numpy, versions in the JSON).
    /// Tolerance 1e-12 absolute: the only differences allowed are summation order in means.
    @Test func matchesPandasOnTrainingAndScoringRows() throws {
        let (panel, spec, expected) = try loadFixture()
        #expect(expected.train_rows == panel.rowsByPeriod.prefix(3).flatMap { $0 }.sorted())
        let enc = try FeatureEncoder.fit(panel, rows: expected.train_rows, spec: spec)
        #expect(enc.names == expected.columns)
        let logins = try #require(enc.features.first)
        #expect(logins.lower == expected.winsorize_bounds[0] && logins.upper == expected.winsorize_bounds[1])
        #expect(logins.imputeValue == expected.logins_median)
        #expect(abs((logins.center ?? .nan) - expected.logins_mean) <= 1e-12)
        #expect(abs((logins.scale ?? .nan) - expected.logins_sd) <= 1e-12)

        let train = rowsOf(try enc.design(panel, rows: expected.train_rows))
        let score = rowsOf(try enc.design(panel, rows: expected.score_rows))
        #expect(maxAbsoluteError(train.flatMap { $0 }, expected.train.flatMap { $0 }) <= 1e-12)
        #expect(maxAbsoluteError(score.flatMap { $0 }, expected.score.flatMap { $0 }) <= 1e-12)
    }

    @Test func scalarPathIsBitIdenticalToMatrixPath() throws {
        let (panel, spec, expected) = try loadFixture()
        let enc = try FeatureEncoder.fit(panel, rows: expected.train_rows, spec: spec)
        let all = Array(0..<panel.rowCount)
        let design = try enc.design(panel, rows: all)
        for r in all {
            let scalar = try enc.encode(enc.rawRow(panel, row: r))
            let matrix = (0..<design.columnCount).map { design.x[r, $0] }
            #expect(scalar.map(\.bitPattern) == matrix.map(\.bitPattern), "row \(r)")
        }
    }

    /// The fit's path (encodings and design together, means from the design) gives the very
    /// encoding and design of the two separate steps.
    @Test func fitWithDesignEqualsFitThenDesign() throws {
        let (panel, spec, expected) = try loadFixture()
        let enc = try FeatureEncoder.fit(panel, rows: expected.train_rows, spec: spec)
        let design = try enc.design(panel, rows: expected.train_rows)
        let (together, togetherDesign) = try FeatureEncoder.fitWithDesign(panel, rows: expected.train_rows, spec: spec)
        #expect(together == enc)
        #expect(together.contributionMeans.map(\.bitPattern) == enc.contributionMeans.map(\.bitPattern))
        #expect(togetherDesign.x.storage.map(\.bitPattern) == design.x.storage.map(\.bitPattern))
    }

    /// Freeing the raw columns while building the design changes nothing but the panel.
    @Test func releasingTheRawColumnsGivesTheSameEncodingAndDesign() throws {
        let (panel, spec, _) = try loadFixture()
        let all = Array(0..<panel.rowCount)
        let (enc, design) = try FeatureEncoder.fitWithDesign(panel, rows: all, spec: spec)
        var consumed = panel
        let (released, releasedDesign) = try FeatureEncoder.fitWithDesign(releasing: &consumed, rows: all, spec: spec)
        #expect(released == enc)
        #expect(releasedDesign.x.storage.map(\.bitPattern) == design.x.storage.map(\.bitPattern))
        #expect(consumed.features.isEmpty && !panel.features.isEmpty)
        #expect(consumed.outcome == panel.outcome)
    }

    /// Reading the columns straight when the rows are one run (all rows, or a fold's periods)
    /// gives what the row list gives.
    @Test(arguments: [false, true])
    func theStraightPathEqualsTheRowListPath(wholePanel: Bool) throws {
        let (panel, _, _) = try loadFixture()
        let start = wholePanel ? 0 : panel.rowCount / 3
        let all = Array(start..<panel.rowCount)
        #expect(FittedEncoding.contiguousStart(all) == start)
        #expect(FittedEncoding.contiguousStart(Array(all.reversed())) == nil)
        #expect(FittedEncoding.contiguousStart([]) == nil)
        #expect(FittedEncoding.contiguousStart([3, 4, 6]) == nil)
        for raw in panel.features {
            guard case let .numeric(values) = raw.values else { continue }
            var p1 = ProblemCollector(), p2 = ProblemCollector()
            let straight = FeatureEncoder.fitNumeric(raw.spec, values: values, rows: all, firstRow: start, raw: raw, panel: panel, problems: &p1)
            let listed = FeatureEncoder.fitNumeric(raw.spec, values: values, rows: all, firstRow: nil, raw: raw, panel: panel, problems: &p2)
            #expect(straight == listed, "\(raw.name)")
            guard let f = straight else { continue }
            var a = [Double](repeating: 0, count: all.count), b = a, flagsA = a, flagsB = [Double](repeating: 7, count: all.count)
            a.withUnsafeMutableBufferPointer { v in flagsA.withUnsafeMutableBufferPointer { m in
                _ = f.fillNumeric(values, rows: all, firstRow: start, value: v, indicator: m) { _, _ in }
            } }
            b.withUnsafeMutableBufferPointer { v in flagsB.withUnsafeMutableBufferPointer { m in
                _ = f.fillNumeric(values, rows: all, firstRow: nil, value: v, indicator: m) { _, _ in }
            } }
            #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "\(raw.name)")
            #expect(flagsA == flagsB, "\(raw.name)")
        }
    }

    /// The four-cells-at-a-time fill of a run of rows (impute, clip, standardize, indicator)
    /// writes exactly what the scalar path `encodeNumber` gives, cell by cell.
    @Test func theRunFillMatchesTheScalarPathCellByCell() throws {
        let f = FittedFeature(name: "x", type: .numeric, group: nil, columns: ["x", "x (missing)"], transform: FeatureSpec.Transform.none,
                              lower: -3, upper: 40, impute: .mean, imputeValue: 2.5, missingIndicator: true,
                              center: 1.75, scale: 3.3)
        let values: [Double] = (0..<1001).map { (k: Int) -> Double in
            let v = Double((k * 7919) % 97)
            return k % 13 == 0 ? Double.nan : v / 2 - 5
        }
        let rows = Array(0..<values.count)
        var value = [Double](repeating: 0, count: rows.count), flag = value
        value.withUnsafeMutableBufferPointer { v in flag.withUnsafeMutableBufferPointer { m in
            _ = f.fillNumeric(values, rows: rows, firstRow: 0, value: v, indicator: m) { _, _ in Issue.record("no cell can fail") }
        } }
        for (i, x) in values.enumerated() {
            let cell = try f.encodeNumber(x)
            #expect(value[i].bitPattern == cell.value.bitPattern, "row \(i)")
            #expect(flag[i] == cell.indicator, "row \(i)")
        }
    }

    /// The run fill sums the columns it writes: the same bits as `Design.columnSum` of each,
    /// for every length around the eight-lane and four-cell steps. The per-class ranges
    /// `designRange` derives from the raw column's extremes are what a scan of the written
    /// columns finds, with and without standardization.
    @Test(arguments: [true, false])
    func theRunFillSumsAndTheDerivedRangesEqualScansOfTheColumns(standardized: Bool) throws {
        let f = FittedFeature(name: "x", type: .numeric, group: nil, columns: ["x", "x (missing)"], transform: FeatureSpec.Transform.none,
                              lower: -3, upper: 40, impute: .mean, imputeValue: 2.5, missingIndicator: true,
                              center: standardized ? 1.75 : nil, scale: standardized ? 3.3 : nil)
        let values: [Double] = (0..<300).map { (k: Int) -> Double in
            k % 11 == 0 ? Double.nan : Double((k * 7919) % 97) / 3 - 7.1
        }
        let outcome: [Double] = (0..<300).map { ($0 * 37) % 5 == 0 ? 1 : 0 }
        for count in Array(0...40) + [255, 300] {
            let rows = Array(0..<count)
            var value = [Double](repeating: 0, count: count), flag = value
            let sums = value.withUnsafeMutableBufferPointer { v in flag.withUnsafeMutableBufferPointer { m in
                f.fillNumeric(values, rows: rows, firstRow: 0, value: v, indicator: m) { _, _ in }
            } }
            let expected = value.withUnsafeBufferPointer { Design.columnSum($0) }
            let expectedFlags = flag.withUnsafeBufferPointer { Design.columnSum($0) }
            #expect(sums?.value.bitPattern == expected.bitPattern, "\(count) rows")
            #expect(sums?.indicator.bitPattern == expectedFlags.bitPattern, "\(count) rows")

            var extremes = ClassExtremes()
            for i in rows { extremes.add(values[i], churned: outcome[i] == 1) }
            let churners = rows.filter { outcome[$0] == 1 }.count
            let ranges = try #require(f.designRange(extremes, rows0: count - churners, rows1: churners), "\(count) rows")
            let scanned = try LogisticRegression.columnRanges(
                Design(x: Matrix(rows: count, cols: 2, columnMajor: value + flag), names: ["x", "x (missing)"], hasIntercept: false),
                y: Array(outcome[0..<count]))
            #expect(ranges.value == scanned[0], "\(count) rows")
            #expect(ranges.indicator == scanned[1], "\(count) rows")
        }
    }

    /// Every range the encoder reports with a design equals the fit's own scan of that column,
    /// over growing first rows (the folds, whose raw extremes are carried in the storage) and
    /// a row list; the intercept, the one-hot columns and, over first rows, the run-filled
    /// numeric column all have one.
    @Test func designRangesEqualTheFitsScan() throws {
        let (panel, spec, _) = try loadFixture()
        let n = panel.rowCount
        let storage = DesignStorage(maxRows: n)
        for rows in [Array(0..<(n / 3)), Array(0..<(2 * n / 3)), Array(0..<n), Array(stride(from: 1, to: n, by: 3))] {
            let (_, encoded) = try FeatureEncoder.fitWithEncodedDesign(panel, rows: rows, spec: spec, storage: storage)
            let scanned = try LogisticRegression.columnRanges(encoded.design, y: rows.map { panel.outcome[$0] })
            for (j, range) in encoded.ranges.enumerated() {
                if let range { #expect(range == scanned[j], "column \(encoded.design.names[j]), \(rows.count) rows") }
            }
            let named = Dictionary(uniqueKeysWithValues: zip(encoded.design.names, encoded.ranges))
            #expect(named["const"]! != nil)
            #expect(encoded.design.names.filter { $0.hasPrefix("plan=") }.allSatisfy { named[$0]! != nil })
            #expect((named["tickets"]! != nil) == (rows.first == 0))
            var design = encoded.design
            storage.giveBack(design.releaseStorage())
        }
    }

    /// Designs built in storage handed on from earlier designs equal fresh ones, whether the
    /// storage grows or shrinks between them (a backtest's folds).
    @Test func recycledDesignStorageGivesTheFreshDesign() throws {
        let (panel, spec, _) = try loadFixture()
        let n = panel.rowCount
        let storage = DesignStorage(maxRows: n / 2)
        for rows in [Array(0..<(n / 2)), Array(0..<n), Array(0..<(n / 3)), Array(stride(from: 0, to: n, by: 2))] {
            let encoding = try FeatureEncoder.fit(panel, rows: rows, spec: spec)
            let fresh = try encoding.designAndMeans(panel, rows: rows)
            let recycled = try encoding.designAndMeans(panel, rows: rows, storage: storage)
            #expect(recycled.design.x.rows == rows.count)
            #expect(recycled.design.x.storage.map(\.bitPattern) == fresh.design.x.storage.map(\.bitPattern))
            #expect(recycled.means.map(\.bitPattern) == fresh.means.map(\.bitPattern))
            storage.giveBack(recycled.design.x.storage)
        }
    }

    @Test func fittedEncodingRoundTripsThroughJSON() throws {
        let (panel, spec, expected) = try loadFixture()
        let enc = try FeatureEncoder.fit(panel, rows: expected.train_rows, spec: spec)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(enc)
        let back = try JSONDecoder().decode(FittedEncoding.self, from: data)
        #expect(back == enc)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"impute_value\"") && text.contains("\"contribution_means\""))
        let plan = try #require(enc.features.first { $0.name == "plan" })
        #expect(plan.reference == "basic" && plan.pooled == ["legacy"] && plan.hasOther == true)
        // Contribution means: the training mean of each column; standardized columns average ~0.
        #expect(enc.contributionMeans[0] == 1)
        #expect(abs(enc.contributionMeans[1]) <= 1e-12)
    }

    static let small = """
        customer_id,period,churned,x,plan
        a,2025Q1,0,1,basic
        b,2025Q1,1,2,pro
        c,2025Q1,0,3,pro
        d,2025Q1,0,,basic
        e,2025Q2,1,-1,gold
        """

    func smallPanel(_ features: [FeatureSpec]) throws -> Panel {
        try Panel.make(table: makeTable(Self.small), spec: testSpec(features: features))
    }

    @Test func unseenLevelIsReferenceOrAProblem() throws {
        let cat = FeatureSpec(name: "plan", type: .categorical, minCount: 1)
        let p = try smallPanel([cat])
        let enc = try FeatureEncoder.fit(p, rows: [0, 1, 2, 3], spec: p.spec)
        // basic and pro tie at 2 rows: the alphabetically first, basic, is the reference.
        #expect(enc.names == ["const", "plan=pro"])
        let d = try enc.design(p, rows: [4])
        #expect(d.x[0, 1] == 0)

        var strict = cat
        strict.unseen = .error
        let p2 = try smallPanel([strict])
        let enc2 = try FeatureEncoder.fit(p2, rows: [0, 1, 2, 3], spec: p2.spec)
        do {
            _ = try enc2.design(p2, rows: [4])
            Issue.record("expected a problem")
        } catch {
            let problem = try #require(error.problems.first)
            #expect(problem.line == 6 && problem.column == 5 && problem.columnName == "plan" && problem.value == "gold")
        }
        #expect(throws: EncodingProblem.self) { try enc2.encode([.text("gold")]) }
    }

    @Test func log1pOfValueAtMostMinusOneIsAProblem() throws {
        let p = try smallPanel([FeatureSpec(name: "x", type: .numeric, transform: .log1p)])
        do {
            _ = try FeatureEncoder.fit(p, rows: [0, 1, 2, 3, 4], spec: p.spec)
            Issue.record("expected a problem")
        } catch {
            let problem = try #require(error.problems.first)
            #expect(problem.line == 6 && problem.column == 4 && problem.value == "-1")
            #expect(problem.message.contains("log1p"))
        }
    }

    @Test func imputeErrorNamesTheMissingCell() throws {
        let p = try smallPanel([FeatureSpec(name: "x", type: .numeric, impute: .error)])
        do {
            _ = try FeatureEncoder.fit(p, rows: [0, 1, 2, 3], spec: p.spec)
            Issue.record("expected a problem")
        } catch {
            #expect(error.problems.map(\.line) == [5])
            #expect(error.problems[0].columnName == "x")
        }
    }

    @Test func constantColumnIsReported() throws {
        let p = try smallPanel([FeatureSpec(name: "x", type: .numeric)])
        do {
            _ = try FeatureEncoder.fit(p, rows: [0, 3], spec: p.spec)
            Issue.record("expected a problem")
        } catch {
            #expect(error.problems[0].columnName == "x" && error.problems[0].message.contains("constant"))
        }
    }

    /// Reference: numpy 2.x np.quantile(x, q) (default linear method), values computed in Python:
    /// np.quantile([1, 2, 4, 8, 16], [0, 0.1, 0.25, 0.5, 0.9, 1]) = [1, 1.4, 2, 4, 12.8, 16];
    /// np.median([1, 2, 4, 8]) = 3. Tolerance: exact (same operations as numpy).
    @Test func quantilesMatchNumpy() {
        let x: [Double] = [1, 2, 4, 8, 16]
        let q = [0, 0.1, 0.25, 0.5, 0.9, 1].map { OrderStatistics.quantile(sorted: x, $0) }
        #expect(q == [1, 1.4, 2, 4, 12.8, 16])
        #expect(OrderStatistics.median(sorted: [1, 2, 4, 8]) == 3)
    }

    /// Selection gives exactly the sorted answer (reference: the sorted-array functions above,
    /// themselves pinned to numpy). Random arrays of 1 to 300 values with many ties and
    /// already-sorted and reversed runs; tolerance: exact.
    @Test func selectionMatchesSorting() {
        var g = SystemRandomNumberGenerator()
        for trial in 0..<400 {
            let n = 1 + Int.random(in: 0..<300, using: &g)
            var x = (0..<n).map { _ in Double(Int.random(in: 0..<(trial % 3 == 0 ? 5 : 1000), using: &g)) / 7 }
            if trial % 5 == 1 { x.sort() }
            if trial % 5 == 2 { x.sort(by: >) }
            let sorted = x.sorted()
            for q in [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1] {
                var copy = x
                #expect(OrderStatistics.quantile(selecting: &copy, q) == OrderStatistics.quantile(sorted: sorted, q))
            }
            var copy = x
            #expect(OrderStatistics.median(selecting: &copy) == OrderStatistics.median(sorted: sorted))
            let k = Int.random(in: 0..<n, using: &g)
            copy = x
            #expect(OrderStatistics.orderStatistic(&copy, k) == sorted[k])
            #expect(copy.sorted() == sorted)
        }
    }

    /// Two worker threads give the same design, bit for bit, and the same problems in the same
    /// order (feature by feature, then row by row) as one. Reference: the one-thread path.
    @Test func twoThreadsGiveTheSameDesignAndProblems() throws {
        let (panel, spec, expected) = try loadFixture()
        let enc = try FeatureEncoder.fit(panel, rows: expected.train_rows, spec: spec)
        let all = Array(0..<panel.rowCount)
        let one = try enc.design(panel, rows: all, workers: 1)
        let two = try enc.design(panel, rows: all, workers: 2)
        #expect(one.x.storage.map(\.bitPattern) == two.x.storage.map(\.bitPattern))

        var plan = FeatureSpec(name: "plan", type: .categorical, minCount: 1)
        plan.unseen = .error
        let p = try smallPanel([FeatureSpec(name: "x", type: .numeric, impute: .error), plan])
        let fitted = try FeatureEncoder.fit(p, rows: [0, 1, 2], spec: p.spec)
        var seen: [[String]] = []
        for workers in [1, 2] {
            do {
                _ = try fitted.design(p, rows: [3, 4, 3, 4], workers: workers)
                Issue.record("expected problems")
            } catch {
                seen.append(error.problems.map { "\($0.columnName ?? "") \($0.line ?? 0) \($0.value ?? "")" })
            }
        }
        #expect(seen.count == 2 && seen[0] == seen[1])
        #expect(seen.first == ["x 5 ", "x 5 ", "plan 6 gold", "plan 6 gold"])
    }
}

