import Testing
import TestSupport
@testable import HealthCal
#if canImport(Glibc)
import Glibc
#endif

func readCSV(_ text: String, options: CSVOptions = CSVOptions()) throws(DataValidationError) -> Table {
    try CSVReader.read(bytes: Array(text.utf8), source: "t.csv", options: options)
}

func numbers(_ table: Table, _ name: String) -> [Double] {
    guard let c = table.index(of: name), case .numeric(let values) = table.columns[c] else { return [] }
    return values
}

func texts(_ table: Table, _ name: String) -> [String?] {
    guard let c = table.index(of: name), case .text(let column) = table.columns[c] else { return [] }
    return (0..<table.rowCount).map { column.value(at: $0) }
}

/// Compares numbers bit for bit, so NaN (a missing cell) equals NaN and -0 differs from 0.
func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
}

/// Two reads of the same data agree exactly: names, rows, row lines, numbers bit for bit and
/// text codes and levels.
func expectSameTable(_ a: Table, _ b: Table, _ note: String = "") {
    #expect(a.names == b.names, "\(note)")
    #expect(a.rowCount == b.rowCount, "\(note)")
    #expect(a.rowLines == b.rowLines, "\(note)")
    for (x, y) in zip(a.columns, b.columns) {
        switch (x, y) {
        case (.numeric(let u), .numeric(let v)): #expect(sameBits(u, v), "\(note)")
        case (.text(let u), .text(let v)): #expect(u == v, "\(note)")
        default: Issue.record("column kinds differ \(note)")
        }
    }
}

@Suite struct CSVReaderTests {
    @Test func readsNumbersAndTextWithInferredKinds() throws {
        let t = try readCSV("id,score,segment\nC1,0.5,smb\nC2, 3 ,ent\nC1,1e-5,smb\n")
        #expect(t.names == ["id", "score", "segment"])
        #expect(t.rowCount == 3)
        #expect(numbers(t, "score") == [0.5, 3, 1e-5])
        #expect(texts(t, "id") == ["C1", "C2", "C1"])
        guard case .text(let segment) = t.columns[2] else { Issue.record("segment should be text"); return }
        #expect(segment.levels == ["smb", "ent"])
        #expect(segment.codes == [0, 1, 0])
        #expect(t.rowLines.isEmpty)
        #expect(t.line(ofRow: 2) == 4)
    }

    @Test func quotedFieldsHoldDelimitersDoubledQuotesAndNewlines() throws {
        let t = try readCSV("name,note,x\n\"Smith, J\",\"said \"\"hi\"\"\",1\n\"a\",\"two\nlines\",2\nb,c,3\n")
        #expect(texts(t, "name") == ["Smith, J", "a", "b"])
        #expect(texts(t, "note") == ["said \"hi\"", "two\nlines", "c"])
        #expect(numbers(t, "x") == [1, 2, 3])
        // The second row's quoted field spans lines 3-4, so the third row starts on line 5.
        #expect(t.rowLines == [2, 3, 5])
        #expect(t.line(ofRow: 2) == 5)
    }

    @Test func quotedNumbersAreNumbers() throws {
        let t = try readCSV("x\n\"1.5\"\n\" 2 \"\n")
        #expect(numbers(t, "x") == [1.5, 2])
    }

    @Test func crlfAndLoneCRLineEndings() throws {
        let t = try readCSV("a,b\r\n1,x\r\n2,\"y\r\nz\"\r\n3,w")
        #expect(numbers(t, "a") == [1, 2, 3])
        #expect(texts(t, "b") == ["x", "y\r\nz", "w"])
        #expect(t.rowLines == [2, 3, 5])
        let cr = try readCSV("a\r1\r2\r")
        #expect(numbers(cr, "a") == [1, 2])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let t = try CSVReader.read(bytes: [0xEF, 0xBB, 0xBF] + Array("id,x\nA,1\n".utf8), source: "bom.csv")
        #expect(t.names == ["id", "x"])
        #expect(numbers(t, "x") == [1])
    }

    @Test func delimiterOption() throws {
        let t = try readCSV("a;b\n1,5;x\n2;\"y;z\"\n", options: CSVOptions(delimiter: UInt8(ascii: ";")))
        #expect(texts(t, "a") == ["1,5", "2"])
        #expect(texts(t, "b") == ["x", "y;z"])
        let tab = try readCSV("a\tb\n1\t2\n", options: CSVOptions(delimiter: UInt8(ascii: "\t")))
        #expect(numbers(tab, "b") == [2])
    }

    @Test func missingTokensAreCaseInsensitiveAndTrimmed() throws {
        let t = try readCSV("x,s\n1,a\nNA,na\n n/a ,N/A\nNULL,null\nnan,NaN\n   ,\n,b\n")
        let x = numbers(t, "x")
        #expect(x.count == 7)
        #expect(x[0] == 1)
        #expect(x.dropFirst().allSatisfy { $0.isNaN })
        #expect(texts(t, "s") == ["a", nil, nil, nil, nil, nil, "b"])
        let custom = try readCSV("x\n-999\n1\n", options: CSVOptions(missingTokens: ["-999"]))
        #expect(sameBits(numbers(custom, "x"), [.nan, 1]))
    }

    @Test func inferenceLooksAtTheFirstRowsAndColumnKindsOverride() throws {
        let t = try readCSV("zip,v,empty\n00123,1,\n00456,x,\n")
        guard case .numeric = t.columns[0], case .text = t.columns[1], case .numeric = t.columns[2] else {
            Issue.record("kinds: \(t.columns)"); return
        }
        let asText = try readCSV("zip,v\n00123,1\n", options: CSVOptions(columnKinds: ["zip": .text]))
        #expect(texts(asText, "zip") == ["00123"])
        // With one inference row, row 2's text is an error in a column inferred numeric.
        #expect(throws: DataValidationError.self) {
            try readCSV("v\n1\nx\n", options: CSVOptions(inferenceRows: 1))
        }
        let wide = try readCSV("v\n1\nx\n", options: CSVOptions(inferenceRows: 2))
        #expect(texts(wide, "v") == ["1", "x"])
    }

    @Test func headerOnlyGivesAnEmptyTable() throws {
        let t = try readCSV("a,b\n")
        #expect(t.rowCount == 0)
        #expect(t.names == ["a", "b"])
        #expect(numbers(t, "a") == [])
        let noNewline = try readCSV("a,b")
        #expect(noNewline.rowCount == 0)
    }

    @Test func aHeaderNameSpanningLinesShiftsRowLines() throws {
        let t = try readCSV("id,\"net\npromoter\"\nA,1\nB,2\n")
        #expect(t.names == ["id", "net\npromoter"])
        #expect(t.rowLines == [3, 4])
        let p = problems("id,\"net\npromoter\"\nA,1\nB,x\n", options: CSVOptions(columnKinds: ["net\npromoter": .numeric]))
        #expect(p.first?.line == 4)
    }

    @Test func blankLinesAreSkippedAndLinesStayRight() throws {
        let t = try readCSV("a\n1\n\n2\n")
        #expect(numbers(t, "a") == [1, 2])
        #expect(t.line(ofRow: 1) == 4)
    }

    @Test func unicodeTextIsKept() throws {
        let t = try readCSV("name\nZoë\n東京\nZoë\n")
        #expect(texts(t, "name") == ["Zoë", "東京", "Zoë"])
    }

    @Test func readsFromAPath() throws {
        let path = "/tmp/healthcal-csv-test-\(UInt64.random(in: 0...UInt64.max)).csv"
        let text = "a,b\n1,x\n"
        guard let f = fopen(path, "w") else { Issue.record("cannot create \(path)"); return }
        fputs(text, f)
        fclose(f)
        defer { remove(path) }
        let t = try CSVReader.read(path: path)
        #expect(t.source == path)
        #expect(numbers(t, "a") == [1])
        #expect(throws: DataValidationError.self) { try CSVReader.read(path: path + ".absent") }
    }

    @Test func specialFilesAreReadWithoutMapping() {
        // /dev/null cannot be mapped; the read() fallback finds it empty.
        do {
            _ = try CSVReader.read(path: "/dev/null")
            Issue.record("an empty file must be a problem")
        } catch {
            #expect(error.problems.first?.file == "/dev/null")
            #expect(error.problems.first?.message.contains("empty") == true)
        }
    }
}

@Suite struct CSVOddDelimiterTests {
    @Test func delimiterThatCouldBePartOfANumber() throws {
        let t = try readCSV("a.b\n1.5\n", options: CSVOptions(delimiter: UInt8(ascii: ".")))
        #expect(numbers(t, "a") == [1])
        #expect(numbers(t, "b") == [5])
    }

    @Test func numbersFollowedByTextAreStillReported() {
        let p = problems("x,y\n12abc,1\n1e999,2\n3 ,4\n", options: CSVOptions(columnKinds: ["x": .numeric]))
        #expect(p.map(\.line) == [2, 3])
        #expect(p.map(\.value) == ["12abc", "1e999"])
    }
}
