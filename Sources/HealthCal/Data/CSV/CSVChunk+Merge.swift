extension CSVChunk {
    /// Appends the rows of `next`, the chunk that starts where this one stopped: numeric
    /// columns are concatenated, text codes remapped into this chunk's dictionaries, and the
    /// later chunk's lines shifted by the lines counted here. The result is what one pass over
    /// both stretches would have produced.
    mutating func absorb(_ next: consuming CSVChunk) {
        let offset = line
        for problem in next.problems {
            guard !isStopped else { break }
            var shifted = problem
            shifted.line = problem.line.map { $0 + offset }
            problems.append(shifted)
        }
        for slot in numeric.indices {
            numeric[slot].append(contentsOf: next.numeric[slot])
            next.numeric[slot] = []
        }
        for slot in codes.indices {
            let remap = dictionaries[slot].absorb(next.dictionaries[slot])
            remap.withUnsafeBufferPointer { map in
                codes[slot].append(contentsOf: next.codes[slot].lazy.map { $0 < 0 ? $0 : map[Int($0)] })
            }
            next.codes[slot] = []
        }
        // Still implicit only if the next chunk's rows carry on exactly where these stop.
        if !(rowLinesAreImplicit && next.rowLinesAreImplicit && firstLine + rowCount == offset + next.firstLine) {
            makeRowLinesExplicit()
            next.makeRowLinesExplicit()
            rowLines.append(contentsOf: next.rowLines.lazy.map { $0 + offset })
        }
        rowCount += next.rowCount
        position = next.position
        line = next.line + offset
    }

    /// The finished columns, in file order.
    func columns() -> [Column] {
        layout.kinds.indices.map { c in
            let slot = layout.slots[c]
            switch layout.kinds[c] {
            case .numeric: return .numeric(numeric[slot])
            case .text: return .text(TextColumn(codes: codes[slot], levels: dictionaries[slot].levels))
            }
        }
    }
}
