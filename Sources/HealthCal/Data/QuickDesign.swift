import LinearAlgebra

/// A design straight from a table, without a spec: what `glm(y ~ a + b, family = binomial)` in R
/// or `smf.logit("y ~ a + b")` in statsmodels would build, so their coefficients can be compared
/// one to one.
///
/// Numeric columns enter as they are (no transform, no standardization); text columns are one-hot
/// encoded against their alphabetically first level (treatment coding, as R and patsy do), with
/// columns named "name=level" in alphabetical order of level.
public struct QuickDesign: Sendable {
    /// What to do with rows that have a missing value in the outcome or a feature.
    public enum MissingPolicy: Sendable {
        /// Report every such row (up to the problem limit).
        case error
        /// Leave them out (R's `na.omit`, statsmodels' `missing="drop"`) and report how many.
        case drop
    }

    public var design: Design
    /// The outcome of each kept row, 0 or 1.
    public var y: [Double]
    /// Table row indices (0-based) of the design's rows.
    public var rows: [Int]
    /// Rows left out under `.drop`.
    public var dropped: Int

    /// - Parameters:
    ///   - outcome: the 0/1 column (0/1, true/false, yes/no in any case).
    ///   - id: an id column to leave out of the features; checked to exist.
    ///   - features: the columns to use, in order; nil: every column but `outcome` and `id`.
    public static func make(table: Table, outcome: String, id: String? = nil, features: [String]? = nil,
                            missing: MissingPolicy = .error) throws(DataValidationError) -> QuickDesign {
        let data = DataOptions(id: id ?? "", outcome: outcome)
        var b = PanelBuilder(table: table, spec: Spec(data: data, features: []))
        let outcomeCol = b.resolve(outcome, role: "the outcome")
        if let id { _ = b.resolve(id, role: "the id") }
        let names = features ?? table.names.filter { $0 != outcome && $0 != id }
        var cols: [Int] = []
        for name in names { if let c = b.resolve(name, role: "the feature list") { cols.append(c) } }
        try b.problems.throwIfAny()
        guard let outcomeCol else { throw DataValidationError(problems: b.problems.problems) }

        let n = table.rowCount
        let yAll = b.readBinary(outcomeCol, name: outcome, what: "the outcome", missingIsProblem: false)
        // Interpret each feature column once: numbers, or a text view with missing tokens cleaned.
        enum Feature { case numeric([Double]), text(TextColumn) }
        let interpreted: [Feature] = cols.map { c in
            switch table.columns[c] {
            case let .numeric(v): .numeric(v)
            case let .text(t): .text(CellParsing.cleaned(t, data: data))
            }
        }
        var keep: [Int] = []
        keep.reserveCapacity(n)
        for r in 0..<n {
            var missingName: String?
            if yAll[r].isNaN, b.isMissing(outcomeCol, row: r) { missingName = outcome }
            for (k, f) in interpreted.enumerated() where missingName == nil {
                switch f {
                case let .numeric(v): if v[r].isNaN { missingName = table.names[cols[k]] }
                case let .text(t): if t.codes[r] < 0 { missingName = table.names[cols[k]] }
                }
            }
            if let missingName {
                if missing == .error {
                    b.problem(row: r, column: table.index(of: missingName), missingName, value: "",
                              "the value is missing (use the drop policy to leave such rows out)")
                }
            } else {
                keep.append(r)
            }
        }
        try b.problems.throwIfAny()

        // Columns: const, then per feature its value or its non-reference levels.
        var names2 = ["const"]
        var columns: [[Double]] = [keep.map { _ in 1 }]
        for (k, f) in interpreted.enumerated() {
            let name = table.names[cols[k]]
            switch f {
            case let .numeric(v):
                names2.append(name)
                columns.append(keep.map { v[$0] })
            case let .text(t):
                var used = Set<Int32>()
                for r in keep { used.insert(t.codes[r]) }
                let levels = used.map { t.levels[Int($0)] }
                let sorted = Array(Set(levels)).sorted(by: scalarOrder)
                for level in sorted.dropFirst() {
                    names2.append("\(name)=\(level)")
                    columns.append(keep.map { t.value(at: $0) == level ? 1 : 0 })
                }
            }
        }
        let x: Matrix
        do {
            x = try Matrix(rows: keep.count, cols: columns.count, columnMajor: columns.flatMap { $0 })
        } catch {
            throw DataValidationError(problems: [DataProblem(file: table.source, message: "cannot build the design: \(error)")])
        }
        return QuickDesign(design: Design(x: x, names: names2, hasIntercept: true), y: keep.map { yAll[$0] },
                           rows: keep, dropped: n - keep.count)
    }
}

extension PanelBuilder {
    /// True when the cell is empty or a missing token (not merely unreadable).
    func isMissing(_ col: Int, row r: Int) -> Bool {
        switch table.columns[col] {
        case let .numeric(v): return v[r].isNaN
        case let .text(t): return t.value(at: r).map { spec.data.isMissingToken($0) } ?? true
        }
    }
}

extension QuickDesign {
    /// The kept rows' values of the `id` column as clusters, when `covariance` is `.cluster`
    /// (nil for `.model`). A row without an id is a problem naming its line.
    public func clusters(table: Table, id: String?, covariance: CovarianceType) throws(DataValidationError) -> ClusterCodes? {
        guard covariance == .cluster else { return nil }
        guard let id, let column = table.index(of: id) else {
            throw DataValidationError(problems: [DataProblem(file: table.source,
                message: "covariance cluster needs an id column naming each row's customer" + (id.map { "; \"\($0)\" is not a column" } ?? ""))])
        }
        let missing: Int?
        let codes: ClusterCodes
        switch table.columns[column] {
        case .numeric(let v):
            missing = rows.first { v[$0].isNaN }
            codes = ClusterCodes(labels: rows.map { v[$0].bitPattern })
        case .text(let t):
            missing = rows.first { t.codes[$0] < 0 }
            codes = ClusterCodes(labels: rows.map { t.codes[$0] })
        }
        if let missing {
            throw DataValidationError(problems: [DataProblem(file: table.source, line: table.line(ofRow: missing), column: column + 1,
                columnName: id, value: "", message: "missing id: covariance cluster needs every row's customer")])
        }
        return codes
    }
}
