import Foundation

/// Restricted (natural) cubic splines as Harrell's `rms::rcs` / `Hmisc::rcspline.eval` build
/// them: knot placement from the training values, and the basis (docs/encodings.md).
///
/// With knots t₁ < … < t_k the feature fills k − 1 design columns: the value x itself, then
/// k − 2 nonlinear columns
///
///     b_j(x) = [ (x − t_j)₊³ + ((t_{k−1} − t_j)(x − t_k)₊³ − (t_k − t_j)(x − t_{k−1})₊³) / (t_k − t_{k−1}) ] / (t_k − t₁)²
///
/// for j = 1 … k − 2 (rcspline.eval's `norm = 2`: dividing by (t_k − t₁)² keeps the columns in
/// the units of x). Each b_j is zero below t_j and linear beyond t_k, where its cubic and
/// quadratic terms cancel; there it is evaluated in the equal closed form
///
///     b_j(x) = (t_k − t_j)(t_{k−1} − t_j)(3x − t_j − t_{k−1} − t_k) / (t_k − t₁)²   (x ≥ t_k)
///
/// because the cubes of a value far beyond the knots (x = 1e9) cancel catastrophically. Below
/// t_k the (x − t_k)₊ term is zero, so the first form has two cubes. The SQL and PMML exports
/// write the same two pieces.
public enum SplineBasis {
    /// The nonlinear columns b_1(x) … b_{k−2}(x) of `x` (already transformed, clipped, imputed).
    @inline(__always)
    public static func nonlinear(_ x: Double, knots t: [Double], into out: (Int, Double) -> Void) {
        let k = t.count
        guard k >= 3 else { return }
        let last = t[k - 1], penultimate = t[k - 2]
        let norm = (last - t[0]) * (last - t[0])
        if x >= last {
            for j in 0..<(k - 2) { out(j, (last - t[j]) * (penultimate - t[j]) * (3 * x - t[j] - penultimate - last) / norm) }
            return
        }
        let tailPenultimate = cube(x - penultimate)
        for j in 0..<(k - 2) {
            out(j, (cube(x - t[j]) - (last - t[j]) * tailPenultimate / (last - penultimate)) / norm)
        }
    }

    /// The nonlinear columns as an array (the scalar scorer's and the report's path).
    public static func nonlinear(_ x: Double, knots: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: max(knots.count - 2, 0))
        nonlinear(x, knots: knots) { out[$0] = $1 }
        return out
    }

    /// (d)₊³.
    @inline(__always)
    static func cube(_ d: Double) -> Double { d > 0 ? d * d * d : 0 }

    /// The design column names of a spline feature after its value (and missing-indicator)
    /// columns: "name (spline 1)" … "name (spline k−2)".
    public static func columnNames(_ name: String, knots: Int) -> [String] {
        (0..<max(knots - 2, 0)).map { "\(name) (spline \($0 + 1))" }
    }
}

/// Why knots cannot be placed on a feature's training values.
public struct KnotProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Harrell's default knot placement (`Hmisc::rcspline.eval` with `nk` knots, `fractied = 0.05`),
/// step for step, so the knots equal `attr(rcspline.eval(x, nk = k), "knots")`:
/// - quantiles 0.10, 0.5, 0.90 (k = 3); 0.05 … 0.95 evenly (k = 4, 5, 6); 0.025 … 0.975 (k = 7),
///   of the present values, R's type-7 quantile;
/// - with k + 2 or fewer distinct values, the distinct values without the smallest and largest;
/// - when no interior value holds 5% of the rows but the smallest (or largest) does, the next
///   distinct value is the outer knot and the remaining knots are placed on the values beyond it;
/// - with fewer than 100 values, the outer knots move to the 5th smallest and 5th largest values.
public enum SplineKnots {
    /// What the rule reads of the present training values, sorted ascending: their count, the
    /// k-th smallest (0-based), the number of distinct values, the two smallest and two largest
    /// distinct values with their counts, the largest count of a value strictly between the
    /// smallest and largest, and every distinct value when there are at most k + 2. In memory
    /// from a sorted array (`harrell(sorted:count:)`); in a database from a few aggregate queries.
    public struct SortedValues {
        public var count: Int
        public var at: (Int) throws -> Double
        public var distinct: Int
        /// Up to two (value, count), smallest first.
        public var lowest: [(value: Double, count: Int)]
        /// Up to two (value, count), largest first.
        public var highest: [(value: Double, count: Int)]
        public var maxInteriorCount: Int
        /// All distinct values, ascending, when `distinct` <= knots + 2 (else unused).
        public var few: () throws -> [Double]
    }

    /// `values` are the present training values, sorted ascending (NaN-free).
    public static func harrell(sorted values: [Double], count nk: Int) throws(KnotProblem) -> [Double] {
        var unique: [Double] = [], frequency: [Int] = []
        for v in values {
            if let last = unique.last, last == v { frequency[frequency.count - 1] += 1 } else { unique.append(v); frequency.append(1) }
        }
        let m = unique.count
        let view = SortedValues(
            count: values.count, at: { values[$0] }, distinct: m,
            lowest: (0..<min(2, m)).map { (unique[$0], frequency[$0]) },
            highest: (0..<min(2, m)).map { (unique[m - 1 - $0], frequency[m - 1 - $0]) },
            maxInteriorCount: m > 2 ? frequency[1..<(m - 1)].max() ?? 0 : 0, few: { unique })
        do {
            return try harrell(view, count: nk)
        } catch let problem as KnotProblem {
            throw problem
        } catch {
            throw KnotProblem(message: "\(error)")   // unreachable: the array reads cannot fail
        }
    }

    /// Harrell's rule on any `SortedValues`; errors of `at`/`few` pass through.
    public static func harrell(_ x: SortedValues, count nk: Int) throws -> [Double] {
        let n = x.count, nxu = x.distinct
        guard n >= 6 else { throw KnotProblem(message: "a spline needs at least 6 present training values to place its knots; found \(n)") }
        guard nxu >= nk else {
            throw KnotProblem(message: "\(nk) knots asked for, but the training rows hold only \(nxu) distinct value\(nxu == 1 ? "" : "s"); use knots: \(max(3, min(nxu, 7))) or fewer, or another transform")
        }
        var knots: [Double]
        if nxu - 2 <= nk {
            let unique = try x.few()
            knots = Array(unique[1..<(unique.count - 1)])
        } else {
            var outer = nk > 3 ? 0.05 : 0.1
            if nk > 6 { outer = 0.025 }
            // The values kept for the quantiles: positions lo..<hi of the sorted values.
            var lo = 0, hi = n
            var nke = nk
            var first: Double? = nil, last: Double? = nil
            let fractied = 0.05
            if Double(x.maxInteriorCount) / Double(n) < fractied, x.lowest.count == 2, x.highest.count == 2 {
                if Double(x.lowest[0].count) / Double(n) >= fractied {
                    first = x.lowest[1].value
                    lo = x.lowest[0].count + x.lowest[1].count
                    nke -= 1
                }
                if Double(x.highest[0].count) / Double(n) >= fractied {
                    last = x.highest[1].value
                    hi = n - x.highest[0].count - x.highest[1].count
                    nke -= 1
                }
            }
            let m = hi - lo
            guard m > 0 else { throw KnotProblem(message: "no training values are left between the outer knots") }
            let at = { (k: Int) throws -> Double in try x.at(lo + k) }
            func quantile(_ q: Double) throws -> Double { try rQuantile(count: m, q, at: at) }
            if nke == 1 {
                knots = [try quantile(0.5)]
            } else {
                let p = nke == 2 ? rSeq(0.5, 1 - outer, count: nke) : rSeq(outer, 1 - outer, count: nke)
                knots = try p.map(quantile)
                if Set(knots).count < min(nke, 3) {
                    knots = try rSeq(outer, 1 - outer, count: 2 * nke).map(quantile)
                    if first != nil, Set(knots).count < 3 {
                        let mid = try first.flatMap { f in last.map { (f + $0) / 2 } } ?? quantile(0.5)
                        knots = [first ?? mid, mid, try last ?? quantile(1 - outer)].sorted()
                    }
                }
                if m < 100 {
                    if first == nil, m > 4 { knots[0] = try at(4) }
                    if last == nil, m > 4 { knots[knots.count - 1] = try at(m - 5) }
                }
            }
            knots = (first.map { [$0] } ?? []) + knots + (last.map { [$0] } ?? [])
        }
        var distinct: [Double] = []
        for t in knots.sorted() where distinct.last != t { distinct.append(t) }
        guard distinct.count >= 3 else {
            throw KnotProblem(message: "only \(distinct.count) distinct knot\(distinct.count == 1 ? "" : "s") could be placed on \(nxu) distinct training values; a spline needs 3")
        }
        return distinct
    }

    /// R's `quantile(x, q, type = 7)` of `n` sorted values read through `at` (0-based), with R's arithmetic.
    static func rQuantile(count n: Int, _ q: Double, at: (Int) throws -> Double) rethrows -> Double {
        let index = 1 + Double(max(n - 1, 0)) * q
        let lo = Int(index.rounded(.down)), hi = Int(index.rounded(.up))
        let a = try at(min(max(lo, 1), n) - 1)
        guard index > Double(lo) else { return a }
        let b = try at(min(max(hi, 1), n) - 1)
        guard b != a else { return a }
        let h = index - Double(lo)
        return (1 - h) * a + h * b
    }

    /// R's `seq(from, to, length.out = count)`.
    static func rSeq(_ from: Double, _ to: Double, count: Int) -> [Double] {
        guard count > 2 else { return Array([from, to].prefix(count)) }
        let by: Double = (to - from) / Double(count - 1)
        var out: [Double] = [from]
        for i in 1..<(count - 1) { out.append(from + Double(i) * by) }
        out.append(to)
        return out
    }
}
