extension CSVChunk {
    /// Takes on the rows of `next`, the chunk that starts where this one stopped: its rows are
    /// moved to follow these in the columns (they are already there unless a row of an earlier
    /// stretch spanned lines), its text codes remapped into this chunk's dictionaries, and its
    /// lines shifted by the lines counted here. The result is what one pass over both stretches
    /// would have produced.
    mutating func absorb(_ next: consuming CSVChunk) {
        let offset = line
        let known = dictionaries.map(\.count)
        let remaps = dictionaries.indices.map { dictionaries[$0].absorb(next.dictionaries[$0]) }
        // One pass reports a value's invalid UTF-8 only where the value first appears.
        let reportedHere = Set(next.invalidText.lazy.filter { remaps[$0.slot][Int($0.code)] < known[$0.slot] }.map(\.problem))
        for (k, problem) in next.problems.enumerated() where !reportedHere.contains(k) {
            guard !isStopped else { break }
            var shifted = problem
            shifted.line = problem.line.map { $0 + offset }
            problems.append(shifted)
        }
        for (slot, column) in columns.codes.enumerated() {
            remaps[slot].withUnsafeBufferPointer { map in
                for r in next.firstRow..<(next.firstRow + next.rowCount) where column[r] >= 0 {
                    column[r] = map[Int(column[r])]
                }
            }
        }
        columns.moveRows(from: next.firstRow, to: firstRow + rowCount, count: next.rowCount)
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
}
