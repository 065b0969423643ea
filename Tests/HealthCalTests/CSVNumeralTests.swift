import Foundation
import Testing
@testable import HealthCal

/// `CSVWriter.isShortestNumeral`, which lets flags.csv copy a raw value instead of parsing and
/// formatting it again: every spelling it accepts must be what `.number` writes for its value,
/// and `CSVWriter.appendValue` must write what `valueCell` does for any text.
@Suite struct CSVNumeralTests {
    static func accepts(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { CSVWriter.isShortestNumeral($0) }
    }

    static func edges() -> [String] {
        ["0", "-0", "00", "0.0", "-0.0", "0.5", "-0.5", ".5", "5.", "1", "-1", "10", "100.25", "007", "1e3", "1E3", "+1",
         "0.0001", "0.00012", "0.00001", "-0.0001", "0.001", "123456789012345", "-123456789012345", "1234567890123456",
         "999999999999999", "99999999999999.9", "9999999999999.99", "0.123456789012345", "0.1234567890123456",
         "12345678901234.5", "1.00000000000001", "2.675", "67.941", "1.5 ", " 1.5", "inf", "nan", "", "-", "1-2", "1.2.3",
         "0x10", "٣", "1,5"]
    }

    static func generated() -> [String] {
        var s = ExportFixture.Stream(state: 11)
        var out: [String] = []
        for _ in 0..<20_000 {
            let intDigits = Int(s.next() * 17), fracDigits = Int(s.next() * 8)
            var t = s.next() < 0.3 ? "-" : ""
            for k in 0..<intDigits { t += String(k == 0 && s.next() < 0.8 ? 1 + Int(s.next() * 9) : Int(s.next() * 10)) }
            if fracDigits > 0 {
                t += "."
                for _ in 0..<fracDigits { t += String(s.next() < 0.3 ? 0 : Int(s.next() * 10)) }
            }
            out.append(t)
        }
        return out
    }

    @Test func acceptedSpellingsAreWhatNumberWrites() {
        var accepted = 0
        for text in Self.edges() + Self.generated() where Self.accepts(text) {
            accepted += 1
            let v = Double(text)
            #expect(v != nil, "\(text)")
            if let v { #expect(CSVWriter.field(.number(v)) == text, "\(text)") }
        }
        #expect(accepted > 5_000)
        for text in ["-0", "0.00001", "1234567890123456", "12.50", "007", "1e3", ""] { #expect(!Self.accepts(text), "\(text)") }
        for text in ["0", "-0.5", "0.0001", "67.941", "123456789012345"] { #expect(Self.accepts(text), "\(text)") }
    }

    @Test func appendValueIsValueCell() {
        for text in Self.edges() + Self.generated() + ["pro", "=x", "-x", "a\"b"] {
            var fast = CSVWriter(), reference = CSVWriter()
            fast.appendValue(text)
            fast.append(.text("after"))
            reference.append(CSVWriter.valueCell(text))
            reference.append(.text("after"))
            #expect(fast.bytes == reference.bytes, "\(text)")
        }
    }
}
