/// A number as the short decimal it was written as ("0.734", "-0.01"): `mantissa` / 10^`decimals`.
///
/// A hand-made scorecard's points are decimals on paper, but their sum in binary floating point
/// is not: 0.1 · 7 is 0.7000000000000001 while 0.7 · 1 is 0.7. Two customers whose points are
/// equal on paper would then be ranked apart instead of tied, which moves an AUC. Summing the
/// points as exact decimals (integers at a common power of ten) gives equal sums for equal paper
/// values, and so equal scores.
struct PaperDecimal: Equatable {
    var mantissa: Int64
    var decimals: Int

    /// The most fractional digits recognized (inputs and weights with more are summed in binary).
    static let maxDecimals = 9

    /// 10^0 ... 10^18, each exact as a Double and as an Int64.
    static let powers: [Int64] = (0...18).reduce(into: []) { p, k in p.append(k == 0 ? 1 : p[k - 1] * 10) }

    /// `v` as the shortest decimal with at most `maxDecimals` fractional digits whose nearest
    /// double is `v`; nil when there is none (or its mantissa reaches 10^15).
    init?(_ v: Double) {
        guard v.isFinite else { return nil }
        for d in 0...Self.maxDecimals {
            let scale = Double(Self.powers[d])
            let scaled = (v * scale).rounded()
            guard abs(scaled) < 1e15 else { return nil }
            // The division of two exact integers is correctly rounded: it gives back `v` exactly
            // when `v` is the double nearest to scaled / 10^d.
            if scaled / scale == v {
                self.init(mantissa: Int64(scaled), decimals: d)
                return
            }
        }
        return nil
    }

    init(mantissa: Int64, decimals: Int) {
        self.mantissa = mantissa
        self.decimals = decimals
    }

    /// The exact product, nil on overflow.
    func times(_ other: PaperDecimal) -> PaperDecimal? {
        let (m, overflow) = mantissa.multipliedReportingOverflow(by: other.mantissa)
        guard !overflow, decimals + other.decimals < Self.powers.count else { return nil }
        return PaperDecimal(mantissa: m, decimals: decimals + other.decimals)
    }

    /// The exact sum, nil on overflow.
    func plus(_ other: PaperDecimal) -> PaperDecimal? {
        let d = max(decimals, other.decimals)
        guard let a = mantissa.scaled(by: Self.powers[d - decimals]),
              let b = other.mantissa.scaled(by: Self.powers[d - other.decimals]) else { return nil }
        let (m, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : PaperDecimal(mantissa: m, decimals: d)
    }

    /// The double nearest to the decimal when the mantissa is below 2^53, and in any case one
    /// value per decimal number: trailing zeros are dropped first, so 0.50 and 0.5 give the same
    /// double.
    var value: Double {
        var m = mantissa, d = decimals
        while d > 0 && m % 10 == 0 {
            m /= 10
            d -= 1
        }
        return Double(m) / Double(Self.powers[d])
    }
}

private extension Int64 {
    func scaled(by factor: Int64) -> Int64? {
        let (r, overflow) = multipliedReportingOverflow(by: factor)
        return overflow ? nil : r
    }
}
