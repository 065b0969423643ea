import Foundation
import Testing
@testable import HealthCal

/// The server these tests use: `.ci/run` starts one with scripts/pg-cluster and exports
/// HEALTHCAL_TEST_PG_URL. Without it the tests that need a server are skipped (shown as skipped).
let testPostgresURL = ProcessInfo.processInfo.environment["HEALTHCAL_TEST_PG_URL"]

@Suite struct PostgresURLTests {
    @Test func parsesEveryPart() throws {
        let u = try PostgresURL("postgresql://alice:s%40cret:x@db.example:6543/warehouse")
        #expect(u.user == "alice")
        #expect(u.password == "s@cret:x")
        #expect(u.host == "db.example")
        #expect(u.port == 6543)
        #expect(u.database == "warehouse")
        #expect(u.description == "postgresql://alice@db.example:6543/warehouse")
    }

    @Test func defaultsThePortAndAllowsNoUser() throws {
        let u = try PostgresURL("postgres://localhost/x")
        #expect(u.port == 5432)
        #expect(u.user == nil)
        #expect(u.password == nil)
    }

    @Test(arguments: ["http://h/db", "postgresql://u:pw@h:99999/db", "postgresql://u:pw@h:5432", "postgresql://u:pw@:5/db",
                      "postgresql://u:pw@h/db?sslmode=require"])
    func rejectsWithoutEchoingThePassword(_ text: String) {
        #expect {
            _ = try PostgresURL(text)
        } throws: { error in
            guard let e = error as? DatabaseError else { return false }
            return e.kind == .invalidURL && !e.message.contains("pw") && e.message.contains("postgresql://USER")
        }
    }

    @Test func redactsSecretsURLsAndKeywords() {
        let text = "failed: password=hunter2 host=h; see postgresql://bob:hunter2@h/db and hunter2 and p%40ss"
        let r = DatabaseError.redact(text, secrets: ["hunter2", "p@ss"])
        #expect(!r.contains("hunter2"))
        #expect(!r.contains("p%40ss"))
        #expect(r.contains("postgresql://bob:***@h/db"))
    }

    @Test func identifierDoublesQuotes() {
        #expect(PostgresConnection.identifier(#"x"; DROP TABLE panel; --"#) == #""x""; DROP TABLE panel; --""#)
    }
}

@Suite(.enabled(if: testPostgresURL != nil, "set HEALTHCAL_TEST_PG_URL (see .ci/run) to run the PostgreSQL tests"))
struct PostgresConnectionTests {
    func connect() throws -> PostgresConnection { try PostgresConnection(PostgresURL(testPostgresURL ?? "")) }

    @Test func queryReturnsBoundParametersAndNulls() throws {
        let c = try connect()
        let rows = try c.query("SELECT $1::text, $2::int + 1, $3::text", ["a'b\"c", "41", nil])
        #expect(rows == [["a'b\"c", "42", nil]])
    }

    @Test func copyRoundTripsRows() throws {
        let c = try connect()
        try c.execute("CREATE TEMP TABLE t (a text, b double precision)")
        let input = "x,0.1\n\"y,z\",1e-300\n"
        try c.copyIn("COPY t FROM STDIN (FORMAT csv)") { send in
            try Array(input.utf8).withUnsafeBytes { try send($0) }
        }
        var out: [UInt8] = []
        try c.copyOut("COPY (SELECT * FROM t ORDER BY a) TO STDOUT (FORMAT csv)") { out.append(contentsOf: $0) }
        #expect(String(decoding: out, as: UTF8.self) == input)
    }

    @Test func missingTableHasItsKind() throws {
        let c = try connect()
        #expect {
            try c.execute("SELECT * FROM \(PostgresConnection.identifier("no such table"))")
        } throws: { ($0 as? DatabaseError)?.kind == .missingTable }
    }

    @Test func aWrongPasswordFailsWithoutEchoingIt() throws {
        var url = try PostgresURL(testPostgresURL ?? "")
        url.password = "wrong-Pa55word"
        #expect {
            _ = try PostgresConnection(url)
        } throws: { error in
            guard let e = error as? DatabaseError else { return false }
            return e.kind == .connection && !e.message.contains("wrong-Pa55word")
        }
    }
}
