import Foundation
import Testing
@testable import HealthCal

/// Reading from a mapped file (whose parsed pages are released as the chunks pass them) and
/// from other line endings must give exactly the table read from the same bytes in memory on
/// one core: the chunks write straight into the final columns at offsets counted from the line
/// endings, so every kind of line ending and every split must leave no gap and no overlap.
@Suite struct CSVMappedReadTests {
    func options(threads: Int, release: Int = 4 << 20) -> CSVOptions {
        var o = CSVOptions()
        o.threads = threads
        o.minimumBytesPerThread = 1
        o.bytesPerPageRelease = release
        return o
    }

    /// Rows with long-ish numbers, ids, a quoted text column and some missing cells.
    func generated(rows: Int, ending: String = "\n", quotedNewlineEvery: Int? = nil) -> String {
        var rng = SplitMix64(seed: 11)
        var s = "id,x,y,note" + ending
        for r in 0..<rows {
            let x = rng.next() % 40 == 0 ? "" : "\(Double(rng.next() % 10_000_000) / 997)"
            let y = "-\(rng.next() % 1000)e-\(rng.next() % 30)"
            var note = rng.next() % 2 == 0 ? "\"a, \"\"b\"\"\"" : "n\(rng.next() % 50)"
            if let every = quotedNewlineEvery, r % every == 0 { note = "\"two" + ending + "lines\"" }
            s += "C\(rng.next() % 3000),\(x),\(y),\(note)" + ending
        }
        return s
    }

    func withFile<T>(_ text: String, _ body: (String) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hc-mapped-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    @Test func mappedFileWithPageReleasesEqualsBytesInMemory() throws {
        for quoted in [nil, 9] {
            let text = generated(rows: 20_000, quotedNewlineEvery: quoted)
            let reference = try CSVReader.read(bytes: Array(text.utf8), source: "m.csv", options: options(threads: 1))
            try withFile(text) { path in
                for threads in [1, 2, 3] {
                    // Releases every row (1 byte) and every few pages.
                    for release in [1, 3 * 4096 + 5] {
                        let table = try CSVReader.read(path: path, options: options(threads: threads, release: release))
                        expectSameTable(reference, table, "threads \(threads), release \(release), quoted \(String(describing: quoted))")
                    }
                }
            }
        }
    }

    @Test func splitInsideAQuotedFieldRereadsReleasedPages() throws {
        // The cut lands inside one long quoted field: the first chunk parses on over the second's
        // stretch, whose pages that chunk has already released.
        let inner = (0..<20_000).map { "x,\($0)" }.joined(separator: "\n")
        let text = "a,b\n1,p\n2,\"\(inner)\"\n3,q\n"
        let reference = try readCSV(text, options: options(threads: 1))
        try withFile(text) { path in
            for threads in [2, 4] {
                let table = try CSVReader.read(path: path, options: options(threads: threads, release: 1))
                expectSameTable(reference, table, "threads \(threads)")
                #expect(texts(table, "b") == ["p", inner, "q"])
            }
        }
    }

    @Test func crlfAndLoneCREndingsOnSeveralThreads() throws {
        for ending in ["\r\n", "\r"] {
            for quoted in [nil, 5] {
                let text = generated(rows: 5_000, ending: ending, quotedNewlineEvery: quoted)
                let one = try readCSV(text, options: options(threads: 1))
                #expect(one.rowCount == 5_000)
                for threads in [2, 3, 7] {
                    expectSameTable(one, try readCSV(text, options: options(threads: threads)),
                               "ending \(Array(ending.utf8)), threads \(threads), quoted \(String(describing: quoted))")
                }
            }
        }
    }

    @Test func rowSlotsCountEveryKindOfLineEnding() {
        let text = Array("a\nb\r\nc\rd\r\r\n\"e\nf\"\n".utf8)
        text.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            let scanner = CSVFieldScanner(base: base, count: b.count, delimiter: UInt8(ascii: ","))
            // LF, CRLF, CR, CR, CRLF, LF (inside quotes), LF.
            #expect(CSVRowSlots.lineEndings(scanner, from: 0, to: b.count) == 7)
            // A CRLF cut between its CR and LF is counted once, with the LF.
            #expect(CSVRowSlots.lineEndings(scanner, from: 0, to: 4) == 1)
            #expect(CSVRowSlots.lineEndings(scanner, from: 4, to: b.count) == 6)
        }
        let slots = CSVRowSlots.firstRows(lineEndings: [3, 0, 5])
        #expect(slots.firstRows == [0, 4, 5])
        #expect(slots.capacity == 11)
    }

    @Test func emptyBodyAndNoFinalLineEnding() throws {
        try withFile("a,b\n") { path in
            let t = try CSVReader.read(path: path, options: options(threads: 2, release: 1))
            #expect(t.rowCount == 0 && numbers(t, "a").isEmpty)
        }
        try withFile("a,b\n1,2\n3,4") { path in
            let t = try CSVReader.read(path: path, options: options(threads: 2, release: 1))
            #expect(numbers(t, "b") == [2, 4])
        }
    }
}
