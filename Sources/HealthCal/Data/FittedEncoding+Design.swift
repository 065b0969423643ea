import LinearAlgebra

extension FittedEncoding {
    /// The design matrix of `rows` of `panel` (intercept "const" first), in the order given.
    ///
    /// Cells that cannot be encoded (a missing value under `impute: error`, log1p of a value
    /// <= -1, an unseen level under `unseen: error`) are collected as problems naming the file
    /// line, column and value, up to `DataValidationError.limit`.
    public func design(_ panel: Panel, rows: [Int]) throws(DataValidationError) -> Design {
        let n = rows.count
        var x = Matrix(rows: n, cols: names.count)
        for i in 0..<n { x.storage[i] = 1 }
        var problems = ProblemCollector()
        var j = 1
        for f in features {
            guard let raw = panel.features.first(where: { $0.name == f.name }) else {
                problems.add(DataProblem(file: panel.source, columnName: f.name,
                                         message: "the panel has no feature \"\(f.name)\", which the encoding was fitted with"))
                j += f.width
                continue
            }
            let isText: Bool = if case .text = raw.values { true } else { false }
            guard isText == (f.type == .categorical) else {
                problems.add(DataProblem(file: panel.source, columnName: f.name,
                                         message: "the encoding was fitted with \(f.name) as \(f.type.rawValue), but the panel reads it as \(raw.spec.type.rawValue)"))
                j += f.width
                continue
            }
            func report(_ r: Int, _ p: EncodingProblem) {
                problems.add(DataProblem(file: panel.source, line: panel.lines[r], column: raw.columnNumber,
                                         columnName: f.name, value: p.value, message: p.message))
            }
            switch raw.values {
            case let .numeric(values):
                let base = j * n
                let indicatorBase = (j + 1) * n
                let hasIndicator = f.missingIndicator == true
                for (i, r) in rows.enumerated() {
                    do {
                        let cell = try f.encodeNumber(values[r])
                        x.storage[base + i] = cell.value
                        if hasIndicator { x.storage[indicatorBase + i] = cell.indicator }
                    } catch {
                        report(r, error)
                    }
                }
            case let .text(column):
                // Resolve each distinct level once with the scalar path's own function.
                var offsetOfCode: [Result<Int?, EncodingProblem>] = []
                offsetOfCode.reserveCapacity(column.levels.count)
                for level in column.levels {
                    do { offsetOfCode.append(.success(try f.categoricalColumn(level))) } catch { offsetOfCode.append(.failure(error)) }
                }
                let missingOffset: Int?
                do { missingOffset = try f.categoricalColumn(nil) } catch { missingOffset = nil }
                for (i, r) in rows.enumerated() {
                    let code = Int(column.codes[r])
                    let offset: Int?
                    if code < 0 {
                        offset = missingOffset
                    } else {
                        switch offsetOfCode[code] {
                        case let .success(k): offset = k
                        case let .failure(p):
                            report(r, p)
                            offset = nil
                        }
                    }
                    if let offset { x.storage[(j + offset) * n + i] = 1 }
                }
            }
            j += f.width
        }
        try problems.throwIfAny()
        return Design(x: x, names: names, hasIntercept: true)
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
