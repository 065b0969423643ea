/// Relative distance |a - b| / max(|b|, tiny), the measure every numerical test states its
/// tolerance in. `b` is the reference value.
public func relativeError(_ a: Double, _ b: Double) -> Double {
    if a == b { return 0 }
    if a.isNaN || b.isNaN { return .infinity }
    return abs(a - b) / max(abs(b), Double.leastNormalMagnitude)
}

/// The largest relative error over two equally long arrays (infinity when the lengths differ).
public func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { relativeError($0, $1) }.max() ?? 0
}

/// The largest absolute error over two equally long arrays (infinity when the lengths differ).
public func maxAbsoluteError(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// The largest |a - b| / max(|b|, 1): relative for references of magnitude above 1, absolute below.
/// For references that are zero by symmetry, where a relative error means nothing.
public func maxScaledError(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) / max(abs($1), 1) }.max() ?? 0
}
