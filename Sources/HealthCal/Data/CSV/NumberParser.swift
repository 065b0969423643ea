#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Decimal text to `Double`, bit-identical to a correctly rounded `strtod`, without a String.
///
/// Calling `strtod` on every cell costs about ten times more than the exact fast path below
/// (Clinger 1990): when the significant digits fit in a mantissa m <= 2^53 and the decimal
/// exponent e has |e| <= 22, both m and 10^|e| are exact doubles, so the single IEEE multiply or
/// divide m * 10^e (or m / 10^-e) is the correctly rounded result. Everything else (more than 19
/// digits, large exponents, mantissas above 2^53) is handed to `strtod` on a NUL-terminated copy.
enum NumberParser {
    /// 10^0 ... 10^22, every one exactly representable in a Double.
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The value of `bytes[0..<count]` if it is a decimal number (optional sign, digits with an
    /// optional point, optional exponent; at least one digit before the exponent), else nil.
    /// The caller trims spaces. Spellings `strtod` also accepts ("inf", "nan", hex) are not
    /// numbers here: the reader reports them rather than letting them into a numeric column.
    /// Overflow gives an infinity, which the caller must check.
    @inline(__always)
    static func parse(_ bytes: UnsafePointer<UInt8>, count: Int) -> Double? {
        let prefix = scan(bytes, count: count)
        return prefix.end == count ? prefix.value : nil
    }

    /// The number at the start of `bytes[0..<count]` and where it ends: `value` is nil when the
    /// text up to `end` is not a complete number. Lets the reader parse a numeric cell in the
    /// same pass that finds its end, instead of scanning the cell twice. The usual short cell is
    /// read 8 bytes at a time when `count` leaves room for the loads (`NumberParser+Words.swift`),
    /// with the same value and end as `scanDigits`.
    @inline(__always)
    static func scan(_ bytes: UnsafePointer<UInt8>, count: Int) -> (value: Double?, end: Int) {
        if count >= wordReadableBytes, let number = scanWords(bytes) { return (number.value, number.end) }
        return scanDigits(bytes, count: count)
    }

    /// `scan` one byte at a time, for any cell: the exact fast path, or `strtod`.
    static func scanDigits(_ bytes: UnsafePointer<UInt8>, count: Int) -> (value: Double?, end: Int) {
        var i = 0
        var negative = false
        if i < count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        // Every digit goes into the mantissa, leading zeros included (they add nothing); more
        // than 19 digits could overflow it, so such cells (rare: long ids, "0.000...") take the
        // slow path, which is exact too.
        var mantissa: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0
        while i < count {
            let d = bytes[i] &- 48
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            digitCount += 1
            i += 1
        }
        if i < count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < count {
                let d = bytes[i] &- 48
                if d > 9 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i += 1
            }
            fractionDigits = i - fractionStart
            digitCount += fractionDigits
        }
        if digitCount == 0 { return (nil, i) }
        var exponent = 0
        if i < count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var negativeExponent = false
            if i < count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                negativeExponent = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var exponentDigits = 0
            while i < count {
                let d = bytes[i] &- 48
                if d > 9 { break }
                // Beyond this the value is 0 or infinity anyway; stop growing to avoid overflow.
                if exponent < 100_000 { exponent = exponent * 10 + Int(d) }
                exponentDigits += 1
                i += 1
            }
            if exponentDigits == 0 { return (nil, i) }
            if negativeExponent { exponent = -exponent }
        }
        if digitCount <= 19 {
            if mantissa == 0 { return (negative ? -0.0 : 0.0, i) }
            let power = exponent - fractionDigits
            if mantissa <= (1 << 53), power >= -22, power <= 22 {
                var value = Double(mantissa)
                if power < 0 {
                    value /= exactPowersOfTen[-power]
                } else {
                    value *= exactPowersOfTen[power]
                }
                return (negative ? -value : value, i)
            }
        }
        return (slowPath(bytes, count: i), i)
    }

    /// `strtod` on a NUL-terminated copy; the grammar was checked, so it consumes every byte.
    static func slowPath(_ bytes: UnsafePointer<UInt8>, count: Int) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            guard let base = buffer.baseAddress else { return Double.nan }
            base.withMemoryRebound(to: UInt8.self, capacity: count + 1) { copy in
                copy.update(from: bytes, count: count)
                copy[count] = 0
            }
            return strtod(base, nil)
        }
    }

    /// Whether the trimmed cell is a spelling of infinity or NaN (with optional sign), which
    /// `strtod` would accept but a numeric column must not hold.
    static func isNonFiniteSpelling(_ bytes: UnsafePointer<UInt8>, count: Int) -> Bool {
        var i = 0
        if i < count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
        let rest = count - i
        func matches(_ word: StaticString) -> Bool {
            guard rest == word.utf8CodeUnitCount else { return false }
            let w = word.utf8Start
            for k in 0..<rest where bytes[i + k] | 0x20 != w[k] { return false }
            return true
        }
        return matches("inf") || matches("infinity") || matches("nan")
    }
}
