import Crypto
import Foundation

/// The SHA-256 fingerprint of a weight file's training data (`input_sha256` in its metadata),
/// as 64 lowercase hex digits: the same digits `sha256sum` prints.
///
/// The hashing is apple/swift-crypto's (BoringSSL's SHA-256, which uses the CPU's SHA
/// instructions where it has them); healthcal keeps no SHA-256 of its own.
public enum Fingerprint {
    /// The fingerprint of `bytes`.
    public static func sha256<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var hasher = SHA256()
        if bytes.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            Array(bytes).withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        return hex(hasher.finalize())
    }

    /// The fingerprint of the file at `path`, read in 1 MiB chunks (a training file can be
    /// hundreds of MB; only one chunk is in memory at a time). nil when the file cannot be opened
    /// or read.
    public static func sha256(contentsOf path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { chunk.deallocate() }
        var hasher = SHA256()
        while true {
            let got = read(fd, chunk.baseAddress, chunk.count)
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                return nil
            }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: chunk[0..<got]))
        }
        return hex(hasher.finalize())
    }

    /// A fingerprint taken as the bytes stream past (a database source, hashed as COPY delivers it).
    public struct Hasher {
        private var sha = SHA256()
        public init() {}
        public mutating func update(_ bytes: UnsafeRawBufferPointer) { sha.update(bufferPointer: bytes) }
        public func finalize() -> String { Fingerprint.hex(sha.finalize()) }
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(2 * SHA256.byteCount)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
