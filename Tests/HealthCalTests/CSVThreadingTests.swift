import Testing
@testable import HealthCal

/// Parsing on two cores must give exactly the single-core table, including text codes,
/// line numbers and problems.
@Suite struct CSVThreadingTests {
    func options(threads: Int, _ base: CSVOptions = CSVOptions()) -> CSVOptions {
        var o = base
        o.threads = threads
        o.minimumBytesPerThread = 1
        return o
    }

    /// 50k rows: repeated ids, segments, numbers with missing cells, some quoted cells.
    func generated(rows: Int, quotedNewlineEvery: Int? = nil) -> [UInt8] {
        var rng = SplitMix64(seed: 7)
        var s = "customer_id,segment,score,logins,note\n"
        for r in 0..<rows {
            let id = "C\(rng.next() % 5000)"
            let segment = ["smb", "mid", "ent", "\"ent, intl\""][Int(rng.next() % 4)]
            let score = rng.next() % 50 == 0 ? "" : "\(Double(rng.next() % 100_000) / 1000)"
            let logins = "\(rng.next() % 40)"
            var note = rng.next() % 3 == 0 ? "n\(rng.next() % 100)" : "NA"
            if let every = quotedNewlineEvery, r % every == 0 { note = "\"first line\nsecond \"\"line\"\"\"" }
            s += "\(id),\(segment),\(score),\(logins),\(note)\n"
        }
        return Array(s.utf8)
    }

    @Test func twoThreadsEqualOneOnFiftyThousandRows() throws {
        let bytes = generated(rows: 50_000)
        let one = try CSVReader.read(bytes: bytes, source: "g.csv", options: options(threads: 1))
        let two = try CSVReader.read(bytes: bytes, source: "g.csv", options: options(threads: 2))
        #expect(one.rowCount == 50_000)
        #expect(one.rowLines.isEmpty)
        expectSameTable(one, two)
        let four = try CSVReader.read(bytes: bytes, source: "g.csv", options: options(threads: 4))
        expectSameTable(one, four)
    }

    @Test func twoThreadsEqualOneWithQuotedNewlines() throws {
        let bytes = generated(rows: 50_000, quotedNewlineEvery: 7)
        let one = try CSVReader.read(bytes: bytes, source: "g.csv", options: options(threads: 1))
        #expect(one.rowLines.count == 50_000)
        // Rows 0, 7, 14, ... (7143 of them) each span two lines.
        let expectedLastLine = 2 + 49_999 + 7143
        #expect(one.rowLines.last == expectedLastLine)
        for threads in [2, 3, 5] {
            expectSameTable(one, try CSVReader.read(bytes: bytes, source: "g.csv", options: options(threads: threads)))
        }
    }

    @Test func splitInsideAQuotedFieldFallsBack() throws {
        // One quoted field holds many lines around the middle, so the speculative cut lands in it.
        let inner = (0..<200).map { "x,\($0)" }.joined(separator: "\n")
        let text = "a,b\n1,p\n2,\"\(inner)\"\n3,q\n"
        let one = try readCSV(text, options: options(threads: 1))
        let two = try readCSV(text, options: options(threads: 2))
        #expect(two.rowCount == 3)
        #expect(texts(two, "b") == ["p", inner, "q"])
        #expect(two.rowLines == [2, 3, 203])
        expectSameTable(one, two)
    }

    @Test func problemsAreTheSameOnTwoThreads() {
        var text = "id,x\n"
        for r in 0..<2000 { text += r % 150 == 7 ? "C\(r),bad\(r)\n" : "C\(r),\(r)\n" }
        let o = CSVOptions(columnKinds: ["x": .numeric])
        let one = problems(text, options: options(threads: 1, o))
        let two = problems(text, options: options(threads: 2, o))
        #expect(one.count == 14)
        #expect(one.first?.line == 9)
        #expect(one == two)
        // More than 20 problems, spread over both halves: the same first 20, and truncated.
        var many = "id,x\n"
        for r in 0..<2000 { many += r % 60 == 3 ? "C\(r),bad\(r)\n" : "C\(r),\(r)\n" }
        let serial = problems(many, options: options(threads: 1, o))
        #expect(serial.count == 20)
        #expect(serial.last?.line == 2 + 3 + 60 * 19)
        #expect(problems(many, options: options(threads: 2, o)) == serial)
        #expect(throws: DataValidationError.self) { try readCSV(many, options: options(threads: 2, o)) }
        do {
            _ = try readCSV(many, options: options(threads: 2, o))
        } catch {
            #expect(error.truncated)
        }
    }

    @Test func blankLinesAroundTheSplitKeepRowLinesRight() throws {
        // One blank line at various places, including just before and after the middle.
        let rows = (0..<400).map { "C\($0),\($0)" }
        for blankAt in [0, 100, 199, 200, 201, 202, 300, 399, 400] {
            var lines = rows
            lines.insert("", at: blankAt)
            let text = "id,x\n" + lines.joined(separator: "\n") + "\n"
            let one = try readCSV(text, options: options(threads: 1))
            let two = try readCSV(text, options: options(threads: 2))
            expectSameTable(one, two)
            let expected = blankAt >= 400 ? [] : (0..<400).map { $0 < blankAt ? $0 + 2 : $0 + 3 }
            #expect(one.rowLines == expected, "blank line at \(blankAt)")
        }
    }
}
