#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Distinct text values of one column, found by hashing the cell's bytes, so a customer id
/// repeated over many periods costs a hash and a compare, not a String, per cell.
///
/// Codes are given in order of first occurrence. Each value's bytes are kept in one arena, and
/// its String is built once, when first seen (that is also where its UTF-8 is checked).
struct TextDictionary {
    private(set) var levels: [String] = []
    private var arena: [UInt8] = []
    /// Start of level k's bytes in `arena`; level k ends at `offsets[k + 1]`.
    private var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    /// What a probe compares, one 16-byte record per level: a customer-id column has ~10^5
    /// levels, and every array a probe touches at a random index is a cache miss that shows in
    /// the read time. A value of at most 8 bytes is told apart by length and `head` alone;
    /// longer values are compared in `arena` too.
    private var records: [LevelRecord] = []
    /// Open addressing with linear probing; size is a power of two. A slot holds the high 32
    /// bits of the hash above the code + 1 (0 marks an empty slot), so a probe rejects other
    /// values without touching the records.
    private var slots: [UInt64] = Array(repeating: 0, count: 64)

    /// The code returned last; each level's record holds the code that followed it last time
    /// (-1 until one has). Panels are usually sorted by period and then by customer, so a cell
    /// often repeats the previous row's value (period, segment), or holds the customer that
    /// followed the previous row's customer last period too. Checking those two first, in memory
    /// just touched, avoids a probe in a table of ~10^5 ids; only churned and new customers, and
    /// the start of a period, need the table.
    private var lastCode = -1

    var count: Int { levels.count }

    /// The code of the value `bytes[0..<count]`, adding it when new. `isNew` tells the caller
    /// when `isValidUTF8` is worth reporting; invalid bytes are stored with replacement
    /// characters so the codes stay consistent.
    @inline(__always)
    mutating func code(of bytes: UnsafePointer<UInt8>, count n: Int) -> (code: Int32, isNew: Bool, isValidUTF8: Bool) {
        let head = Self.head(bytes, n)
        if isLevel(lastCode, bytes, n, head) {
            return (Int32(truncatingIfNeeded: lastCode), false, true)
        }
        let previous = lastCode
        if previous >= 0 {
            let predicted = Int(records[previous].successor)
            if isLevel(predicted, bytes, n, head) {
                lastCode = predicted
                return (Int32(truncatingIfNeeded: predicted), false, true)
            }
        }
        let h = Self.hash(bytes, n)
        let mask = slots.count - 1
        let tag = h & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let k = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if isLevel(k, bytes, n, head) {
                    follow(previous, with: k)
                    return (Int32(truncatingIfNeeded: k), false, true)
                }
            }
            slot = (slot + 1) & mask
        }
        let code = Int32(levels.count)
        records.append(LevelRecord(head: head, count: Int32(clamping: n), successor: -1))
        follow(previous, with: levels.count)
        let buffer = UnsafeBufferPointer(start: bytes, count: n)
        let valid = Self.isValidUTF8(buffer)
        levels.append(String(decoding: buffer, as: UTF8.self))
        arena.append(contentsOf: buffer)
        offsets.append(arena.count)
        hashes.append(h)
        slots[slot] = tag | UInt64(truncatingIfNeeded: code + 1)
        if levels.count * 2 > slots.count { grow() }
        return (code, true, valid)
    }

    /// Records that level `k` came right after level `previous` (when there was one).
    @inline(__always)
    private mutating func follow(_ previous: Int, with k: Int) {
        if previous >= 0 { records[previous].successor = Int32(truncatingIfNeeded: k) }
        lastCode = k
    }

    /// Whether level `k` (any Int; false when there is no such level) is `bytes[0..<n]`, whose
    /// `head` is given.
    @inline(__always)
    private func isLevel(_ k: Int, _ bytes: UnsafePointer<UInt8>, _ n: Int, _ head: UInt64) -> Bool {
        guard k >= 0, k < records.count else { return false }
        let record = records[k]
        guard record.head == head, record.count == Int32(clamping: n) else { return false }
        return n <= 8 || (offsets[k + 1] - offsets[k] == n && equalBytes(level: k, bytes, n))
    }

    /// The first 8 bytes of `bytes[0..<n]` as a little-endian word, zero-padded when n < 8.
    @inline(__always)
    static func head(_ bytes: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        if n >= 8 { return UInt64(littleEndian: UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self)) }
        var word: UInt64 = 0
        for i in 0..<n { word |= UInt64(bytes[i]) << UInt64(8 * i) }
        return word
    }

    @inline(__always)
    private func equalBytes(level k: Int, _ bytes: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n == 0 { return true }
        return arena.withUnsafeBufferPointer { a in
            guard let start = a.baseAddress else { return false }
            return Self.equal(start + offsets[k], bytes, n)
        }
    }

    /// `memcmp(x, y, n) == 0`, inline for the short values of a panel's text columns (ids,
    /// periods, segments): a call to `memcmp` per cell cost more than the comparison itself.
    @inline(__always)
    static func equal(_ x: UnsafePointer<UInt8>, _ y: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n > 16 { return memcmp(x, y, n) == 0 }
        let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
        if n >= 8 {
            // Two words that overlap when n < 16 and together cover every byte.
            return rx.loadUnaligned(as: UInt64.self) == ry.loadUnaligned(as: UInt64.self)
                && rx.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == ry.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        for i in 0..<n where x[i] != y[i] { return false }
        return true
    }

    private mutating func grow() {
        var bigger = Array(repeating: UInt64(0), count: slots.count * 2)
        let mask = bigger.count - 1
        for k in 0..<levels.count {
            let h = hashes[k]
            var slot = Int(truncatingIfNeeded: h) & mask
            while bigger[slot] != 0 { slot = (slot + 1) & mask }
            bigger[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(k + 1)
        }
        slots = bigger
    }

    /// Codes of `other`'s levels in this dictionary, adding the new ones in `other`'s order of
    /// first occurrence: exactly the codes a single pass over both chunks would have given.
    mutating func absorb(_ other: TextDictionary) -> [Int32] {
        var remap = [Int32]()
        remap.reserveCapacity(other.count)
        other.arena.withUnsafeBufferPointer { a in
            for k in 0..<other.count {
                let start = other.offsets[k], n = other.offsets[k + 1] - start
                if n == 0 {
                    var none: UInt8 = 0
                    remap.append(withUnsafePointer(to: &none) { code(of: $0, count: 0).code })
                } else if let base = a.baseAddress {
                    remap.append(code(of: base + start, count: n).code)
                }
            }
        }
        return remap
    }

    /// A multiply-xorshift hash over 8-byte words: ids are short, so speed matters more than
    /// resistance to crafted collisions (which only slow the probe, never change a result).
    @inline(__always)
    static func hash(_ bytes: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
        var i = 0
        let raw = UnsafeRawPointer(bytes)
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // ASCII is by far the common case; only non-ASCII values go through the decoder.
        var ascii = true
        for b in bytes where b >= 0x80 { ascii = false; break }
        if ascii { return true }
        let hadError = transcode(bytes.makeIterator(), from: UTF8.self, to: UTF32.self,
                                 stoppingOnError: true) { _ in }
        return !hadError
    }
}

/// A level as a probe sees it (see `TextDictionary.records`).
private struct LevelRecord {
    /// The value's first 8 bytes, zero-padded (`TextDictionary.head`).
    var head: UInt64
    /// The value's length in bytes, at most Int32.max (longer values are compared in full anyway).
    var count: Int32
    /// The level that followed this one last time, or -1.
    var successor: Int32
}
