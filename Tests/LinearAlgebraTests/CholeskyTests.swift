import Testing
import TestSupport
@testable import LinearAlgebra

@Suite struct CholeskyTests {
    // A = [[4,2,0],[2,5,3],[0,3,6]]; its inverse, by hand (det = 4*21 - 2*12 = 60):
    // adj / 60 = [[21,-12,6],[-12,24,-12],[6,-12,16]] / 60.
    let a = try! Matrix(rowMajor: [[4, 2, 0], [2, 5, 3], [0, 3, 6]])

    @Test func solveMatchesHandComputation() throws {
        let chol = try Cholesky(a)
        // A x = [6, 10, 9] has x = [1, 1, 1] (row sums).
        let x = try chol.solve([6, 10, 9])
        #expect(maxAbsoluteError(x, [1, 1, 1]) < 1e-14)
        #expect(abs(chol.logDeterminant - _log(60)) < 1e-14)
    }

    @Test func inverseMatchesAdjugate() throws {
        let inv = try Cholesky(a).inverse()
        let expected = [21.0, -12, 6, -12, 24, -12, 6, -12, 16].map { $0 / 60 }
        #expect(maxAbsoluteError(inv.storage, expected) < 1e-14)
    }

    @Test func notPositiveDefiniteIsReported() throws {
        let b = try Matrix(rowMajor: [[1, 2], [2, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2)) { try Cholesky(b) }
    }

    @Test func pivotedCholeskyFindsTheDependentColumn() throws {
        // Column 2 = column 0 + column 1 in X; its Gram matrix has rank 2.
        let x = try Matrix(rowMajor: [[1, 0, 1], [0, 1, 1], [1, 1, 2], [2, 1, 3]])
        var acc = WeightedGramAccumulator(cols: 3, blockRows: 3)
        try acc.add(x, rows: 0..<4, weights: [1, 1, 1, 1], vector: [0, 0, 0, 0])
        let f = try PivotedCholesky(acc.symmetricGram, tolerance: 1e-10)
        #expect(f.rank == 2)
        #expect(f.pivot.count == 3)
    }
}

@Suite struct BLASTests {
    @Test func weightedGramEqualsDirectSum() throws {
        // 5 x 2 matrix, weights w, v; blocks of 2 rows exercise the block boundary.
        let rows: [[Double]] = [[1, 2], [3, -1], [0.5, 4], [-2, 1], [1, 1]]
        let w: [Double] = [1, 0.5, 2, 0, 3]
        let v: [Double] = [1, -1, 0.25, 2, 0]
        let x = try Matrix(rowMajor: rows)
        var acc = WeightedGramAccumulator(cols: 2, blockRows: 2)
        try acc.add(x, rows: 0..<5, weights: w, vector: v)
        var g = [0.0, 0, 0, 0], h = [0.0, 0]
        for i in 0..<5 {
            for a in 0..<2 { for b in 0..<2 { g[a + 2 * b] += w[i] * rows[i][a] * rows[i][b] } }
            for a in 0..<2 { h[a] += v[i] * rows[i][a] }
        }
        #expect(maxAbsoluteError(acc.symmetricGram.storage, g) < 1e-13)
        #expect(maxAbsoluteError(acc.vector, h) < 1e-13)
    }

    @Test func gemvBothWays() throws {
        let x = try Matrix(rowMajor: [[1, 2], [3, 4], [5, 6]])
        #expect(try x.multiply([1, -1]) == [-1, -1, -1])
        #expect(try x.transposeMultiply([1, 0, 1]) == [6, 8])
        #expect(throws: LinearAlgebraError.self) { try x.multiply([1, 2, 3]) }
    }
}

@Suite struct ParallelTests {
    @Test func chunkedProductsEqualWholeOnes() throws {
        // 100k rows: two chunks of 65,536 rows or fewer, summed in chunk order.
        let n = 100_000, p = 5
        var x = Matrix(rows: n, cols: p)
        for k in x.storage.indices { x.storage[k] = Double((k &* 7919) % 1013) / 1013 - 0.5 }
        let w = (0..<n).map { Double($0 % 7 + 1) / 7 }
        let v = (0..<n).map { Double($0 % 11) - 5 }
        var whole = WeightedGramAccumulator(cols: p)
        try whole.add(x, rows: 0..<n, weights: w, vector: v)
        var chunked = WeightedGramAccumulator(cols: p)
        #expect(Parallel.chunkCount(n) == 2)
        for k in 0..<Parallel.chunkCount(n) {
            let rows = (k * Parallel.chunkRows)..<min(n, (k + 1) * Parallel.chunkRows)
            var part = WeightedGramAccumulator(cols: p)
            // Weights passed for this range only, with the offset of its first row.
            try part.add(x, rows: rows, weights: Array(w[rows]), vector: Array(v[rows]), offset: rows.lowerBound)
            try chunked.merge(part)
        }
        // Sums in a different order: equal to ~1e-12 relative, not bit for bit.
        #expect(maxRelativeError(chunked.symmetricGram.storage, whole.symmetricGram.storage) < 1e-11)
        #expect(maxRelativeError(chunked.vector, whole.vector) < 1e-11)
        var y1 = [Double](repeating: 0, count: n), y2 = y1
        try x.multiply([1, 2, 3, 4, 5], into: &y1)
        let matrix = x
        y2.withUnsafeMutableBufferPointer { yp in
            let out = SharedBuffer(yp.baseAddress!)
            _ = Parallel.forEachChunk(of: 0..<n) { _, rows in matrix.multiplyRows(rows, [1, 2, 3, 4, 5], into: out.base) }
        }
        #expect(y1 == y2)
        // A block of rows into a buffer that holds only that block: the same products as
        // written at the rows' own indices.
        let block = 3..<(n - 2)
        var y3 = [Double](repeating: .nan, count: block.count), y4 = [Double](repeating: .nan, count: n)
        y3.withUnsafeMutableBufferPointer { matrix.multiplyRows(block, [1, 2, 3, 4, 5], intoStartOf: $0.baseAddress!) }
        y4.withUnsafeMutableBufferPointer { matrix.multiplyRows(block, [1, 2, 3, 4, 5], into: $0.baseAddress!) }
        #expect(y3.elementsEqual(y4[block]))
        #expect(maxRelativeError(y3, Array(y1[block])) < 1e-14)
    }
}
