import Testing
@testable import HealthCal

/// The problems reading `text` throws (empty when it reads).
func problems(_ text: String, options: CSVOptions = CSVOptions()) -> [DataProblem] {
    problems(bytes: Array(text.utf8), options: options)
}

func problems(bytes: [UInt8], options: CSVOptions = CSVOptions()) -> [DataProblem] {
    do {
        _ = try CSVReader.read(bytes: bytes, source: "p.csv", options: options)
        return []
    } catch {
        return error.problems
    }
}

@Suite struct CSVProblemTests {
    @Test func emptyFile() {
        let p = problems("")
        #expect(p.count == 1)
        #expect(p.first?.file == "p.csv")
        #expect(p.first?.line == 1)
        #expect(p.first?.message.contains("empty") == true)
        #expect(problems(bytes: [0xEF, 0xBB, 0xBF]).first?.message.contains("empty") == true)
    }

    @Test func missingHeader() {
        let blank = problems("\n1,2\n")
        #expect(blank.count == 1)
        #expect(blank.first?.line == 1)
        #expect(blank.first?.message.contains("header") == true)
        let data = problems("1,2.5,3\n4,5,6\n")
        #expect(data.count == 1)
        #expect(data.first?.message.contains("looks like data") == true)
    }

    @Test func duplicateAndEmptyHeaderNames() {
        let p = problems("id,nps,,nps\nA,1,2,3\n")
        #expect(p.count == 2)
        #expect(p[0].line == 1)
        #expect(p[0].column == 3)
        #expect(p[0].message.contains("empty column name"))
        #expect(p[1].line == 1)
        #expect(p[1].column == 4)
        #expect(p[1].columnName == "nps")
        #expect(p[1].value == "nps")
        #expect(p[1].message.contains("duplicate column name (also column 2)"))
    }

    @Test func raggedRowsSayExpectedAndFound() {
        let p = problems("a,b,c\n1,2,3\n4,5\n6,7,8,9\n")
        #expect(p.count == 2)
        #expect(p[0].line == 3)
        #expect(p[0].column == 3)
        #expect(p[0].columnName == "c")
        #expect(p[0].message == "expected 3 fields, found 2")
        #expect(p[1].line == 4)
        #expect(p[1].column == 4)
        #expect(p[1].value == "9")
        #expect(p[1].message == "expected 3 fields, found 4")
    }

    @Test func invalidUTF8NamesLineAndColumn() {
        let bytes = Array("id,seg\nA,ok\nB,".utf8) + [0x66, 0xFF, 0x6F] + Array("\n".utf8)
        let p = problems(bytes: bytes)
        #expect(p.count == 1)
        #expect(p.first?.line == 3)
        #expect(p.first?.column == 2)
        #expect(p.first?.columnName == "seg")
        #expect(p.first?.value == "f\u{FFFD}o")
        #expect(p.first?.message == "invalid UTF-8")
        let header = problems(bytes: Array("id,".utf8) + [0xC3] + Array("\n1,2\n".utf8))
        #expect(header.first?.line == 1)
        #expect(header.first?.column == 2)
        #expect(header.first?.message.contains("UTF-8") == true)
    }

    @Test func unterminatedQuoteAtEndOfFile() {
        let p = problems("id,note\nA,fine\nB,\"starts here\nand never ends\n")
        #expect(p.count == 1)
        #expect(p.first?.line == 3)
        #expect(p.first?.column == 2)
        #expect(p.first?.columnName == "note")
        #expect(p.first?.value == "starts here\nand never ends\n")
        #expect(p.first?.message.contains("not closed") == true)
    }

    @Test func textInANumericColumn() {
        let p = problems("id,nps\nA,12\nB,abc\nC,\"x,y\"\n", options: CSVOptions(columnKinds: ["nps": .numeric]))
        #expect(p.count == 2)
        #expect(p[0].file == "p.csv")
        #expect(p[0].line == 3)
        #expect(p[0].column == 2)
        #expect(p[0].columnName == "nps")
        #expect(p[0].value == "abc")
        #expect(p[0].message == "expected a number")
        #expect(p[1].line == 4)
        #expect(p[1].value == "x,y")
        #expect(p[0].description == "p.csv:3:2 (column \"nps\"): \"abc\" — expected a number")
    }

    @Test func inferredColumnHintsAtColumnKinds() {
        let p = problems("v\n1\nx\n", options: CSVOptions(inferenceRows: 1))
        #expect(p.first?.line == 3)
        #expect(p.first?.value == "x")
        #expect(p.first?.message.contains("columnKinds") == true)
    }

    @Test func nonFiniteNumbersNeverEnterAColumn() {
        let p = problems("id,x\nA,1\nB,inf\nC,-Infinity\nD,1e999\nE,NaN\n", options: CSVOptions(missingTokens: [""]))
        #expect(p.count == 4)
        #expect(p.map(\.line) == [3, 4, 5, 6])
        #expect(p.map(\.column) == [2, 2, 2, 2])
        #expect(p.map(\.columnName) == ["x", "x", "x", "x"])
        #expect(p.map(\.value) == ["inf", "-Infinity", "1e999", "NaN"])
        #expect(p[0].message.contains("finite"))
        #expect(p[2].message.contains("too large"))
        // With the default tokens NaN is a missing cell, not a problem.
        #expect(problems("x\n1\nNaN\n").isEmpty)
    }

    @Test func textAfterAClosingQuote() {
        let p = problems("a,b\n\"x\"y,1\n")
        #expect(p.count == 1)
        #expect(p.first?.line == 2)
        #expect(p.first?.column == 1)
        #expect(p.first?.message.contains("closing quote") == true)
    }

    @Test func problemLinesCountQuotedNewlines() {
        let p = problems("id,x\nA,\"multi\nline\"\nB,1\nC,oops\n", options: CSVOptions(columnKinds: ["x": .text, "id": .text]))
        #expect(p.isEmpty)
        let q = problems("id,note,x\nA,\"multi\nline\",1\nB,n,oops\n", options: CSVOptions(columnKinds: ["x": .numeric]))
        #expect(q.first?.line == 4)
        #expect(q.first?.column == 3)
    }

    @Test func atMostTwentyProblemsAreCollected() {
        let body = (0..<30).map { "r\($0),bad" }.joined(separator: "\n")
        do {
            _ = try readCSV("id,x\n" + body + "\n", options: CSVOptions(columnKinds: ["x": .numeric]))
            Issue.record("should have thrown")
        } catch {
            #expect(error.problems.count == 20)
            #expect(error.truncated)
            #expect(error.problems.first?.line == 2)
            #expect(error.problems.last?.line == 21)
        }
    }
}
