import Testing
import TestSupport
@testable import HealthCal

/// The CPU's SHA instructions (`CSHA256`) and the portable compression give the same digests,
/// for every length around the block and padding boundaries and for data fed in uneven pieces.
/// On a CPU without the instructions both runs take the portable path (and the NIST vectors in
/// `WeightFileTests` check it).
struct SHA256HardwareTests {
    static func digest(_ bytes: [UInt8], hardware: Bool, piece: Int) -> String {
        var hasher = SHA256.Hasher()
        hasher.usesHardware = hardware
        var start = 0
        while start < bytes.count {
            let end = min(start + piece, bytes.count)
            hasher.update(bytes[start..<end])
            start = end
        }
        return SHA256.hexDigits(hasher.finalize())
    }

    @Test func hardwareAndPortableAgree() {
        var rng = SplitMix64(seed: 5)
        let data = (0..<(1 << 20) + 77).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for count in Array(0...200) + [511, 512, 513, 4095, 4096, 65_537, data.count] {
            let bytes = Array(data.prefix(count))
            let portable = Self.digest(bytes, hardware: false, piece: 1 << 16)
            #expect(Self.digest(bytes, hardware: SHA256.hardware, piece: 1 << 16) == portable, "\(count) bytes")
            if count > 1000 { #expect(Self.digest(bytes, hardware: SHA256.hardware, piece: 100) == portable, "\(count) bytes in pieces") }
        }
        // The NIST "abc" vector through the portable path too (the default path is the hardware one here).
        #expect(Self.digest(Array("abc".utf8), hardware: false, piece: 3) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
