import Testing
@testable import HealthCal

@Suite("Panel")
struct PanelTests {
    static let good = """
        customer_id,period,churned,logins,segment
        a,2025Q2,0,3,smb
        b,2025Q1,0,5,smb
        a,2025Q1,0,4,smb
        b,2025Q2,1,1,enterprise
        a,2025Q3,no,7,smb
        c,2025Q3,Yes,2,smb
        """

    @Test func buildsAValidPanel() throws {
        let p = try Panel.make(table: makeTable(Self.good), spec: testSpec(segment: "segment"))
        #expect(p.rowCount == 6)
        #expect(p.periodLabels == ["2025Q1", "2025Q2", "2025Q3"])
        #expect(p.rowsByPeriod == [[1, 2], [0, 3], [4, 5]])
        #expect(p.outcome == [0, 0, 0, 1, 0, 1])
        #expect(p.customerID(ofRow: 3) == "b" && p.segment(ofRow: 3) == "enterprise")
        #expect(p.weights == nil && !p.hasWeights)
        #expect(Array(p.lines) == [2, 3, 4, 5, 6, 7])
        #expect(p.period(ofRow: 0)?.label == "2025Q2")
    }

    /// Rows off their usual lines (a quoted line break, a blank line) keep their own line
    /// numbers (the ones problems found later name).
    @Test func rowsKeepTheirFileLines() throws {
        let csv = "customer_id,period,churned,logins\n\"a\nx\",2025Q1,0,1\n\nb,2025Q1,1,2\nc,2025Q2,0,-3\n"
        let table = try CSVReader.read(bytes: Array(csv.utf8), source: "p.csv")
        let p = try Panel.make(table: table, spec: testSpec())
        #expect(Array(p.lines) == [2, 5, 6])
        #expect(p.lines.count == p.rowCount)
        // Regular files hold no line per row: row r is on line r + 2.
        let plain = try Panel.make(table: makeTable(Self.good), spec: testSpec())
        #expect(plain.lines == RowLines(count: 6))
        #expect(RowLines(count: 3, explicit: [2, 3, 4]) == RowLines(count: 3))  // equal lines, however held
        #expect(RowLines(count: 3, explicit: [2, 4, 5]) != RowLines(count: 3))
    }

    /// "café" with a precomposed é and with e + U+0301 are equal Swift Strings but different
    /// column names to a database: the spec must spell a column as the file does.
    @Test func columnNamesMatchCodePointForCodePoint() throws {
        let csv = "customer_id,period,churned,cafe\u{301}\na,2025Q1,0,1\nb,2025Q1,1,2\n"
        let nfc = "caf\u{E9}"
        #expect(nfc == "cafe\u{301}")  // why a plain lookup is not enough
        do {
            _ = try Panel.make(table: makeTable(csv), spec: testSpec(features: [FeatureSpec(name: nfc, type: .numeric)]))
            Issue.record("a name that differs in code points was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("U+0063 U+0061 U+0066 U+00E9") && text.contains("U+0063 U+0061 U+0066 U+0065 U+0301"), "\(text)")
            #expect(text.contains("write the name as the header does"))
        }
        // Spelled as the header does, it resolves.
        let p = try Panel.make(table: makeTable(csv), spec: testSpec(features: [FeatureSpec(name: "cafe\u{301}", type: .numeric)]))
        #expect(p.features.map(\.name) == ["cafe\u{301}"])
    }

    /// Two spellings of one value (precomposed and decomposed) in a segment or categorical column
    /// are a problem naming the line of the second, not one key in every dictionary by name.
    @Test func valuesThatDifferOnlyInNormalizationAreAProblem() throws {
        let csv = "customer_id,period,churned,plan,segment\na,2025Q1,0,caf\u{E9},smb\nb,2025Q1,1,cafe\u{301},smb\nc,2025Q1,0,pro,S\u{E9}g\nd,2025Q1,1,pro,Se\u{301}g\n"
        let spec = testSpec(features: [FeatureSpec(name: "plan", type: .categorical)], segment: "segment")
        do {
            // The reader's level dictionary is byte-based, so both spellings reach the panel.
            _ = try Panel.make(table: CSVReader.read(bytes: Array(csv.utf8), source: "panel.csv"), spec: spec)
            Issue.record("two spellings of one value were accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("panel.csv:3:4 (column \"plan\")") && text.contains("U+0063 U+0061 U+0066 U+0065 U+0301 vs U+0063 U+0061 U+0066 U+00E9"), "\(text)")
            #expect(text.contains("panel.csv:5:5 (column \"segment\")") && text.contains("differ only in Unicode normalization"), "\(text)")
        }
    }

    @Test func monthsSortChronologically() throws {
        let csv = "customer_id,period,churned,logins\na,2025-10,0,1\na,2025-09,0,1\nb,2024-12,1,1\n"
        let p = try Panel.make(table: makeTable(csv), spec: testSpec())
        #expect(p.periodLabels == ["2024-12", "2025-09", "2025-10"])
    }

    @Test func missingColumnListsWhatExistsAndSuggests() throws {
        var spec = testSpec()
        spec.data.outcome = "churnd"
        spec.features = [FeatureSpec(name: "login", type: .numeric)]
        let problems = panelProblems(makeTable(Self.good), spec)
        #expect(problems.count == 2)
        let outcome = try #require(problems.first { $0.columnName == "churnd" })
        #expect(outcome.message.contains("did you mean \"churned\"?"))
        #expect(outcome.message.contains("columns: customer_id, period, churned, logins, segment"))
        #expect(problems.contains { $0.columnName == "login" && $0.message.contains("\"logins\"") })
    }

    @Test func textInANumericFeatureNamesLineColumnAndValue() throws {
        let csv = "customer_id,period,churned,logins\na,2025Q1,0,3\nb,2025Q1,1,abc\nc,2025Q1,0,NA\n"
        let problems = panelProblems(makeTable(csv), testSpec())
        #expect(problems.count == 1)
        let p = try #require(problems.first)
        #expect(p.line == 3 && p.column == 4 && p.columnName == "logins" && p.value == "abc")
        #expect(p.description == "panel.csv:3:4 (column \"logins\"): \"abc\" — expected a number")
    }

    /// A hand-built table can hold infinities (the reader never gives one); each is reported.
    @Test func infinityInANumericFeatureIsReportedPerCell() throws {
        let csv = "customer_id,period,churned,logins,spend\na,2025Q1,0,3,inf\nb,2025Q1,1,-inf,1\nc,2025Q1,0,2,2\n"
        var spec = testSpec()
        spec.features.append(FeatureSpec(name: "spend", type: .numeric))
        let problems = panelProblems(makeTable(csv), spec)
        #expect(problems.map(\.line) == [3, 2])
        #expect(problems.map(\.columnName) == ["logins", "spend"])
        #expect(problems.allSatisfy { $0.message == "expected a finite number" })
    }

    @Test func badOutcomeValue() throws {
        let csv = "customer_id,period,churned,logins\na,2025Q1,0,3\nb,2025Q1,maybe,3\nc,2025Q1,1,3\nd,2025Q1,2,1\n"
        let problems = panelProblems(makeTable(csv), testSpec())
        #expect(problems.map(\.line) == [3, 5])
        #expect(problems[0].value == "maybe" && problems[0].columnName == "churned" && problems[0].column == 3)
        #expect(problems[0].message.contains("expected 0/1, true/false or yes/no"))
        let numeric = "customer_id,period,churned,logins\na,2025Q1,0,3\nb,2025Q1,2,3\nc,2025Q1,1,3\n"
        let p2 = panelProblems(makeTable(numeric), testSpec())
        #expect(p2.count == 1 && p2[0].value == "2" && p2[0].line == 3)
    }

    @Test func duplicateCustomerPeriodNamesBothLines() throws {
        let csv = "customer_id,period,churned,logins\na,2025Q1,0,3\nb,2025Q1,1,3\na,2025-Q1,0,4\n"
        let problems = panelProblems(makeTable(csv), testSpec())
        #expect(problems.count == 1)
        #expect(problems[0].message.contains("customer \"a\" has two rows for 2025Q1: lines 2 and 4"))
        #expect(problems[0].line == 4 && problems[0].value == "a")
    }

    @Test func rowsAfterChurn() throws {
        let csv = "customer_id,period,churned,logins\na,2025Q1,1,3\na,2025Q2,0,3\nb,2025Q1,0,3\n"
        let problems = panelProblems(makeTable(csv), testSpec())
        #expect(problems.count == 1)
        #expect(problems[0].line == 3 && problems[0].columnName == "period" && problems[0].value == "2025Q2")
        #expect(problems[0].message.contains("customer \"a\" churned in 2025Q1 (line 2)"))
    }

    @Test func bothClassesNeeded() throws {
        let csv = "customer_id,period,churned,logins\na,2025Q1,0,3\nb,2025Q1,false,3\n"
        let problems = panelProblems(makeTable(csv), testSpec())
        #expect(problems.map(\.message) == ["every row has churned = 0: a churn model needs both churners and non-churners"])
        #expect(problems[0].columnName == "churned")
    }

    @Test func mixedPeriodFormatsNameTheRow() throws {
        let csv = "customer_id,period,churned,logins\na,2025Q1,0,3\nb,2025-07,1,3\nc,2025Q7,0,1\n"
        let problems = panelProblems(makeTable(csv), testSpec())
        #expect(problems.count == 2)
        #expect(problems[0].line == 3 && problems[0].value == "2025-07")
        #expect(problems[0].message.contains("is a month but line 2 (\"2025Q1\") is a quarter"))
        #expect(problems[1].line == 4 && problems[1].value == "2025Q7")
    }

    @Test func weightsMustBePositive() throws {
        let csv = "customer_id,period,churned,logins,w\na,2025Q1,0,3,1\nb,2025Q1,1,3,0\nc,2025Q1,0,3,\n"
        let problems = panelProblems(makeTable(csv), testSpec(weight: "w"))
        #expect(problems.map(\.line) == [4, 3])
        #expect(problems.contains { $0.line == 3 && $0.value == "0" && $0.message.contains("> 0") })
    }

    @Test func atMostTwentyProblems() throws {
        var csv = "customer_id,period,churned,logins\n"
        for i in 0..<30 { csv += "c\(i),2025Q1,\(i % 2),x\(i)\n" }
        do {
            _ = try Panel.make(table: makeTable(csv), spec: testSpec())
            Issue.record("expected problems")
        } catch {
            #expect(error.problems.count == 20 && error.truncated)
        }
    }

    @Test func snapshotWithoutPeriod() throws {
        let csv = "customer_id,churned,logins\n1,0,3\n2,1,4\n1,0,5\n"
        let problems = panelProblems(makeTable(csv), testSpec(period: nil))
        #expect(problems.count == 1 && problems[0].message.contains("customer \"1\" appears twice"))
        let ok = try Panel.make(table: makeTable("customer_id,churned,logins\n1,0,3\n2,1,4\n"), spec: testSpec(period: nil))
        #expect(ok.isSnapshot && ok.customerIDs == ["1", "2"])
    }
}

@Suite("Panel features")
struct PanelFeatureTests {
    @Test func booleanAndGateAndCategoricalCells() throws {
        let csv = """
            customer_id,period,churned,sso,plan,invoices
            a,2025Q1,0,YES,1,3
            b,2025Q1,1,no,2,none
            c,2025Q1,0,sometimes,1,
            """
        var spec = testSpec(features: [FeatureSpec(name: "sso", type: .boolean), FeatureSpec(name: "plan", type: .categorical)])
        spec.bands.gate = BandOptions.Gate(column: "invoices", min: 1)
        let problems = panelProblems(makeTable(csv), spec)
        #expect(problems.count == 2)
        #expect(problems.contains { $0.line == 3 && $0.columnName == "invoices" && $0.value == "none" && $0.message == "expected a number" })
        #expect(problems.contains { $0.line == 4 && $0.columnName == "sso" && $0.value == "sometimes" })

        let fixed = csv.replacingOccurrences(of: "sometimes", with: "").replacingOccurrences(of: "none", with: "0")
        let p = try Panel.make(table: makeTable(fixed), spec: spec)
        guard case let .numeric(sso) = p.features[0].values, case let .text(plan) = p.features[1].values else {
            Issue.record("unexpected column kinds")
            return
        }
        #expect(sso[0] == 1 && sso[1] == 0 && sso[2].isNaN)
        #expect(plan.levels == ["1", "2"])   // numbers in a categorical column are labels
        #expect(p.gate?[1] == 0 && p.gate?[2].isNaN == true)
    }

    @Test func missingTokensFromTheSpecAreMissing() throws {
        let csv = "customer_id,period,churned,logins\na,2025Q1,0,N/A\nb,2025Q1,1,null\nc,2025Q1,0,4\n"
        let p = try Panel.make(table: makeTable(csv), spec: testSpec())
        guard case let .numeric(v) = p.features[0].values else { return }
        #expect(v[0].isNaN && v[1].isNaN && v[2] == 4)
    }
}

@Suite("Spec files")
struct SpecFileTests {
    @Test func loadErrorsCarryThePath() throws {
        do {
            _ = try Spec.load(path: "/nonexistent/spec.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "/nonexistent/spec.yaml")
            #expect(error.description.contains("/nonexistent/spec.yaml"))
        }
        let spec = try Spec.load(path: fixtureURL("encoding_spec.yaml").path)
        #expect(spec.features.map(\.name) == ["logins", "tickets", "plan", "has_sso"])
    }
}

@Suite("Panel band references")
struct PanelBandReferenceTests {
    @Test func perSegmentAndReferencePeriodMustExist() throws {
        let csv = "customer_id,period,churned,logins,segment\na,2025Q1,0,3,enterprise\nb,2025Q2,1,3,smb\n"
        var spec = testSpec(segment: "segment")
        spec.bands.perSegment = ["enterprize": BandOptions.defaultFixed]
        spec.bands.referencePeriod = "2025Q3"
        let problems = panelProblems(makeTable(csv), spec)
        #expect(problems.count == 2)
        #expect(problems.contains { $0.value == "enterprize" && $0.message.contains("did you mean \"enterprise\"?") })
        #expect(problems.contains { $0.value == "2025Q3" && $0.message.contains("2025Q1 to 2025Q2") })
    }
}
