import Testing
@testable import HealthCal

@Suite("QuickDesign")
struct QuickDesignTests {
    static let csv = """
        id,x,plan,churned
        1,0.5,pro,0
        2,1.5,basic,yes
        3,,pro,no
        4,2.5,gold,1
        5,3.5,,0
        """

    @Test func treatmentCodingAgainstTheFirstLevel() throws {
        let q = try QuickDesign.make(table: makeTable(Self.csv), outcome: "churned", id: "id", missing: .drop)
        // Kept rows 0, 1, 3; levels among them: basic, gold, pro -> basic is the reference,
        // the same columns R's glm(churned ~ x + plan) or patsy would build.
        #expect(q.design.names == ["const", "x", "plan=gold", "plan=pro"])
        #expect(q.rows == [0, 1, 3] && q.dropped == 2)
        #expect(q.y == [0, 1, 1])
        let rows = (0..<3).map { i in (0..<4).map { q.design.x[i, $0] } }
        #expect(rows == [[1, 0.5, 0, 1], [1, 1.5, 0, 0], [1, 2.5, 1, 0]])
    }

    @Test func errorPolicyNamesEveryIncompleteRow() throws {
        do {
            _ = try QuickDesign.make(table: makeTable(Self.csv), outcome: "churned", id: "id")
            Issue.record("expected problems")
        } catch {
            #expect(error.problems.map(\.line) == [4, 6])
            #expect(error.problems.map(\.columnName) == ["x", "plan"])
        }
    }

    @Test func badOutcomeAndUnknownFeature() throws {
        let bad = "id,x,churned\n1,1,0\n2,2,perhaps\n"
        do {
            _ = try QuickDesign.make(table: makeTable(bad), outcome: "churned")
            Issue.record("expected problems")
        } catch {
            #expect(error.problems.count == 1 && error.problems[0].value == "perhaps" && error.problems[0].line == 3)
        }
        do {
            _ = try QuickDesign.make(table: makeTable(Self.csv), outcome: "churned", features: ["xx"])
            Issue.record("expected problems")
        } catch {
            #expect(error.problems[0].message.contains("did you mean \"x\"?"))
        }
    }
}
