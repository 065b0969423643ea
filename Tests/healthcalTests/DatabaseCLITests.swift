import Foundation
import Testing

/// `--data postgresql://...` and `healthcal load` against a real server (HEALTHCAL_TEST_PG_URL).
@Suite(.enabled(if: TestDB.url != nil, "set HEALTHCAL_TEST_PG_URL (.ci/run starts a server with scripts/pg-cluster) to run the database CLI tests"))
struct DatabaseCLITests {
    let url = TestDB.url ?? ""

    /// The sample panel loaded and read back fits to the CSV's weight file byte for byte, apart
    /// from the fingerprint and the source block.
    @Test func pulledFitIsByteIdenticalToTheCSVFit() throws {
        let table = TestDB.uniqueName()
        try TestDB.loadSample(url, table: table)
        let dir = try CLI.temporaryDirectory()
        let csvW = dir.appendingPathComponent("csv.json").path, dbW = dir.appendingPathComponent("db.json").path
        let a = try CLI.run(["fit", "--spec", TestDB.spec, "--data", TestDB.panel, "--weights-out", csvW])
        let b = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--table", table, "--weights-out", dbW])
        #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
        #expect(a.stdout == b.stdout)
        let csvText = try String(contentsOfFile: csvW, encoding: .utf8), dbText = try String(contentsOfFile: dbW, encoding: .utf8)
        #expect(TestDB.comparable(csvText) == TestDB.comparable(dbText))
        #expect(dbText.contains("\"table\" : \"\(table)\""))
        #expect(!csvText.contains("\"source\""))
        // The same rows through --query, and through backtest: the same figures.
        let q = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--query", "SELECT * FROM \(table);"])
        #expect(q.status == 0 && q.stdout == a.stdout, "\(q.stderr)")
        let bc = try CLI.run(["backtest", "--spec", TestDB.spec, "--data", TestDB.panel, "--format", "json"])
        let bd = try CLI.run(["backtest", "--spec", TestDB.spec, "--data", url, "--table", table, "--format", "json"])
        #expect(bc.status == 0 && bc.stdout == bd.stdout)
        try TestDB.psql(url, "DROP TABLE \(table)")
    }

    /// The fingerprint of a database source is the SHA-256 of the COPY text of the spec's
    /// columns (docs/database.md): recomputed here with psql's \\copy and Foundation-free hashing
    /// by sha256sum.
    @Test func theFingerprintIsTheSHA256OfTheStreamedRows() throws {
        let table = TestDB.uniqueName()
        try TestDB.loadSample(url, table: table)
        let dir = try CLI.temporaryDirectory()
        let w = dir.appendingPathComponent("w.json").path
        let fit = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--table", table, "--weights-out", w])
        #expect(fit.status == 0, "\(fit.stderr)")
        let columns = "customer_id, period, segment, churned, logins_30d, active_user_share, feature_adoption, support_tickets, nps, payment_delay_days, exec_meetings, invoice_sent, seats, plan"
        let spec = try String(contentsOfFile: TestDB.spec, encoding: .utf8)
        let features = spec.split(separator: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            return t.hasPrefix("- name: ") ? String(t.dropFirst("- name: ".count)) : nil
        }
        #expect(Set(features + ["customer_id", "period", "segment", "churned"]) == Set(columns.components(separatedBy: ", ")))
        // The documented order: id, period, segment, (weight), outcome, the band gate (here
        // invoice_sent, also a feature, selected once), then the features in spec order.
        let select = (["customer_id", "period", "segment", "churned", "invoice_sent"] + features.filter { $0 != "invoice_sent" })
            .joined(separator: ", ")
        let copy = dir.appendingPathComponent("rows.csv").path
        try TestDB.psql(url, "\\copy (SELECT \(select) FROM \(table)) TO '\(copy)' (FORMAT csv, HEADER)")
        let sum = try CLI.run(URL(fileURLWithPath: "/usr/bin/sha256sum"), [copy])
        let expected = String(sum.stdout.prefix(64))
        let weights = try String(contentsOfFile: w, encoding: .utf8)
        #expect(expected.count == 64 && weights.contains("\"input_sha256\" : \"\(expected)\""))
        try TestDB.psql(url, "DROP TABLE \(table)")
    }

    /// init and evaluate, which have no spec, read every column of a table like the CSV's.
    @Test func initAndEvaluateReadATableLikeTheCSV() throws {
        let table = TestDB.uniqueName()
        try TestDB.loadSample(url, table: table)
        let a = try CLI.run(["init", "--data", TestDB.panel])
        let b = try CLI.run(["init", "--data", url, "--table", table])
        #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
        // The first line names the source: `for notebooks-data/panel.csv` / `for table "t_..."`.
        #expect(b.stdout.hasPrefix("# healthcal spec suggested by `healthcal init` for table \"\(table)\" (13996 rows, 14 columns)."))
        #expect(a.stdout.drop(while: { $0 != "\n" }) == b.stdout.drop(while: { $0 != "\n" }))
        let args = ["--score", "seats", "--outcome", "churned", "--period", "period", "--format", "json"]
        let c = try CLI.run(["evaluate", "--data", TestDB.panel] + args)
        let d = try CLI.run(["evaluate", "--data", url, "--table", table] + args)
        #expect(c.status == 0 && d.status == 0, "\(d.stderr)")
        #expect(c.stdout == d.stdout)
        try TestDB.psql(url, "DROP TABLE \(table)")
    }

    /// score (no outcome needed) and flags read a table with the CSV's results.
    @Test func scoreAndFlagsReadATableLikeTheCSV() throws {
        let table = TestDB.uniqueName()
        try TestDB.loadSample(url, table: table)
        let dir = try CLI.temporaryDirectory()
        let w = dir.appendingPathComponent("w.json").path
        #expect(try CLI.run(["fit", "--spec", TestDB.spec, "--data", TestDB.panel, "--weights-out", w]).status == 0)
        // Scoring data without the outcome column.
        let a = try CLI.run(["score", "--weights", w, "--data", TestDB.panel])
        let b = try CLI.run(["score", "--weights", w, "--data", url, "--query", "SELECT customer_id, period, segment, plan, seats, logins_30d, active_user_share, feature_adoption, support_tickets, nps, payment_delay_days, exec_meetings, invoice_sent FROM \(table)"])
        #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
        #expect(a.stdout == b.stdout && a.stdout.count > 100_000)
        let f1 = dir.appendingPathComponent("f1"), f2 = dir.appendingPathComponent("f2")
        let c = try CLI.run(["flags", "--spec", TestDB.spec, "--data", TestDB.panel, "--out", f1.path])
        let d = try CLI.run(["flags", "--spec", TestDB.spec, "--data", url, "--table", table, "--out", f2.path])
        #expect(c.status == 0 && d.status == 0, "\(d.stderr)")
        for name in ["flags.csv", "bands.csv", "flags.json"] {
            let x = try Data(contentsOf: f1.appendingPathComponent(name)), y = try Data(contentsOf: f2.appendingPathComponent(name))
            #expect(x == y, "\(name) differs")
        }
        try TestDB.psql(url, "DROP TABLE \(table)")
    }

    @Test func loadRefusesAnExistingTableUnlessForced() throws {
        let table = TestDB.uniqueName()
        try TestDB.loadSample(url, table: table)
        let again = try CLI.run(["load", "--spec", TestDB.spec, "--data", TestDB.panel, "--to", url, "--table", table])
        #expect(again.status == 4)
        #expect(again.stderr.contains("already exists") && again.stderr.contains("--force"))
        let forced = try CLI.run(["load", "--spec", TestDB.spec, "--data", TestDB.panel, "--to", url, "--table", table, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try TestDB.psql(url, "SELECT count(*) FROM \(table)") == "13996")
        // Types from the spec.
        let types = try TestDB.psql(url, "SELECT string_agg(column_name || ':' || data_type, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = '\(table)'")
        #expect(types.hasPrefix("customer_id:text,period:text,segment:text,plan:text,seats:double precision"))
        #expect(types.hasSuffix("churned:integer"))
        try TestDB.psql(url, "DROP TABLE \(table)")
    }

    /// Two loads of one table at once: the second waits for the first (stopped here with its
    /// table created and filled, not committed) and is then refused as for any existing table,
    /// not failed on a catalog collision; with --force it replaces the first's table.
    @Test func twoLoadsOfOneTableAtOnceAreSerialized() throws {
        for force in [false, true] {
            let table = TestDB.uniqueName()
            let args = ["load", "--spec", TestDB.spec, "--data", TestDB.panel, "--to", url, "--table", table] + (force ? ["--force"] : [])
            let (first, stopped) = try OutputAtomicityTests.start(args, stop: 1)
            #expect(stopped)
            final class Second: @unchecked Sendable { var run: CLIRun?; let done = DispatchSemaphore(value: 0) }
            let second = Second()
            Thread.detachNewThread { second.run = try? CLI.run(args); second.done.signal() }
            usleep(1_500_000)   // the second is waiting by now (it parses the CSV first)
            kill(first.processIdentifier, SIGCONT)
            first.waitUntilExit()
            second.done.wait()
            let b = try #require(second.run)
            #expect(first.terminationStatus == 0)
            if force {
                #expect(b.status == 0, "\(b.stderr)")
            } else {
                #expect(b.status == 4 && b.stderr.contains("already exists"), "exit \(b.status): \(b.stderr)")
            }
            #expect(try TestDB.psql(url, "SELECT count(*) FROM \(table)") == "13996")
            try TestDB.psql(url, "DROP TABLE \(table)")
        }
    }

    /// A failed load (bad input found after the table was created) leaves nothing behind.
    @Test func aFailedLoadLeavesNoTable() throws {
        let dir = try CLI.temporaryDirectory()
        let csv = dir.appendingPathComponent("bad.csv")
        var text = try String(contentsOfFile: TestDB.panel, encoding: .utf8)
        text += "C999999,2023Q1,SMB,pro,13,15,0.524,6,5,-6,0,2,1,maybe\n"
        try text.write(to: csv, atomically: true, encoding: .utf8)
        let table = TestDB.uniqueName()
        let r = try CLI.run(["load", "--spec", TestDB.spec, "--data", csv.path, "--to", url, "--table", table])
        #expect(r.status == 2)
        #expect(r.stderr.contains("maybe"))
        #expect(try TestDB.psql(url, "SELECT to_regclass('\(table)') IS NULL") == "t")
    }

    @Test func hostileTableAndColumnNamesRunOnlyTheIntendedQuery() throws {
        let victim = TestDB.uniqueName("victim")
        try TestDB.loadSample(url, table: victim)
        let hostile = "x\"; DROP TABLE \(victim); --"
        // A hostile column name too: the nps column renamed in the CSV and the spec.
        let dir = try CLI.temporaryDirectory()
        let column = "n\"); DROP TABLE \(victim); --"
        let csv = try String(contentsOfFile: TestDB.panel, encoding: .utf8)
        let header = csv.prefix(while: { $0 != "\n" })
        let quotedColumn = "\"" + column.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        try (header.replacingOccurrences(of: ",nps,", with: ",\(quotedColumn),") + csv.drop(while: { $0 != "\n" }))
            .write(to: dir.appendingPathComponent("panel.csv"), atomically: true, encoding: .utf8)
        let spec = try String(contentsOfFile: TestDB.spec, encoding: .utf8)
            .replacingOccurrences(of: "- name: nps\n", with: "- name: 'n\"); DROP TABLE \(victim); --'\n")
        try spec.write(to: dir.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let load = try CLI.run(["load", "--spec", dir.appendingPathComponent("spec.yaml").path, "--data",
                                dir.appendingPathComponent("panel.csv").path, "--to", url, "--table", hostile])
        #expect(load.status == 0, "\(load.stderr)")
        let fit = try CLI.run(["fit", "--spec", dir.appendingPathComponent("spec.yaml").path, "--data", url, "--table", hostile])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("DROP TABLE"))  // the column's name, in the coefficient table
        #expect(try TestDB.psql(url, "SELECT count(*) FROM \(victim)") == "13996")
        // Queries that would write or run a second statement do neither.
        for query in ["SELECT * FROM \(victim); DROP TABLE \(victim)",
                      "WITH d AS (DELETE FROM \(victim) RETURNING *) SELECT * FROM d"] {
            let r = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--query", query])
            #expect(r.status != 0)
        }
        #expect(try TestDB.psql(url, "SELECT count(*) FROM \(victim)") == "13996")
        try TestDB.psql(url, "DROP TABLE \(victim); DROP TABLE \"x\"\"; DROP TABLE \(victim); --\"")
    }

    @Test func realColumnsMissingColumnsAndTablesAreNamed() throws {
        let table = TestDB.uniqueName()
        try TestDB.loadSample(url, table: table)
        try TestDB.psql(url, "ALTER TABLE \(table) ALTER COLUMN nps TYPE real")
        let real = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--table", table])
        #expect(real.status == 2)
        #expect(real.stderr.contains("\"nps\"") && real.stderr.contains("real") && real.stderr.contains("double precision"))
        try TestDB.psql(url, "ALTER TABLE \(table) DROP COLUMN nps")
        let missing = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--table", table])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("has no column \"nps\""))
        let noTable = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--table", "no_such_\(table)"])
        #expect(noTable.status == 2)
        #expect(noTable.stderr.contains("table \"no_such_\(table)\" does not exist"))
        #expect(missing.stdout.isEmpty && noTable.stdout.isEmpty)
        try TestDB.psql(url, "DROP TABLE \(table)")
    }

    /// A problem found after loading (the encoder's) names the row by id and period too, pulled
    /// or pushed down; and a value too large for the fit (its square overflows double
    /// precision) is such a problem, in the CSV, the pulled table and the database alike,
    /// instead of LAPACK refusing an infinite matrix or PostgreSQL an overflowing sum.
    @Test func encoderProblemsNameTheRowAndHugeValuesAreRefused() throws {
        let table = TestDB.uniqueName()
        try TestDB.loadSample(url, table: table)
        defer { _ = try? TestDB.psql(url, "DROP TABLE \(table)") }
        let row = "table \"\(table)\", row with id \"C000002\", period \"2023Q1\""
        try TestDB.psql(url, "UPDATE \(table) SET logins_30d = -5 WHERE customer_id = 'C000002' AND period = '2023Q1'")
        let negative = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--table", table])
        #expect(negative.status == 2 && negative.stderr.contains("\(row) (column \"logins_30d\"): \"-5\" — log1p needs values > -1"), "\(negative.stderr)")

        try TestDB.psql(url, "UPDATE \(table) SET logins_30d = 3, nps = 1e200 WHERE customer_id = 'C000002' AND period = '2023Q1'")
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("huge.csv").path
        try TestDB.psql(url, "\\copy (SELECT * FROM \(table) ORDER BY customer_id, period) TO '\(csv)' (FORMAT csv, HEADER)")
        let line = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").firstIndex { $0.hasPrefix("C000002,2023Q1,") }.map { $0 + 1 } ?? 0
        let column = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")[0].split(separator: ",").firstIndex(of: "nps").map { $0 + 1 } ?? 0
        let tooLarge = "\"1e+200\" — this value is too large for the fit"
        for (arguments, place) in [(["--data", csv], "\(csv):\(line):\(column) (column \"nps\")"),
                                   (["--data", url, "--table", table], "\(row) (column \"nps\")"),
                                   (["--data", url, "--table", table, "--in-database"], "\(row) (column \"nps\")")] {
            let r = try CLI.run(["fit", "--spec", TestDB.spec] + arguments)
            #expect(r.status == 2 && r.stderr.contains("\(place): \(tooLarge)") && r.stdout.isEmpty, "\(arguments.last ?? ""): \(r.stderr)")
        }
        // NaN and ±Infinity stored in a double precision column: the pulled panel reads NaN as a
        // missing cell (the CSV reader's token) and refuses Infinity; pushed down, both are
        // refused by name (before: a malformed query, `column "nan" does not exist`).
        try TestDB.psql(url, "UPDATE \(table) SET nps = 'NaN' WHERE customer_id = 'C000002' AND period = '2023Q1'")
        let nanPulled = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--table", table])
        let nanPushed = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--table", table, "--in-database"])
        #expect(nanPulled.status == 0, "\(nanPulled.stderr)")
        #expect(nanPushed.status == 2 && nanPushed.stderr.contains("\(row) (column \"nps\"): expected a finite number"), "\(nanPushed.stderr)")
        try TestDB.psql(url, "UPDATE \(table) SET nps = '-Infinity' WHERE customer_id = 'C000002' AND period = '2023Q1'")
        for arguments in [["--table", table], ["--table", table, "--in-database"]] {
            let r = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url] + arguments)
            #expect(r.status == 2 && r.stderr.contains("\(row) (column \"nps\")") && r.stderr.contains("expected a finite number"), "\(r.stderr)")
        }
        // Just inside the limit the fit runs (the column, not standardized in this spec, enters the design as is).
        try TestDB.psql(url, "UPDATE \(table) SET nps = 1e150 WHERE customer_id = 'C000002' AND period = '2023Q1'")
        let inside = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--table", table, "--in-database"])
        #expect(!inside.stderr.contains("too large"), "\(inside.stderr)")
    }

    /// A bad cell names the table, the row's id and period, and the column (not a line).
    @Test func aBadRowIsNamedByIdAndPeriod() throws {
        let table = TestDB.uniqueName()
        try TestDB.loadSample(url, table: table)
        try TestDB.psql(url, "UPDATE \(table) SET churned = 7 WHERE customer_id = 'C000002' AND period = '2023Q1'")
        let r = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--table", table])
        #expect(r.status == 2)
        #expect(r.stderr.contains("table \"\(table)\", row with id \"C000002\", period \"2023Q1\" (column \"churned\"): \"7\""), "\(r.stderr)")
        try TestDB.psql(url, "DROP TABLE \(table)")
    }

    @Test func aPasswordInTheURLPGPASSWORDOrPgpassWorksAndNeverShows() throws {
        let table = TestDB.uniqueName()
        try TestDB.loadSample(url, table: table)
        let role = TestDB.uniqueName("role"), secret = "S3cr3t-\(UUID().uuidString.prefix(6))"
        try TestDB.psql(url, "CREATE ROLE \(role) LOGIN PASSWORD '\(secret)'; GRANT SELECT ON \(table) TO \(role)")
        defer { _ = try? TestDB.psql(url, "DROP TABLE \(table); DROP ROLE \(role)") }
        let dir = try CLI.temporaryDirectory()
        let withPassword = TestDB.url(url, user: role, password: secret)
        let noPassword = TestDB.url(url, user: role, password: nil)

        // In the URL: fit with a weight file, and the whole quarterly job with its folder.
        let fit = try CLI.run(["fit", "--spec", TestDB.spec, "--data", withPassword, "--table", table,
                               "--weights-out", dir.appendingPathComponent("w.json").path])
        #expect(fit.status == 0, "\(fit.stderr)")
        let out = dir.appendingPathComponent("run")
        let recal = try CLI.run(["recalibrate", "--spec", TestDB.spec, "--data", withPassword, "--table", table,
                                 "--out", out.path, "--champion", dir.appendingPathComponent("w.json").path])
        #expect(recal.status == 0, "\(recal.stderr)")
        let written = TestDB.allText(under: dir)
        #expect(written.contains("metrics"))  // the folder was read
        for text in [fit.stdout, fit.stderr, recal.stdout, recal.stderr, written] { #expect(!text.contains(secret)) }

        // PGPASSWORD, and a .pgpass file (PGPASSFILE), with no password in the URL.
        let env = try CLI.run(["fit", "--spec", TestDB.spec, "--data", noPassword, "--table", table], environment: ["PGPASSWORD": secret])
        #expect(env.status == 0, "\(env.stderr)")
        let pgpass = dir.appendingPathComponent("pgpass")
        try "*:*:*:\(role):\(secret)\n".write(to: pgpass, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: pgpass.path)
        let file = try CLI.run(["fit", "--spec", TestDB.spec, "--data", noPassword, "--table", table],
                               environment: ["PGPASSFILE": pgpass.path, "PGPASSWORD": nil])
        #expect(file.status == 0, "\(file.stderr)")
        #expect(env.stdout == fit.stdout && file.stdout == fit.stdout)

        // A wrong password, in each place: exit 5, and the password is not in the message.
        let wrong = "Wr0ng-\(UUID().uuidString.prefix(6))"
        let runs = [try CLI.run(["fit", "--spec", TestDB.spec, "--data", TestDB.url(url, user: role, password: wrong), "--table", table]),
                    try CLI.run(["fit", "--spec", TestDB.spec, "--data", noPassword, "--table", table], environment: ["PGPASSWORD": wrong])]
        for r in runs {
            #expect(r.status == 5)
            #expect(r.stderr.contains("cannot connect") && r.stderr.contains("password authentication failed"))
            #expect(!r.stderr.contains(wrong) && !r.stdout.contains(wrong))
        }
    }

    @Test func aRoleWithoutSelectGetsAPermissionError() throws {
        let table = TestDB.uniqueName()
        try TestDB.loadSample(url, table: table)
        let role = TestDB.uniqueName("role")
        try TestDB.psql(url, "CREATE ROLE \(role) LOGIN PASSWORD 'pw-\(role)'")
        defer { _ = try? TestDB.psql(url, "DROP TABLE \(table); DROP ROLE \(role)") }
        let r = try CLI.run(["fit", "--spec", TestDB.spec, "--data", TestDB.url(url, user: role, password: "pw-\(role)"), "--table", table])
        #expect(r.status == 5)
        #expect(r.stderr.contains("permission denied"))
        #expect(r.stdout.isEmpty)
    }

    @Test func aServerThatIsNotThereGetsAConnectionError() throws {
        // A port nothing listens on: bind one, note it, close it.
        let port = try freePort()
        let dead = TestDB.url(url, user: "healthcal", password: "not-shown-123").replacingOccurrences(
            of: #":\d+/"#, with: ":\(port)/", options: .regularExpression)
        let r = try CLI.run(["fit", "--spec", TestDB.spec, "--data", dead, "--table", "panel"])
        #expect(r.status == 5)
        #expect(r.stderr.contains("cannot connect to postgresql://healthcal@127.0.0.1:\(port)/"))
        #expect(!r.stderr.contains("not-shown-123"))
        let badURL = try CLI.run(["fit", "--spec", TestDB.spec, "--data", "postgresql://u:not-shown-123@h:0/db", "--table", "t"])
        #expect(badURL.status == 64)
        #expect(!badURL.stderr.contains("not-shown-123"))
    }

    /// The backend is terminated (pg_terminate_backend from another connection) while the COPY
    /// streams: a clear message, exit 5, and no weight file.
    @Test func aServerGoneMidRunLeavesNoOutput() throws {
        let dir = try CLI.temporaryDirectory()
        let weights = dir.appendingPathComponent("w.json")
        let app = "hc_gone_\(UUID().uuidString.prefix(6))"
        // Endless-enough rows of the spec's shape, generated by the server.
        let query = """
            SELECT 'C' || g AS customer_id, '2023Q1' AS period, 'SMB' AS segment, 'pro' AS plan, 1.0::float8 AS seats,
                   1.0::float8 AS logins_30d, 0.5::float8 AS active_user_share, 1.0::float8 AS feature_adoption,
                   1.0::float8 AS support_tickets, 0.0::float8 AS nps, 0.0::float8 AS payment_delay_days,
                   0.0::float8 AS exec_meetings, 1.0::float8 AS invoice_sent, (g % 2)::int AS churned, '\(app)' AS tag
              FROM generate_series(1, 200000000) AS g
            """
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["fit", "--spec", TestDB.spec, "--data", url, "--query", query, "--weights-out", weights.path]
        process.currentDirectoryURL = CLI.root
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        // Wait until its COPY runs, then end that backend from here.
        var terminated = false
        for _ in 0..<200 where !terminated {
            Thread.sleep(forTimeInterval: 0.05)
            let n = try TestDB.psql(url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'COPY%\(app)%' AND pid <> pg_backend_pid()")
            terminated = n != "0"
        }
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(terminated)
        #expect(process.terminationStatus == 5, "\(stderr)")
        #expect(stderr.contains("lost the connection"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: weights.path))
    }

    func freePort() throws -> Int {
        let r = try CLI.run(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"])
        return Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1
    }
}

/// `load --shard-by` on the 2-shard coordinator (HEALTHCAL_TEST_PG_CLUSTER_URL).
@Suite(.serialized, .enabled(if: TestDB.clusterURL != nil, "set HEALTHCAL_TEST_PG_CLUSTER_URL (.ci/run starts a 2-shard scripts/pg-cluster) to run the sharded tests"))
struct ShardedLoadCLITests {
    let url = TestDB.clusterURL ?? ""

    @Test func shardedLoadKeepsEachCustomerOnOneShardAndFitsLikeTheCSV() throws {
        let table = TestDB.uniqueName()
        let load = try CLI.run(["load", "--spec", TestDB.spec, "--data", TestDB.panel, "--to", url, "--table", table,
                                "--shard-by", "customer_id", "--format", "json"])
        #expect(load.status == 0, "\(load.stderr)")
        // Two foreign partitions, one per shard server, each holding rows.
        let parts = try TestDB.psql(url, """
            SELECT string_agg(s.srvname, ',' ORDER BY s.srvname) FROM pg_inherits i
              JOIN pg_foreign_table f ON f.ftrelid = i.inhrelid JOIN pg_foreign_server s ON s.oid = f.ftserver
             WHERE i.inhparent = '\(table)'::regclass
            """)
        #expect(parts == "shard_0,shard_1")
        let perShard = try TestDB.psql(url, "SELECT string_agg(n::text, ',' ORDER BY t) FROM (SELECT tableoid::regclass::text AS t, count(*) AS n FROM \(table) GROUP BY 1) x")
        let counts = perShard.split(separator: ",").compactMap { Int($0) }
        #expect(counts.count == 2 && counts.allSatisfy { $0 > 0 } && counts.reduce(0, +) == 13996)
        let split = try TestDB.psql(url, "SELECT count(*) FROM (SELECT customer_id FROM \(table) GROUP BY 1 HAVING count(DISTINCT tableoid) > 1) x")
        #expect(split == "0")

        // The fit read through the coordinator: same coefficients and standard errors as the
        // CSV's within 1e-12 (the rows arrive shard by shard, so sums are added in another order).
        let a = try CLI.run(["fit", "--spec", TestDB.spec, "--data", TestDB.panel, "--format", "json"])
        let b = try CLI.run(["fit", "--spec", TestDB.spec, "--data", url, "--table", table, "--format", "json"])
        #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
        func figures(_ s: String) throws -> [Double] {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])
            let fit = try #require(json["fit"] as? [String: Any])
            return try #require(fit["coefficients"] as? [Double]) + (try #require(fit["standard_errors"] as? [Double]))
        }
        let x = try figures(a.stdout), y = try figures(b.stdout)
        #expect(x.count == y.count && x.count > 10)
        let worst = zip(x, y).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? .infinity
        #expect(worst < 1e-12, "max scaled difference \(worst)")

        // Again without --force: refused; with it: replaced, shards included.
        let again = try CLI.run(["load", "--spec", TestDB.spec, "--data", TestDB.panel, "--to", url, "--table", table, "--shard-by", "customer_id"])
        #expect(again.status == 4)
        let forced = try CLI.run(["load", "--spec", TestDB.spec, "--data", TestDB.panel, "--to", url, "--table", table, "--shard-by", "customer_id", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try TestDB.psql(url, "SELECT count(*) FROM \(table)") == "13996")
        TestDB.drop(url, table: table)
    }
    /// The prepared transactions of healthcal's loads on both shards (sorted).
    func preparedLoads() throws -> [String] {
        try (0..<2).flatMap { i in
            try TestDB.psql(url, "SELECT gid FROM dblink('shard_\(i)', 'SELECT gid FROM pg_prepared_xacts WHERE gid LIKE ''healthcal_load_%''') AS t(gid text)")
                .split(separator: "\n").map(String.init)
        }.sorted()
    }

    /// A sharded load killed (SIGKILL) in its two-phase window leaves each shard's part prepared;
    /// the next sharded load to the coordinator, whatever its table, finishes them as the
    /// coordinator's commit decided. Stopped after the shards' PREPARE, before the coordinator's
    /// COMMIT: rolled back, so the name is free again (before, creating it on a shard would wait
    /// forever on the prepared part). Stopped after the coordinator's COMMIT: committed, so the
    /// table, unreadable before (its shards' parts invisible), holds every row.
    @Test(arguments: [1, 2])
    func aLoadKilledInItsTwoPhaseWindowIsFinishedByTheNext(_ stop: Int) throws {
        let table = TestDB.uniqueName(), other = TestDB.uniqueName()
        defer { TestDB.drop(url, table: table); TestDB.drop(url, table: other) }
        let args = ["load", "--spec", TestDB.spec, "--data", TestDB.panel, "--to", url, "--table", table, "--shard-by", "customer_id"]
        let (process, stopped) = try OutputAtomicityTests.start(args, stop: stop)
        #expect(stopped, "the load never reached its two-phase window")
        guard stopped else { process.waitUntilExit(); return }
        let inDoubt = try preparedLoads()
        #expect(inDoubt.count >= 2, "\(inDoubt)")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        if stop == 2 {
            // Unreadable while its parts are prepared (unless another test's sharded load, which
            // finishes them too, ran in between).
            let readable = (try? TestDB.psql(url, "SELECT count(*) FROM \(table)")) != nil
            #expect(try !readable || preparedLoads().allSatisfy { !inDoubt.contains($0) })
        }
        let next = try CLI.run(["load", "--spec", TestDB.spec, "--data", TestDB.panel, "--to", url, "--table", other, "--shard-by", "customer_id"])
        #expect(next.status == 0, "\(next.stderr)")
        let left = try preparedLoads()
        #expect(inDoubt.allSatisfy { !left.contains($0) }, "still prepared: \(left)")
        if stop == 2 {
            #expect(try TestDB.psql(url, "SELECT count(*) FROM \(table)") == "13996")
        } else {
            #expect(try TestDB.psql(url, "SELECT to_regclass('\(table)') IS NULL") == "t")
            // Bounded: left prepared, the shard's CREATE TABLE would wait for ever.
            let again = try CLI.run(URL(fileURLWithPath: "/usr/bin/timeout"), ["120", CLI.executable.path] + args, cwd: CLI.root)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try TestDB.psql(url, "SELECT count(*) FROM \(table)") == "13996")
        }
    }

    /// SIGTERM (or Ctrl-C) in the two-phase window waits for it: the load ends whole, with
    /// nothing left prepared, and exits 143.
    @Test func aSignalInTheTwoPhaseWindowWaitsForTheCommit() throws {
        let table = TestDB.uniqueName()
        defer { TestDB.drop(url, table: table) }
        let args = ["load", "--spec", TestDB.spec, "--data", TestDB.panel, "--to", url, "--table", table, "--shard-by", "customer_id"]
        let (process, stopped) = try OutputAtomicityTests.start(args, stop: 1)
        #expect(stopped)
        let inDoubt = try preparedLoads()
        kill(process.processIdentifier, SIGTERM)
        kill(process.processIdentifier, SIGCONT)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && [0, 143].contains(process.terminationStatus), "exit \(process.terminationStatus)")
        #expect(try TestDB.psql(url, "SELECT count(*) FROM \(table)") == "13996")
        let left = try preparedLoads()
        #expect(inDoubt.allSatisfy { !left.contains($0) }, "still prepared: \(left)")
    }
    /// A load stopped after the coordinator's COMMIT whose parts another load finishes meanwhile
    /// (as `finishInDoubt` does for a load it cannot tell from a stopped one) still ends well:
    /// its COMMIT PREPARED finds nothing left to commit, which is success, not an error.
    @Test func aLoadWhosePartsAnotherLoadFinishedEndsWell() throws {
        let table = TestDB.uniqueName(), other = TestDB.uniqueName()
        defer { TestDB.drop(url, table: table); TestDB.drop(url, table: other) }
        let args = ["load", "--spec", TestDB.spec, "--data", TestDB.panel, "--to", url, "--table", table, "--shard-by", "customer_id"]
        let (process, stopped) = try OutputAtomicityTests.start(args, stop: 2)
        #expect(stopped)
        guard stopped else { process.waitUntilExit(); return }
        let inDoubt = try preparedLoads()
        let next = try CLI.run(["load", "--spec", TestDB.spec, "--data", TestDB.panel, "--to", url, "--table", other, "--shard-by", "customer_id"])
        #expect(next.status == 0 && next.stderr.contains("committed shard_0's part"), "\(next.stderr)")
        kill(process.processIdentifier, SIGCONT)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "exit \(process.terminationStatus)")
        #expect(try TestDB.psql(url, "SELECT count(*) FROM \(table)") == "13996")
        #expect(try preparedLoads().allSatisfy { !inDoubt.contains($0) })
    }
}


