import Testing
@testable import HealthCal
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct TextDictionaryTests {
    /// The inline comparison agrees with `memcmp` at every length around its word-size cases,
    /// whichever byte differs.
    @Test func inlineEqualityAgreesWithMemcmp() {
        var rng = SystemRandomNumberGenerator()
        for n in 0...40 {
            for _ in 0..<50 {
                let x = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
                var y = x
                if n > 0, Bool.random(using: &rng) { y[Int.random(in: 0..<n, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng) }
                x.withUnsafeBufferPointer { bx in
                    y.withUnsafeBufferPointer { by in
                        guard let px = bx.baseAddress, let py = by.baseAddress else { return }
                        #expect(TextDictionary.equal(px, py, n) == (memcmp(px, py, n) == 0), "length \(n)")
                    }
                }
            }
        }
    }

    /// Codes follow first occurrence, and values of 8 to 16 bytes differing in one byte are told apart.
    @Test func codesOfSimilarIDs() {
        var dictionary = TextDictionary()
        let values = ["C0000013", "C0000014", "C0000013", "C00000130", "C000001300000014", "C000001300000015", "smb", "sma", ""]
        let codes = values.map { v in
            var bytes = Array(v.utf8) + [0]
            return bytes.withUnsafeMutableBufferPointer { b in dictionary.code(of: b.baseAddress!, count: v.utf8.count).code }
        }
        #expect(codes == [0, 1, 0, 2, 3, 4, 5, 6, 7])
        #expect(dictionary.levels == ["C0000013", "C0000014", "C00000130", "C000001300000014", "C000001300000015", "smb", "sma", ""])
    }

    /// Codes agree with a plain dictionary of first occurrences on short values that differ
    /// only in trailing zero bytes or after their first 8 bytes, in orders that make the
    /// last-value and successor guesses both hit and miss.
    @Test func codesAgreeWithFirstOccurrenceOnLookalikes() {
        let stems: [[UInt8]] = [[], [0], [0, 0], [65], [65, 0], [65, 0, 0, 0, 0, 0, 0, 0], Array("C0000013".utf8),
                                Array("C0000013".utf8) + [0], Array("C0000013x".utf8), Array("C0000013y".utf8),
                                Array("2023Q1".utf8), Array("2023Q1\0\0".utf8), [0xFF, 0xFE], Array("smb".utf8)]
        var rng = SplitMix64(seed: 3)
        var dictionary = TextDictionary()
        var reference: [[UInt8]: Int32] = [:]
        var previous = 0
        for step in 0..<20_000 {
            // Mostly repeat or step through the stems in order, sometimes jump.
            let k = step % 7 == 0 ? Int(rng.next() % UInt64(stems.count)) : (previous + Int(rng.next() % 2)) % stems.count
            previous = k
            let value = stems[k]
            let expected = reference[value] ?? Int32(reference.count)
            reference[value] = expected
            var padded = value + [7, 7, 7, 7, 7, 7, 7, 7]
            let found = padded.withUnsafeMutableBufferPointer { dictionary.code(of: $0.baseAddress!, count: value.count) }
            #expect(found.code == expected, "step \(step) value \(value)")
            if found.code != expected { break }
        }
        #expect(dictionary.count == reference.count)
    }
}
