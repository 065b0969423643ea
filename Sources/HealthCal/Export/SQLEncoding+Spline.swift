/// The nonlinear columns of a spline feature in SQL (`SplineBasis`'s formula, term for term).
extension SQLEncoding {
    /// One expression per nonlinear column; `x` is the feature's imputed, clipped value before
    /// standardization. (d)₊³ is written as a product, without `POWER` or `GREATEST`.
    static func splineColumns(_ f: FittedFeature, x: String) -> [String] {
        guard let t = f.knots, t.count >= 3 else { return [] }
        let k = t.count
        func cube(_ knot: Double) -> String {
            let d = "(\(x) - \(number(knot)))"
            return "(CASE WHEN \(x) > \(number(knot)) THEN \(d) * \(d) * \(d) ELSE 0.0 END)"
        }
        let last = t[k - 1], penultimate = t[k - 2]
        let norm = number((last - t[0]) * (last - t[0]))
        return (0..<(k - 2)).map { j in
            let beyond = "(\(number((last - t[j]) * (penultimate - t[j]))) * (3.0 * \(x) - \(number(t[j] + penultimate + last))))"
            let inside = "(\(cube(t[j])) - \(number(last - t[j])) * \(cube(penultimate)) / \(number(last - penultimate)))"
            return "((CASE WHEN \(x) >= \(number(last)) THEN \(beyond) ELSE \(inside) END) / \(norm))"
        }
    }
}
