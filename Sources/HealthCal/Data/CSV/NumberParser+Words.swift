/// The usual numeric cell (`67.941`, `3`, `-0.5`) read eight bytes at a time.
///
/// Reading digit by digit costs a branch per byte, and the loop's exit, at a length that varies
/// from cell to cell, is mispredicted about once per cell. Here each run of digits is found with
/// bit tricks on one 8-byte word and converted with three multiplies, without a branch on its
/// length. Only cells whose integer and fraction runs have at most 7 digits each, and no
/// exponent, are read this way; their mantissa is below 10^14 < 2^53 and their power of ten
/// within -7...0, so the single division is exact as in `NumberParser.scan`'s fast path (and
/// gives the same double). Everything else returns nil, for the digit-by-digit path.
extension NumberParser {
    /// Bytes that must be readable from the cell's start: a sign, an 8-byte word for the integer
    /// run (at most 7 digits), the point and an 8-byte word for the fraction run.
    static let wordReadableBytes = 18

    /// `scan` for a cell with at least `wordReadableBytes` bytes readable from `bytes`; nil when
    /// the cell is not of the usual kind (too many digits, an exponent, no digit at all).
    @inline(__always)
    static func scanWords(_ bytes: UnsafePointer<UInt8>) -> (value: Double, end: Int)? {
        let raw = UnsafeRawPointer(bytes)
        let first = bytes[0]
        let signed = first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
        var i = signed ? 1 : 0
        let integerWord = DigitWord(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        let integerDigits = integerWord.leadingDigits
        guard integerDigits < 8 else { return nil }
        var mantissa = integerWord.value(ofFirst: integerDigits)
        i += integerDigits
        var fractionDigits = 0
        if bytes[i] == UInt8(ascii: ".") {
            let fractionWord = DigitWord(raw.loadUnaligned(fromByteOffset: i + 1, as: UInt64.self))
            fractionDigits = fractionWord.leadingDigits
            guard fractionDigits < 8 else { return nil }
            mantissa = mantissa &* powersOfTenInteger[fractionDigits] &+ fractionWord.value(ofFirst: fractionDigits)
            i += 1 + fractionDigits
        }
        guard integerDigits + fractionDigits > 0, bytes[i] | 0x20 != UInt8(ascii: "e") else { return nil }
        // A zero mantissa gives 0.0 here, and -0.0 once negated, as the digit-by-digit path does.
        // Converted as signed (it is below 2^53): one instruction, where UInt64 takes four.
        let magnitude = Double(Int64(bitPattern: mantissa)) / exactPowersOfTen[fractionDigits]
        return (first == UInt8(ascii: "-") ? -magnitude : magnitude, i)
    }

    /// 10^0 ... 10^7 as integers, to shift the integer run left of the fraction run.
    static let powersOfTenInteger: [UInt64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]
}

/// Eight bytes of text in one word, the first byte in the lowest 8 bits.
struct DigitWord {
    /// Each byte xor '0': a digit becomes its value 0...9, any other byte something above 9.
    let offsets: UInt64

    @inline(__always)
    init(_ word: UInt64) {
        offsets = UInt64(littleEndian: word) ^ 0x3030_3030_3030_3030
    }

    /// How many of the bytes, from the first, are ASCII digits (8 when all are).
    ///
    /// A byte's high bit is set in `offsets | (offsets + 0x76)` exactly when it is not a digit
    /// (0x76 + 10 = 0x80). The addition carries into the next byte only from a byte above 0x89,
    /// a non-digit, so every byte before the first non-digit is judged right, and so is that one.
    @inline(__always)
    var leadingDigits: Int {
        let nonDigits = (offsets | (offsets &+ 0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080
        return nonDigits.trailingZeroBitCount >> 3
    }

    /// The number written by the first `n` bytes (n in 0...7, all digits).
    ///
    /// The n digits are moved to the top of the word, so that zeros stand before them as leading
    /// zeros, and the eight digits are then combined pairwise in three multiplies (as in
    /// simdjson and fast_float): into 2-digit, then 4-digit, then the 8-digit value.
    @inline(__always)
    func value(ofFirst n: Int) -> UInt64 {
        // Two shifts, since one shift by 64 (n = 0) would be taken modulo 64.
        var v = (offsets &<< 8) &<< UInt64(56 - 8 * n)
        v = (v &* 10) &+ (v >> 8)
        let low = (v & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064
        let high = ((v >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001
        return (low &+ high) >> 32
    }
}
