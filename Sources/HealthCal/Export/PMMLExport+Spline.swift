/// The nonlinear columns of a spline feature in PMML (`SplineBasis`'s formula, term for term).
extension PMMLExport {
    /// One expression per nonlinear column; `x` is the feature's imputed, clipped value before
    /// standardization. (d)₊³ is `max(x − t, 0)` multiplied by itself three times (PMML's `*`
    /// takes two arguments).
    static func splineColumns(_ f: FittedFeature, x: String) -> [String] {
        guard let t = f.knots, t.count >= 3 else { return [] }
        func apply(_ fn: String, _ a: String, _ b: String) -> String { "<Apply function=\"\(fn)\">\(a)\(b)</Apply>" }
        func cube(_ knot: Double) -> String {
            let d = apply("max", apply("-", x, constant(knot)), constant(0))
            return apply("*", apply("*", d, d), d)
        }
        let k = t.count, last = t[k - 1], penultimate = t[k - 2]
        let norm = constant((last - t[0]) * (last - t[0]))
        return (0..<(k - 2)).map { j in
            let beyond = apply("*", constant((last - t[j]) * (penultimate - t[j])),
                               apply("-", apply("*", constant(3), x), constant(t[j] + penultimate + last)))
            let inside = apply("-", cube(t[j]), apply("/", apply("*", constant(last - t[j]), cube(penultimate)), constant(last - penultimate)))
            let test = "<Apply function=\"greaterOrEqual\">\(x)\(constant(last))</Apply>"
            return apply("/", "<Apply function=\"if\">\(test)\(beyond)\(inside)</Apply>", norm)
        }
    }
}
