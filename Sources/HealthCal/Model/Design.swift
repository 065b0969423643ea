import Dispatch
import LinearAlgebra

/// An encoded design matrix ready for the fit: n rows x p columns, column-major, with the
/// intercept (when present) as column 0 and a name per column.
public struct Design: Sendable {
    public var x: Matrix
    /// One name per column: "const" for the intercept, then e.g. "logins", "plan=pro",
    /// "nps (missing)".
    public var names: [String]
    /// True when column 0 is the constant 1 (never penalized).
    public var hasIntercept: Bool

    public init(x: Matrix, names: [String], hasIntercept: Bool) {
        self.x = x
        self.names = names
        self.hasIntercept = hasIntercept
    }

    public var rowCount: Int { x.rows }
    public var columnCount: Int { x.cols }

    /// The design of the given rows, in that order; a row outside the design is a shape error.
    public func subset(rows: [Int]) throws(FitError) -> Design {
        let n = rowCount, m = rows.count, p = columnCount
        if let bad = rows.first(where: { $0 < 0 || $0 >= n }) {
            throw .shape("row \(bad) is outside the design's \(n) rows")
        }
        let storage = [Double](unsafeUninitializedCapacity: m * p) { out, initialized in
            x.storage.withUnsafeBufferPointer { xp in
                for j in 0..<p {
                    let base = j * n, o = j * m
                    for (k, r) in rows.enumerated() { out[o + k] = xp[base + r] }
                }
            }
            initialized = m * p
        }
        do {
            return Design(x: try Matrix(rows: m, cols: p, columnMajor: storage), names: names, hasIntercept: hasIntercept)
        } catch {
            throw .shape("\(error)")
        }
    }

    /// The mean of each column (columns on all cores), each summed by `columnSum`.
    public func columnMeans() -> [Double] {
        let n = rowCount, x = self.x
        return concurrentMap(columnCount) { j in
            let s = x.storage.withUnsafeBufferPointer { xp in
                Self.columnSum(UnsafeBufferPointer(rebasing: xp[(j * n)..<((j + 1) * n)]))
            }
            return s / Double(n)
        }
    }
}

extension Design {
    /// The elements, leaving this design empty: once its fit is done nothing else holds them,
    /// so the next design (`DesignStorage`) can reuse them without a copy.
    mutating func releaseStorage() -> [Double] {
        let elements = x.storage
        self = Design(x: Matrix(rows: 0, cols: 0), names: [], hasIntercept: false)
        return elements
    }

    /// The sum of one design column in eight interleaved partial sums (`PresentSums`): the one
    /// definition every column mean uses (the design's, the encoder's contribution means), so
    /// they agree to the bit.
    static func columnSum(_ column: UnsafeBufferPointer<Double>) -> Double {
        PresentSums.sum(column, lower: -.infinity, upper: .infinity).sum
    }
}
