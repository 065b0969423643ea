#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where each chunk's rows go in the final columns.
///
/// A row starts at the chunk's start or right after a line ending, so the rows that start in a
/// stretch are at most one more than its line endings (fewer when a quoted field spans lines or
/// a line is blank). Chunk k's rows therefore start after room for every row the chunks before
/// it can hold; counting the line endings is one fast pass over bytes that parsing reads anyway.
enum CSVRowSlots {
    /// For each chunk, given the line endings in its stretch, the row its rows start at; and the
    /// rows the columns need room for.
    static func firstRows(lineEndings: [Int]) -> (firstRows: [Int], capacity: Int) {
        var firstRows: [Int] = []
        var total = 0
        for n in lineEndings {
            firstRows.append(total)
            total += n + 1
        }
        return (firstRows, total)
    }

    /// Line endings in `start..<end`: LF, CRLF (counted once) and a lone CR, as the scanner ends
    /// rows. A CR at `end - 1` followed by an LF at `end` is left to the stretch holding the LF.
    static func lineEndings(_ scanner: CSVFieldScanner, from start: Int, to end: Int) -> Int {
        let lf = occurrences(of: CSVFieldScanner.lf, scanner.base, from: start, to: end)
        // Usually there is no CR at all, which one `memchr` pass finds out.
        guard occurrences(of: CSVFieldScanner.cr, scanner.base, from: start, to: end, atMost: 1) > 0 else { return lf }
        let base = scanner.base
        var loneCR = 0
        for i in start..<end where base[i] == CSVFieldScanner.cr && !(i + 1 < scanner.count && base[i + 1] == CSVFieldScanner.lf) {
            loneCR += 1
        }
        return lf + loneCR
    }

    /// How many times `byte` occurs in `base[start..<end]` (stopping at `atMost`), by `memchr`,
    /// which compares many bytes per instruction: lines are long, so a call per hit is cheap.
    private static func occurrences(of byte: UInt8, _ base: UnsafePointer<UInt8>, from start: Int, to end: Int,
                                    atMost limit: Int = .max) -> Int {
        var n = 0
        var p = start
        while p < end, n < limit, let hit = memchr(base + p, Int32(byte), end - p) {
            n += 1
            p = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit)) + 1
        }
        return n
    }
}
