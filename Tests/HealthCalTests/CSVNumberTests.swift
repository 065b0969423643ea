import Testing
import TestSupport
@testable import HealthCal
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The number path must give exactly glibc `strtod`'s double (which is correctly rounded), bit
/// for bit: the reference here is `strtod` itself, so the tolerance is zero.
@Suite struct CSVNumberTests {
    func parsed(_ s: String) -> Double? {
        var bytes = Array(s.utf8)
        return bytes.withUnsafeMutableBufferPointer { b in
            guard let p = b.baseAddress else {
                var none: UInt8 = 0
                return withUnsafePointer(to: &none) { NumberParser.parse($0, count: 0) }
            }
            let (start, end) = trimSpaces(UnsafePointer(p), 0, b.count)
            return NumberParser.parse(UnsafePointer(p) + start, count: end - start)
        }
    }

    func reference(_ s: String) -> Double { strtod(s, nil) }

    @Test(arguments: ["0.1", "1e22", "1e23", "-0", "123456789012345678", ".5", "5.", "1E-5", " 3 ",
                      "0", "+7", "-1.25", "9007199254740992", "9007199254740993", "1e-22", "1.7976931348623157e308",
                      "2.2250738585072014e-308", "4.9e-324", "1e-400", "12345678901234567890123", "0.000000000000000000000000001",
                      "3.141592653589793238462643383279", "1e+5", "00012.5000", "-.0", "0e999", "8.5e-3", "123.456e-7",
                      "999999999999999999", "18446744073709551615", "18446744073709551616", "0.30000000000000004"])
    func edgeCasesMatchStrtodBitForBit(_ s: String) {
        let value = parsed(s)
        #expect(value != nil, "\(s) should read as a number")
        #expect(value?.bitPattern == reference(s).bitPattern, "\(s): \(String(describing: value)) vs \(reference(s))")
    }

    @Test func minusZeroKeepsItsSign() {
        #expect(parsed("-0")?.sign == .minus)
        #expect(parsed("-0.000")?.sign == .minus)
    }

    @Test(arguments: ["", " ", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "1,5", "0x1p3", "inf", "nan", "Infinity",
                      "1_000", "12abc", "--1", "1 2", "١٢"])
    func nonNumbersAreRejected(_ s: String) {
        #expect(parsed(s) == nil, "\(s) should not read as a number")
    }

    @Test func overflowGivesInfinityForTheCallerToReject() {
        #expect(parsed("1e999") == .infinity)
        #expect(parsed("-1e999") == -.infinity)
    }

    @Test func randomDecimalsMatchStrtodBitForBit() {
        var rng = SplitMix64(seed: 20261125)
        var mismatches: [String] = []
        for i in 0..<200_000 {
            let s: String
            switch i % 5 {
            case 0: // fixed-point numbers like those in panels
                let digits = Int(rng.next() % 9) + 1
                let decimals = Int(rng.next() % 8)
                s = String(rng.next() % UInt64(pow(10.0, Double(digits)))) + (decimals > 0 ? "." + paddedDigits(decimals, rng.next()) : "")
            case 1: // any double, shortest round-trip text
                s = "\(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF))"
            case 2: // long mantissas that exceed 2^53 or 19 digits
                s = String(rng.next()) + String(rng.next() % 1000) + "e" + String(Int(rng.next() % 60) - 30)
            case 3: // scientific with exponents around the fast-path edge
                s = "\(rng.next() % 10_000_000)e\(Int(rng.next() % 60) - 30)"
            default: // negative, leading dot
                s = "-." + String(rng.next() % 1_000_000_000_000)
            }
            if parsed(s)?.bitPattern != reference(s).bitPattern {
                mismatches.append(s)
                if mismatches.count > 10 { break }
            }
        }
        #expect(mismatches.isEmpty, "mismatches: \(mismatches)")
    }

    func paddedDigits(_ decimals: Int, _ x: UInt64) -> String {
        let digits = String(x % UInt64(pow(10.0, Double(decimals))))
        return String(repeating: "0", count: decimals - digits.count) + digits
    }
}

/// A small deterministic generator, so a failing random case can be reproduced.
// SplitMix64: the library's (StratifiedKFold.swift), same generator; a second copy here
// made the name ambiguous in this target.
