import Foundation
import LinearAlgebra

/// One scored row of a table.
public struct ScoredRow: Sendable, Equatable {
    public var id: String
    public var period: String?
    public var segment: String?
    public var score: Scorer.Score
}

extension Scorer {
    /// Reads a CSV to score the way the weight file's spec describes its columns (id, period,
    /// segment and categorical features as text, numeric features as numbers). No outcome
    /// column is needed.
    public func readTable(path: String) throws(DataValidationError) -> Table {
        try CSVReader.read(path: path, options: PanelLoading.csvOptions(for: file.metadata.spec))
    }

    /// Scores every row of `table` (the vectorized path): each model's rows are encoded column
    /// by column with the same cell functions as `encode(_:)`, and η = X·w is one BLAS
    /// matrix-vector product per model. Cells that cannot be encoded are reported with their
    /// line and column (up to `DataValidationError.limit`).
    public func score(table: Table) throws(DataValidationError) -> [ScoredRow] {
        let columns = try roles(of: table)
        guard let ids = columns.ids else { return [] }
        var out = [ScoredRow?](repeating: nil, count: table.rowCount)
        for group in try designs(table, columns, rows: Array(0..<table.rowCount)) {
            for (i, r) in group.rows.enumerated() {
                let xi = (0..<group.chosen.encoding.names.count).map { group.x.storage[$0 * group.rows.count + i] }
                let rawRow = group.raw.map { $0[i] }
                let seg = columns.segments?.value(at: r)
                let s = finish(x: xi, raw: rawRow, chosen: group.chosen, segment: seg, gateValue: columns.gate?[r] ?? nil, eta: group.eta[i])
                out[r] = ScoredRow(id: ids.value(at: r) ?? "", period: columns.periods?.value(at: r), segment: seg, score: s)
            }
        }
        return out.compactMap { $0 }
    }

    /// The churn probability (calibrated, as `Score.churnProbability`) of each of `rows` of
    /// `table`, in that order, and nothing else: what a champion comparison reads, without
    /// `score(table:)`'s per-row contributions and bands for every row of the table.
    public func probabilities(table: Table, rows: [Int]) throws(DataValidationError) -> [Double] {
        let columns = try roles(of: table)
        guard columns.ids != nil else { return [] }
        var position: [Int: Int] = [:]
        for (k, r) in rows.enumerated() { position[r] = k }
        var out = [Double](repeating: .nan, count: rows.count)
        for group in try designs(table, columns, rows: rows) {
            for (i, r) in group.rows.enumerated() {
                if let k = position[r] { out[k] = probability(linearPredictor: group.eta[i]) }
            }
        }
        return out
    }

    /// The columns `score(table:)` reads, by role (a missing one is a problem naming it).
    private struct Roles {
        var ids: TextColumn?
        var periods: TextColumn?
        var segments: TextColumn?
        var gate: [Double?]?
        var features: [String: Int]
    }

    private func roles(of table: Table) throws(DataValidationError) -> Roles {
        let spec = file.metadata.spec
        var problems = ProblemCollector()
        func column(_ name: String, role: String) -> Int? {
            if let i = table.index(of: name) { return i }
            problems.add(DataProblem(file: table.source, columnName: name,
                                     message: "\(role) \"\(name.shownInMessage)\" is not in the file (columns: \(table.names.shownInMessage()))"))
            return nil
        }
        let idCol = column(spec.data.id, role: "the id column")
        let periodCol = spec.data.period.flatMap { table.index(of: $0) }
        let segmentName = file.segmentColumn
        let needsSegment = file.segments != nil || !(file.bands?.perSegment.isEmpty ?? true)
        let segmentCol = segmentName.flatMap { needsSegment ? column($0, role: "the segment column") : table.index(of: $0) }
        let gateCol = file.bands?.gate.flatMap { column($0.column, role: "the band gate column") }
        var featureNames = file.encoding.features.map(\.name)
        for m in (file.segments ?? [:]).values { featureNames += (m.encoding?.features ?? []).map(\.name) }
        var featureCols: [String: Int] = [:]
        for name in featureNames where featureCols[name] == nil {
            if let i = column(name, role: "the feature") { featureCols[name] = i }
        }
        try problems.throwIfAny()
        let n = table.rowCount
        return Roles(
            ids: idCol.map { CellParsing.textView(table.columns[$0], data: spec.data) },
            periods: periodCol.map { CellParsing.textView(table.columns[$0], data: spec.data) },
            segments: segmentCol.map { CellParsing.textView(table.columns[$0], data: spec.data) },
            gate: gateCol.map { g in
                switch table.columns[g] {
                case let .numeric(v): return v.map { $0.isNaN ? nil : $0 }
                case let .text(t): return (0..<n).map { t.value(at: $0).flatMap(CellParsing.number) }
                }
            },
            features: featureCols)
    }

    /// Each model's rows among `rows`, their design (column-major, the same cell functions as
    /// `encode(_:)`), raw values and η = X·w (one BLAS matrix-vector product per model).
    private func designs(_ table: Table, _ columns: Roles, rows wanted: [Int]) throws(DataValidationError)
        -> [(chosen: (name: String?, model: WeightFile.LinearModel, encoding: FittedEncoding), rows: [Int], x: Matrix, raw: [[RawValue]], eta: [Double])] {
        let spec = file.metadata.spec
        var problems = ProblemCollector()
        // Rows of each model: nil key = pooled.
        var rowsOfModel: [String?: [Int]] = [:]
        for r in wanted {
            rowsOfModel[file.model(forSegment: columns.segments?.value(at: r)).name, default: []].append(r)
        }
        var out: [(chosen: (name: String?, model: WeightFile.LinearModel, encoding: FittedEncoding), rows: [Int], x: Matrix, raw: [[RawValue]], eta: [Double])] = []
        for key in rowsOfModel.keys.sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            let rows = rowsOfModel[key] ?? []
            let chosen = file.model(forSegment: key)
            let enc = chosen.encoding
            var x = Matrix(rows: rows.count, cols: enc.names.count)
            for i in 0..<rows.count { x.storage[i] = 1 }
            var rawColumns: [[RawValue]] = []
            var j = 1
            for f in enc.features {
                let col = columns.features[f.name].map { table.columns[$0] }
                let raw: [RawValue] = rows.map { r in
                    guard let col else { return .missing }
                    switch col {
                    case let .numeric(v): return v[r].isNaN ? .missing : .number(v[r])
                    case let .text(t):
                        guard let s = t.value(at: r), !spec.data.isMissingToken(s) else { return .missing }
                        return .text(s)
                    }
                }
                rawColumns.append(raw)
                // One single-feature encoding per feature, not per cell (it copies the feature).
                let one = f.cellEncoding
                for (i, value) in raw.enumerated() {
                    do {
                        let cells = try one.encode([value])
                        for k in 1..<cells.count where cells[k] != 0 { x.storage[(j + k - 1) * rows.count + i] = cells[k] }
                    } catch {
                        problems.add(DataProblem(file: table.source, line: table.line(ofRow: rows[i]),
                                                 column: columns.features[f.name].map { $0 + 1 }, columnName: f.name,
                                                 value: error.value, message: error.message))
                    }
                }
                j += f.width
            }
            try problems.throwIfAny()
            let beta = [chosen.model.intercept] + chosen.model.weights
            var eta = [Double](repeating: 0, count: rows.count)
            do { try x.multiply(beta, into: &eta) } catch {
                problems.add(DataProblem(file: table.source, message: "internal: \(error)"))
                try problems.throwIfAny()
            }
            out.append((chosen, rows, x, rawColumns, eta))
        }
        return out
    }
}

extension FittedFeature {
    /// The feature's design cells for one raw value: the row path of `FittedEncoding.encode`,
    /// for one feature (same conversions, same cell functions), so both agree bit for bit.
    func encodeCells(_ raw: RawValue) throws(EncodingProblem) -> [Double] {
        Array(try cellEncoding.encode([raw]).dropFirst())
    }

    /// The feature alone as an encoding (its cells after a "const" column): build it once for
    /// many cells.
    var cellEncoding: FittedEncoding {
        FittedEncoding(features: [self], names: ["const"] + columns, contributionMeans: [Double](repeating: 0, count: columns.count + 1))
    }
}

extension Scorer {
    /// Scores `rows` of a validated panel (all rows when nil), the vectorized path for data
    /// already in memory: each model's design comes from `FittedEncoding.design` and
    /// η = X·w is one BLAS matrix-vector product per model.
    public func score(panel: Panel, rows: [Int]? = nil) throws -> [ScoredRow] {
        let rows = rows ?? Array(0..<panel.rowCount)
        var rowsOfModel: [String?: [Int]] = [:]
        for (i, r) in rows.enumerated() { rowsOfModel[file.model(forSegment: panel.segment(ofRow: r)).name, default: []].append(i) }
        var out = [ScoredRow?](repeating: nil, count: rows.count)
        for key in rowsOfModel.keys.sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            let positions = rowsOfModel[key] ?? []
            let chosen = file.model(forSegment: key)
            let subset = positions.map { rows[$0] }
            let design = try chosen.encoding.design(panel, rows: subset)
            let eta = try design.x.multiply([chosen.model.intercept] + chosen.model.weights)
            for (k, i) in positions.enumerated() {
                let r = rows[i]
                let x = (0..<design.x.cols).map { design.x[k, $0] }
                let segment = panel.segment(ofRow: r)
                let s = finish(x: x, raw: chosen.encoding.rawRow(panel, row: r), chosen: chosen, segment: segment,
                               gateValue: panel.gate.map { $0[r] }, eta: eta[k])
                out[i] = ScoredRow(id: panel.customerID(ofRow: r), period: panel.period(ofRow: r)?.label, segment: segment, score: s)
            }
        }
        return out.compactMap { $0 }
    }
}
