import Foundation

/// A linear axis with "nice" ticks: steps of 1, 2 or 5 times a power of ten, the ones a reader
/// can add up in their head (0, 0.05, 0.10 rather than 0, 0.043, 0.086).
struct NiceScale: Sendable {
    /// Lower and upper end of the axis, both multiples of `step` unless fixed by the caller.
    let lower: Double
    let upper: Double
    /// Distance between ticks.
    let step: Double

    /// A scale covering `minimum...maximum` with at most about `targetTicks` ticks.
    ///
    /// A degenerate range (all values equal) is widened around the value, so a chart of one
    /// point still has an axis instead of a division by zero.
    init(minimum: Double, maximum: Double, targetTicks: Int = 6) {
        var lo = minimum.isFinite ? minimum : 0
        var hi = maximum.isFinite ? maximum : 1
        if lo > hi { swap(&lo, &hi) }
        if hi - lo < 1e-12 {
            let pad = lo == 0 ? 1 : abs(lo) * 0.5
            lo -= pad
            hi += pad
            if minimum >= 0 && lo < 0 { lo = 0 }
        }
        let step = NiceScale.niceStep((hi - lo) / Double(max(targetTicks - 1, 1)))
        self.step = step
        self.lower = (lo / step).rounded(.down) * step
        self.upper = (hi / step).rounded(.up) * step
    }

    /// A scale with fixed ends (e.g. probabilities on 0...1) and a nice step inside them.
    init(fixed lower: Double, _ upper: Double, targetTicks: Int = 6) {
        let lo = lower.isFinite ? lower : 0
        var hi = upper.isFinite ? upper : 1
        if hi - lo < 1e-12 { hi = lo + 1 }
        self.lower = lo
        self.upper = hi
        self.step = NiceScale.niceStep((hi - lo) / Double(max(targetTicks - 1, 1)))
    }

    /// The smallest of 1, 2, 5 x 10^k that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let exponent = (log10(raw)).rounded(.down)
        let base = pow(10, exponent)
        let fraction = raw / base
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * base
    }

    /// Tick values from `lower` to `upper`, computed as lower + i * step (not by repeated
    /// addition, which would accumulate rounding error into the labels).
    var ticks: [Double] {
        var out: [Double] = []
        let first = (lower / step).rounded(.up)
        var i = 0.0
        while out.count < 50 {
            let value = (first + i) * step
            if value > upper + step * 1e-9 { break }
            out.append(abs(value) < step * 1e-9 ? 0 : value)
            i += 1
        }
        return out
    }

    /// Decimals needed to tell ticks apart in the shown unit (`displayScale` 100 for percents).
    func tickDecimals(displayScale: Double = 1) -> Int {
        let shown = step * displayScale
        guard shown.isFinite, shown > 0 else { return 0 }
        // The epsilon keeps log10(0.1) = -0.99999... from asking for two decimals.
        return max(0, Int((-log10(shown) - 1e-9).rounded(.up)))
    }

    /// Maps a data value to a position between `start` (at `lower`) and `end` (at `upper`).
    func position(_ value: Double, from start: Double, to end: Double) -> Double {
        let span = upper - lower
        guard span > 0 else { return start }
        return start + (value - lower) / span * (end - start)
    }
}
