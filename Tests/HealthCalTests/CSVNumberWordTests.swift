import Testing
import TestSupport
@testable import HealthCal
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The 8-byte path of `NumberParser.scan` must give what the digit-by-digit path gives (the
/// same double, bit for bit, and the same end, or the same rejection) on every cell, and so
/// `strtod`'s double on every number; and cells at the end of the bytes must read alike.
@Suite struct CSVNumberWordTests {
    /// `scan` and `scanDigits` over `cell` followed by `after`, both from the cell's start.
    func bothScans(_ cell: String, after: String) -> (word: (Double?, Int), digits: (Double?, Int)) {
        let bytes = Array((cell + after).utf8)
        return bytes.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress else { return ((nil, 0), (nil, 0)) }
            let w = NumberParser.scan(p, count: b.count)
            let d = NumberParser.scanDigits(p, count: b.count)
            return ((w.value, w.end), (d.value, d.end))
        }
    }

    func same(_ x: (Double?, Int), _ y: (Double?, Int)) -> Bool {
        x.1 == y.1 && x.0?.bitPattern == y.0?.bitPattern
    }

    func digits(_ n: Int, _ rng: inout SplitMix64) -> String {
        String((0..<n).map { _ in Character(Unicode.Scalar(UInt8(48 + rng.next() % 10))) })
    }

    /// Sign, 0-20 integer and 0-20 fraction digits (often with leading zeros), an optional
    /// point and exponent.
    func randomCell(_ rng: inout SplitMix64) -> String {
        let sign = ["", "", "", "-", "+"][Int(rng.next() % 5)]
        let integerCount = Int(rng.next() % 4 == 0 ? rng.next() % 21 : rng.next() % 9)
        let fractionCount = Int(rng.next() % 4 == 0 ? rng.next() % 21 : rng.next() % 9)
        var s = sign + (rng.next() % 6 == 0 ? "000" : "") + digits(integerCount, &rng)
        if rng.next() % 5 != 0 { s += "." + digits(fractionCount, &rng) }
        if rng.next() % 10 == 0 {
            s += ["e", "E", "e-", "e+"][Int(rng.next() % 4)] + String(rng.next() % 40)
        }
        return s
    }

    static let followers = [",", "\n", "\r\n", ",0,1.5,abc,99999999999\n", ",,,,,,,,,,,,,,,,,,,,", "",
                            "x", ".5", "e", "e5,", " ", "\"", "1234567890123456789012"]

    @Test func randomCellsReadAsByDigitsAndAsStrtod() {
        var rng = SplitMix64(seed: 20260517)
        var mismatches: [String] = []
        for _ in 0..<300_000 {
            let cell = randomCell(&rng)
            // Half the cells have room after them for the 8-byte loads, half may not.
            let after = Self.followers[Int(rng.next() % UInt64(Self.followers.count))]
                + (rng.next() % 2 == 0 ? ",0,0,0,0,0,0,0,0,0,0" : "")
            let (word, byDigits) = bothScans(cell, after: after)
            if !same(word, byDigits) { mismatches.append("\(cell)|\(after)") }
            // A cell that is a whole number must give strtod's double.
            if byDigits.1 == cell.utf8.count, let value = word.0, value.bitPattern != strtod(cell, nil).bitPattern {
                mismatches.append("strtod \(cell)")
            }
            if mismatches.count > 10 { break }
        }
        #expect(mismatches.isEmpty, "mismatches: \(mismatches)")
    }

    @Test func usualCellsTakeTheWordPath() {
        for cell in ["67.941", "3", "56.3", "-0.5", "+12", "0", ".25", "7.", "1234567.1234567"] {
            let bytes = Array((cell + ",0,0,0,0,0,0,0,0,0,0").utf8)
            let number = bytes.withUnsafeBufferPointer { NumberParser.scanWords($0.baseAddress!) }
            #expect(number?.end == cell.utf8.count, "\(cell)")
            #expect(number?.value.bitPattern == strtod(cell, nil).bitPattern, "\(cell)")
        }
    }

    @Test func valuesNearTwoToThe53AndLongRuns() {
        var cells: [String] = []
        for m in ["9007199254740991", "9007199254740992", "9007199254740993", "9999999", "99999999", "1234567",
                  "12345678", "0000000", "00000000", "0", "10000000"] {
            for f in ["", ".", ".0", ".9999999", ".99999999", ".1234567", ".12345678", ".00000001", ".0000000"] {
                cells += [m + f, "-" + m + f, "+" + m + f]
            }
        }
        cells += ["9007199.254740993", "900719925474099.3", "0.9007199254740993", "4503599.627370497",
                  "-0", "-0.0", "+0.000", "-.0", "0.5", "1.5", "2.5"]
        for cell in cells {
            for after in Self.followers {
                let (word, byDigits) = bothScans(cell, after: after)
                #expect(same(word, byDigits), "\(cell)|\(after)")
                if byDigits.1 == cell.utf8.count, let value = word.0 {
                    #expect(value.bitPattern == strtod(cell, nil).bitPattern, "\(cell)")
                }
            }
        }
    }

    @Test(arguments: ["", "-", "+", ".", "-.", "e5", "1e", "1e+", "1.2.3", "1,5", "0x1p3", "inf", "-inf", "nan",
                      "Infinity", "1_000", "12abc", "--1", "1 2", "١٢", "\"1,5\"", "1..2", ".e1", "1.e", "1.5E",
                      "1234567.", "12345678.", ".1234567e", "\u{80}1"])
    func malformedCellsStopWhereDigitByDigitStops(_ cell: String) {
        for after in Self.followers {
            let (word, byDigits) = bothScans(cell, after: after)
            #expect(same(word, byDigits), "\(cell)|\(after): \(word) vs \(byDigits)")
        }
    }

    /// Every byte value after k digits: the run is k long exactly when that byte is not a digit.
    @Test func leadingDigitsStopAtTheFirstNonDigit() {
        var rng = SplitMix64(seed: 7)
        for k in 0..<8 {
            for b in 0...255 {
                var bytes = (0..<8).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                for i in 0..<k { bytes[i] = UInt8(48 + rng.next() % 10) }
                bytes[k] = UInt8(b)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                let expected = (48...57).contains(b) ? (k + 1..<8).first { !(48...57).contains(bytes[$0]) } ?? 8 : k
                #expect(DigitWord(word).leadingDigits == expected, "k \(k) byte \(b) \(bytes)")
            }
        }
    }

    @Test func firstDigitsGiveTheirValue() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            let text = Array(digits(8, &rng).utf8)
            let word = text.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            for n in 0..<8 {
                let expected = text.prefix(n).reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 48) }
                #expect(DigitWord(word).value(ofFirst: n) == expected)
            }
        }
    }

    /// The last cell of a file may end the bytes: no line ending, LF or CRLF, with and without
    /// enough bytes after the cell's start for the 8-byte path.
    @Test(arguments: ["", "\n", "\r\n", "\r"])
    func lastCellsAtTheEndOfTheBytes(_ ending: String) throws {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<300 {
            let cells = (0..<3).map { _ -> String in
                let s = randomCell(&rng)
                let whole = bothScans(s, after: "").digits
                return whole.0 != nil && whole.1 == s.utf8.count ? s : "1.5"
            }
            let text = "a,b,c\n" + cells.joined(separator: ",") + ending
            let table = try readCSV(text)
            for (name, cell) in zip(["a", "b", "c"], cells) {
                #expect(numbers(table, name).first?.bitPattern == strtod(cell, nil).bitPattern, "\(text)")
            }
        }
    }
}
