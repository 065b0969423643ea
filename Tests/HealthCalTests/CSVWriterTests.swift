import Testing
@testable import HealthCal

/// CSV written for spreadsheets: formula cells defused, RFC 4180 quoting, parsed back.
@Suite struct CSVWriterTests {
    /// A strict RFC 4180 parser for the round trip (independent of the writer's code).
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var inQuotes = false, afterQuote = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { inQuotes = false; afterQuote = true }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote: inQuotes = true
            case ",": record.append(field); field = ""; afterQuote = false
            case "\r\n", "\n":
                record.append(field); records.append(record); record = []; field = ""; afterQuote = false
            default: field.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    @Test func formulaCellsArePrefixedWithAQuote() {
        #expect(CSVWriter.field(.text("=HYPERLINK(\"http://evil\",\"x\")")) == "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"")
        #expect(CSVWriter.field(.text("-1+2")) == "'-1+2")
        #expect(CSVWriter.field(.text("+1")) == "'+1")
        #expect(CSVWriter.field(.text("@SUM(A1:A2)")) == "'@SUM(A1:A2)")
        #expect(CSVWriter.field(.text("\tx")) == "'\tx")
        #expect(CSVWriter.field(.text("\rx")) == "\"'\rx\"")
        #expect(CSVWriter.field(.text("a=b")) == "a=b")  // only a leading trigger matters
        // Numbers are typed, so a negative contribution stays a number.
        #expect(CSVWriter.field(.number(-0.5, decimals: 4)) == "-0.5000")
        #expect(CSVWriter.field(.number(-3)) == "-3")
        #expect(CSVWriter.field(.number(.nan)) == "")
    }

    @Test func quotingOfCommasQuotesAndNewlines() {
        #expect(CSVWriter.field(.text("plain")) == "plain")
        #expect(CSVWriter.field(.text("a,b")) == "\"a,b\"")
        #expect(CSVWriter.field(.text("say \"hi\"")) == "\"say \"\"hi\"\"\"")
        #expect(CSVWriter.field(.text("two\nlines")) == "\"two\nlines\"")
        #expect(CSVWriter.field(.text("")) == "")
    }

    /// "\r\n" is one Character and "=" with a combining mark is one too: the rule looks at
    /// Unicode scalars, so such cells are still quoted and defused.
    @Test func cellsAreCheckedScalarByScalar() {
        for (cell, expected) in [("two\r\nlines", "\"two\r\nlines\""), ("=\u{301}SUM(A1)", "'=\u{301}SUM(A1)"),
                                 ("+\u{20DD}1", "'+\u{20DD}1"), ("e\u{301},x", "\"e\u{301},x\"")] {
            #expect(CSVWriter.field(.text(cell)).unicodeScalars.elementsEqual(expected.unicodeScalars), "\(cell.debugDescription)")
        }
        // A separator of one scalar with a combining mark after it in the cell is still a separator.
        #expect(CSVWriter.field(.text("a;\u{301}b"), separator: ";") == "\"a;\u{301}b\"")
        // Written through the row path, a CRLF inside a cell stays inside its quoted field.
        var w = CSVWriter()
        w.row([.text("id"), .text("note")])
        w.row([.text("C1"), .text("first\r\nsecond")])
        let back = Self.parse(w.text)
        #expect(back.count == 2 && back.allSatisfy { $0.count == 2 })
        #expect(back.last?.last == "first\r\nsecond")
    }

    @Test func fixedDecimalsRoundHalfAwayFromZero() {
        #expect(CSVWriter.format(2.345, decimals: 2) == "2.35" || CSVWriter.format(2.345, decimals: 2) == "2.34")  // 2.345 is 2.34499… in binary
        #expect(CSVWriter.format(0.125, decimals: 2) == "0.13")  // exact in binary
        #expect(CSVWriter.format(-0.125, decimals: 2) == "-0.13")
        #expect(CSVWriter.format(-0.0001, decimals: 2) == "0.00")
        #expect(CSVWriter.format(99.995, decimals: 1) == "100.0")
        #expect(CSVWriter.format(7, decimals: 0) == "7")
    }

    @Test func roundTripThroughAnRFC4180Parser() {
        let nasty = ["=HYPERLINK(\"http://x\",\"y\")", "-1+2", "@SUM(A1)", "a,b", "q\"uote", "multi\nline", "ok"]
        var w = CSVWriter()
        w.row(["customer", "score"])
        for (k, id) in nasty.enumerated() { w.row([.text(id), .number(Double(k) - 2.5, decimals: 1)]) }
        let back = Self.parse(w.text)
        #expect(back.count == nasty.count + 1)
        #expect(back.allSatisfy { $0.count == 2 })
        let ids = back.dropFirst().map { $0[0] }
        // The formula-looking ids come back with the defusing quote, everything else verbatim.
        #expect(ids == ["'=HYPERLINK(\"http://x\",\"y\")", "'-1+2", "'@SUM(A1)", "a,b", "q\"uote", "multi\nline", "ok"])
        #expect(back.dropFirst().map { $0[1] } == ["-2.5", "-1.5", "-0.5", "0.5", "1.5", "2.5", "3.5"])
    }

    /// A flag on a customer whose id is a formula: flags.csv defuses it and still parses into
    /// one row with as many fields as the header.
    @Test func flagsCSVDefusesCustomerIDs() throws {
        var csv = "customer_id,period,logins,churned\n"
        csv += "=HYPERLINK(\"http://evil\";\"x\"),2024Q1,1,1\n"
        csv += "@SUM(A1),2024Q1,1,0\n-1+2,2024Q1,1,0\n"
        let panel = try Panel.make(table: makeTable(csv), spec: testSpec())
        let scored = try ScoredPanel.make(panel: panel, rows: [0, 1, 2], fold: [0, 0, 0], probability: [0.01, 0.5, 0.9],
                                          options: BandOptions(scheme: .fixed))
        let report = FlagDetection.run(scored: scored, panel: panel, models: [], options: FlagOptions())
        #expect(report.flags.count == 1)
        let rows = Self.parse(report.flagsCSV())
        #expect(rows.count == 2 && rows[0].count == rows[1].count)
        #expect(rows[1][0] == "false_healthy_churner")
        #expect(rows[1][1] == "'=HYPERLINK(\"http://evil\";\"x\")")
        #expect(rows[1][6] == "99.00")
    }
}
