/// A dense matrix of `Double` stored column by column (Fortran order), the layout BLAS and
/// LAPACK read without copying.
///
/// Element (i, j) lives at `storage[i + j * rows]`, so each column is one contiguous run.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    /// Column-major elements; `storage.count == rows * cols`.
    public var storage: [Double]

    /// A `rows` x `cols` matrix with every element equal to `value`.
    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.storage = Array(repeating: value, count: rows * cols)
    }

    /// A matrix over column-major `storage`; throws when the count does not match.
    public init(rows: Int, cols: Int, columnMajor storage: [Double]) throws(LinearAlgebraError) {
        guard rows >= 0, cols >= 0, storage.count == rows * cols else {
            throw .dimensionMismatch("\(storage.count) values cannot fill a \(rows) x \(cols) matrix")
        }
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A matrix from rows of equal length (convenient in tests and small problems).
    public init(rowMajor values: [[Double]]) throws(LinearAlgebraError) {
        let rows = values.count
        let cols = values.first?.count ?? 0
        guard values.allSatisfy({ $0.count == cols }) else {
            throw .dimensionMismatch("rows of unequal length")
        }
        var storage = [Double](repeating: 0, count: rows * cols)
        for i in 0..<rows {
            for j in 0..<cols { storage[i + j * rows] = values[i][j] }
        }
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// The n x n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.storage[i + i * n] = 1 }
        return m
    }

    public subscript(i: Int, j: Int) -> Double {
        get { storage[i + j * rows] }
        set { storage[i + j * rows] = newValue }
    }

    /// Column `j` as a contiguous slice of the storage.
    public func column(_ j: Int) -> ArraySlice<Double> {
        storage[(j * rows)..<((j + 1) * rows)]
    }

    /// The diagonal of a square matrix.
    public var diagonal: [Double] {
        (0..<min(rows, cols)).map { self[$0, $0] }
    }

    /// Copies the upper triangle onto the lower one. LAPACK's symmetric routines (`dsyrk`,
    /// `dpotri`) fill only one triangle; callers that read the whole matrix want both.
    public mutating func symmetrizeFromUpper() {
        precondition(rows == cols)
        for j in 0..<cols {
            for i in (j + 1)..<max(rows, j + 1) { storage[i + j * rows] = storage[j + i * rows] }
        }
    }
}
