import Foundation
import Testing
import TestSupport
@testable import HealthCal

/// The training file's fingerprint (`input_sha256`), now from apple/swift-crypto: the digests
/// the hand-written SHA-256 gave, pinned to published vectors and to coreutils' `sha256sum`.
@Suite("SHA-256 fingerprints")
struct FingerprintTests {
    /// NIST FIPS 180-4 examples (csrc.nist.gov, "SHA256.pdf"): "abc", the empty message, the
    /// two-block 448-bit message and one million "a" (many blocks).
    @Test func nistVectors() {
        #expect(Fingerprint.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Fingerprint.sha256([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Fingerprint.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Fingerprint.sha256([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // A collection without contiguous storage takes the copying path: same digest.
        #expect(Fingerprint.sha256("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// Files of 0 bytes, one byte, and 3 MiB + 4097 bytes (four 1 MiB chunks, the last one short
    /// and not block-aligned), against `sha256sum` on the same file.
    @Test func filesMatchSha256sum() throws {
        var rng = SplitMix64(seed: 5)
        let data = (0..<(3 << 20) + 4097).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for count in [0, 1, 64, 1 << 20, data.count] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("hc-sha-\(UUID().uuidString).bin").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Data(data.prefix(count)).write(to: URL(fileURLWithPath: path))
            let reference = try Self.sha256sum(path)
            #expect(Fingerprint.sha256(contentsOf: path) == reference, "\(count) bytes")
            #expect(Fingerprint.sha256(data.prefix(count)) == reference, "\(count) bytes in memory")
        }
        #expect(Fingerprint.sha256(contentsOf: "/nonexistent/hc-sha.bin") == nil)
    }

    /// The digest `sha256sum` (GNU coreutils) prints for the file at `path`.
    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: output, as: UTF8.self).prefix(64))
    }
}
