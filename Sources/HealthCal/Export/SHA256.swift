import CSHA256

/// SHA-256 (FIPS 180-4), used to fingerprint the training file in a weight file's metadata.
/// Portable Swift, or the CPU's SHA instructions where it has them (`CSHA256`, the same bits);
/// tested against the NIST "abc", empty and million-"a" vectors, and one path against the other.
///
/// Incremental (`Hasher`), so a training file of hundreds of MB is hashed in fixed-size chunks
/// (`hex(contentsOf:)`) instead of being held in memory, and copied, to be hashed.
public enum SHA256 {
    /// The round constants, from `CSHA256` (one table for both compression paths).
    static let k = Array(UnsafeBufferPointer(start: csha256_round_constants(), count: 64))

    /// The 32-byte digest of `bytes`.
    public static func digest<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var hasher = Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest as 64 lowercase hex digits.
    public static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        hexDigits(digest(bytes))
    }

    static func hexDigits(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    /// Running state: feed bytes with `update` in any number of pieces, then `finalize`.
    /// Whether blocks are compressed with the CPU's SHA instructions (`CSHA256`): a 200 MB
    /// training file then hashes in a fraction of a second instead of over a second.
    static let hardware = csha256_hardware_available() != 0

    public struct Hasher: Sendable {
        private var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        /// False forces the portable compression (to test one against the other).
        var usesHardware = SHA256.hardware
        /// Bytes of an incomplete 64-byte block carried to the next `update`.
        private var pending: [UInt8] = []
        private var length: UInt64 = 0

        public init() {}

        public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
            if let done: Void = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) {
                return done
            }
            Array(bytes).withUnsafeBytes { update($0) }
        }

        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            guard var base = bytes.baseAddress, !bytes.isEmpty else { return }
            var count = bytes.count
            length &+= UInt64(count)
            if !pending.isEmpty {
                let take = min(64 - pending.count, count)
                pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
                base += take
                count -= take
                guard pending.count == 64 else { return }
                pending.withUnsafeBytes { compress(blocks: $0.baseAddress!, count: 1) }
                pending.removeAll(keepingCapacity: true)
            }
            let whole = count / 64
            if whole > 0 { compress(blocks: base, count: whole) }
            if count % 64 > 0 { pending.append(contentsOf: UnsafeRawBufferPointer(start: base + whole * 64, count: count % 64)) }
        }

        /// The 32-byte digest of everything passed to `update`.
        public mutating func finalize() -> [UInt8] {
            let bitLength = length &* 8
            var tail = pending
            tail.append(0x80)
            while tail.count % 64 != 56 { tail.append(0) }
            for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
            tail.withUnsafeBytes { compress(blocks: $0.baseAddress!, count: $0.count / 64) }
            pending = []
            return h.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32($0))) } }
        }

        /// The compression function over `count` consecutive 64-byte blocks at `blocks`.
        private mutating func compress(blocks: UnsafeRawPointer, count: Int) {
            if usesHardware {
                h.withUnsafeMutableBufferPointer {
                    csha256_compress_hardware($0.baseAddress!, blocks.assumingMemoryBound(to: UInt8.self), count)
                }
                return
            }
            var (h0, h1, h2, h3, h4, h5, h6, h7) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            SHA256.k.withUnsafeBufferPointer { k in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                    for block in 0..<count {
                        let p = blocks + 64 * block
                        for t in 0..<16 { w[t] = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self)) }
                        for t in 16..<64 {
                            let a = w[t - 15], b = w[t - 2]
                            let s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >> 3)
                            let s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >> 10)
                            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                        }
                        var (a, b, c, d, e, f, g, hh) = (h0, h1, h2, h3, h4, h5, h6, h7)
                        for t in 0..<64 {
                            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                            let ch = (e & f) ^ (~e & g)
                            let t1 = hh &+ s1 &+ ch &+ k[t] &+ w[t]
                            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                            let maj = (a & b) ^ (a & c) ^ (b & c)
                            (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ s0 &+ maj)
                        }
                        h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
                        h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= hh
                    }
                }
            }
            h = [h0, h1, h2, h3, h4, h5, h6, h7]
        }
    }

    @inline(__always) static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}
