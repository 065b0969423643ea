import Foundation

/// A spline feature's fitted partial effect: the log-odds its design columns add, against the
/// metric over its training range, with a pointwise 95% band from the coefficient covariance.
///
/// At x the feature's columns are b(x) = (value column, b_1(x) … b_{k−2}(x)) (the value column
/// standardized when the spec says so; the missing indicator is not part of the curve), the
/// effect is b(x)ᵀβ and the band is ±1.96·sqrt(b(x)ᵀ V b(x)) with V the covariance of those
/// columns' coefficients (`LogisticFit.covariance`: model-based or cluster-robust as the fit's
/// inference). The effect is relative to x = 0 (to the training mean for a standardized linear
/// term), where b(x) = 0: the band is the uncertainty of that difference.
public struct PartialEffect: Sendable, Equatable {
    public var feature: String
    public var x: [Double]
    public var effect: [Double]
    public var lower: [Double]
    public var upper: [Double]

    /// One curve per spline feature of `encoding` whose columns `fit` has, at `points` evenly
    /// spaced values over `ranges[feature]` (the training values' range; features without one
    /// are skipped).
    public static func curves(encoding: FittedEncoding, fit: LogisticFit, ranges: [String: ClosedRange<Double>],
                              points: Int = 101) -> [PartialEffect] {
        let p = fit.names.count
        guard fit.coefficients.count == p, fit.covariance.count == p * p, points >= 2 else { return [] }
        var out: [PartialEffect] = []
        for f in encoding.features {
            guard let knots = f.knots, let range = ranges[f.name], range.upperBound > range.lowerBound,
                  let value = fit.names.firstIndex(of: f.name) else { continue }
            let splineNames = SplineBasis.columnNames(f.name, knots: knots.count)
            let spline = splineNames.compactMap { fit.names.firstIndex(of: $0) }
            guard spline.count == splineNames.count else { continue }
            let index = [value] + spline
            var curve = PartialEffect(feature: f.name, x: [], effect: [], lower: [], upper: [])
            for i in 0..<points {
                let x = range.lowerBound + (range.upperBound - range.lowerBound) * Double(i) / Double(points - 1)
                var b = [x]
                if let c = f.center, let s = f.scale { b[0] = (x - c) / s }
                b += SplineBasis.nonlinear(x, knots: knots)
                var eta = 0.0, variance = 0.0
                for (u, j) in index.enumerated() {
                    eta += b[u] * fit.coefficients[j]
                    for (v, k) in index.enumerated() { variance += b[u] * fit.covariance[j + k * p] * b[v] }
                }
                let half = 1.959963984540054 * max(variance, 0).squareRoot()
                curve.x.append(x)
                curve.effect.append(eta)
                curve.lower.append(eta - half)
                curve.upper.append(eta + half)
            }
            out.append(curve)
        }
        return out
    }

    /// The curve and its band as a line chart (the band as two dashed lines).
    public func chart(width: Double = 520, height: Double = 360) -> LineChart {
        LineChart(title: "Partial effect of \(feature)",
                  series: [LineSeries(name: "Fitted effect", x: x, y: effect, color: .challenger),
                           LineSeries(name: "95% band, lower", x: x, y: lower, color: .champion),
                           LineSeries(name: "95% band, upper", x: x, y: upper, color: .champion)],
                  xAxisLabel: feature, yAxisLabel: "Log-odds of churn", markers: false, width: width, height: height)
    }

    /// The training range of each spline feature of `encoding`: the smallest and largest present
    /// value of `rows`, clipped to the encoding's bounds.
    public static func ranges(encoding: FittedEncoding, panel: Panel, rows: [Int]) -> [String: ClosedRange<Double>] {
        var out: [String: ClosedRange<Double>] = [:]
        for f in encoding.features where f.knots != nil {
            guard let raw = panel.features.first(where: { $0.name == f.name }), case let .numeric(values) = raw.values else { continue }
            var lo = Double.infinity, hi = -Double.infinity
            for r in rows where !values[r].isNaN {
                lo = min(lo, values[r])
                hi = max(hi, values[r])
            }
            if let l = f.lower { lo = max(lo, l); hi = max(hi, l) }
            if let u = f.upper { hi = min(hi, u); lo = min(lo, u) }
            if lo.isFinite, hi.isFinite, lo < hi { out[f.name] = lo...hi }
        }
        return out
    }
}

extension PartialEffect {
    /// The report's blocks for the spline features: a sentence and one chart each (none without splines).
    static func reportBlocks(_ curves: [PartialEffect]) -> [ReportBlock] {
        guard !curves.isEmpty else { return [] }
        return [.paragraph("Features entered as restricted cubic splines bend: each chart shows the log-odds the feature adds across its training range (relative to the value 0, or to the training mean when its linear term is standardized), with a pointwise 95% band from the coefficients' covariance."),
                .figures(curves.map { ReportFigure($0.chart()) })]
    }
}
