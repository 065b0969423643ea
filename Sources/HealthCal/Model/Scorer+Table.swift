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
        guard let idCol else { return [] }

        let n = table.rowCount
        let ids = CellParsing.textView(table.columns[idCol], data: spec.data)
        let periods = periodCol.map { CellParsing.textView(table.columns[$0], data: spec.data) }
        let segments = segmentCol.map { CellParsing.textView(table.columns[$0], data: spec.data) }
        let gate: [Double?]? = gateCol.map { g in
            switch table.columns[g] {
            case let .numeric(v): return v.map { $0.isNaN ? nil : $0 }
            case let .text(t): return (0..<n).map { t.value(at: $0).flatMap(CellParsing.number) }
            }
        }
        // Rows of each model: nil key = pooled.
        var rowsOfModel: [String?: [Int]] = [:]
        for r in 0..<n {
            let seg = segments?.value(at: r)
            rowsOfModel[file.model(forSegment: seg).name, default: []].append(r)
        }
        var out = [ScoredRow?](repeating: nil, count: n)
        for key in rowsOfModel.keys.sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            let rows = rowsOfModel[key] ?? []
            let chosen = file.model(forSegment: key)
            let enc = chosen.encoding
            // Raw values per feature (column-wise), then the design, column-major.
            var x = Matrix(rows: rows.count, cols: enc.names.count)
            for i in 0..<rows.count { x.storage[i] = 1 }
            var rawColumns: [[RawValue]] = []
            var j = 1
            for f in enc.features {
                let col = featureCols[f.name].map { table.columns[$0] }
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
                for (i, value) in raw.enumerated() {
                    do {
                        let cells = try f.encodeCells(value)
                        for (k, c) in cells.enumerated() where c != 0 { x.storage[(j + k) * rows.count + i] = c }
                    } catch {
                        problems.add(DataProblem(file: table.source, line: table.line(ofRow: rows[i]),
                                                 column: featureCols[f.name].map { $0 + 1 }, columnName: f.name,
                                                 value: error.value, message: error.message))
                    }
                }
                j += f.width
            }
            try problems.throwIfAny()
            var beta = [chosen.model.intercept] + chosen.model.weights
            var eta = [Double](repeating: 0, count: rows.count)
            do { try x.multiply(beta, into: &eta) } catch {
                problems.add(DataProblem(file: table.source, message: "internal: \(error)"))
                try problems.throwIfAny()
            }
            beta.removeAll()
            for (i, r) in rows.enumerated() {
                let xi = (0..<enc.names.count).map { x.storage[$0 * rows.count + i] }
                let rawRow = rawColumns.map { $0[i] }
                let seg = segments?.value(at: r)
                let s = finish(x: xi, raw: rawRow, chosen: chosen, segment: seg, gateValue: gate?[r] ?? nil, eta: eta[i])
                out[r] = ScoredRow(id: ids.value(at: r) ?? "", period: periods?.value(at: r), segment: seg, score: s)
            }
        }
        return out.compactMap { $0 }
    }
}

extension FittedFeature {
    /// The feature's design cells for one raw value: the row path of `FittedEncoding.encode`,
    /// for one feature (same conversions, same cell functions), so both agree bit for bit.
    func encodeCells(_ raw: RawValue) throws(EncodingProblem) -> [Double] {
        let one = FittedEncoding(features: [self], names: ["const"] + columns,
                                 contributionMeans: [Double](repeating: 0, count: columns.count + 1))
        return Array(try one.encode([raw]).dropFirst())
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
