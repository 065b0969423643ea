import Foundation
import TestSupport
@testable import HealthCal

/// Synthetic panels for the export and conformance tests, built in code (no CSV reader), with
/// names that can be made hostile to SQL, XML and CSV.
struct ExportFixture {
    var id = "customer_id"
    var usage = "usage"
    var tickets = "tickets"
    var plan = "plan"
    var sso = "has_sso"
    var tier = "tier"
    var gate = "invoices"
    /// Category levels of `plan` (index 3 and 4 are rare, so they pool into "(other)").
    var levels = ["basic", "pro", "enterprise", "legacy", "trial"]
    var idPrefix = "C"
    /// `usage` and `tickets` as restricted cubic splines (4 and 3 knots; tickets' linear term
    /// standardized): the spline conformance tests.
    var splines = false

    static let hostile = ExportFixture(
        id: "cust\"id'<;--\nx", usage: "us\"age'<b>;--\n", tickets: "=tickets,\"1\"", plan: "pl\"an'<&;--\r\nx",
        sso: "@sso\t", tier: "ti\"er'", gate: "inv\"oices'<",
        levels: ["ba\"sic'", "p<r>o;--", "ent\nerprise", "=legacy", "'trial"], idPrefix: "=1+\"C'<;--\n")

    var spec: Spec {
        var bands = BandOptions(scheme: .fixed)
        bands.gate = .init(column: gate, min: 1)
        return Spec(
            data: DataOptions(id: id, period: "period", outcome: "churned", segment: tier),
            features: (splines ? [
                FeatureSpec(name: usage, type: .numeric, transform: .spline, impute: .median, knots: 4),
                FeatureSpec(name: tickets, type: .numeric, transform: .spline, clip: [0, 20], impute: .mean, missingIndicator: .never,
                            standardize: true, knots: 3),
            ] : [
                FeatureSpec(name: usage, type: .numeric, transform: .log1p, winsorize: [0.05, 0.95], impute: .median),
                FeatureSpec(name: tickets, type: .numeric, clip: [0, 20], impute: .mean, missingIndicator: .never, standardize: false),
            ]) + [
                FeatureSpec(name: plan, type: .categorical, minCount: 8),
                FeatureSpec(name: sso, type: .boolean),
            ],
            model: ModelOptions(ridge: 1),
            bands: bands)
    }

    /// A deterministic linear congruential stream in [0, 1).
    struct Stream {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    /// Training panel: `customers` customers x 3 quarters; churn only in a customer's last row.
    func trainingTable(customers: Int = 90) -> Table {
        var s = Stream(state: 7)
        var rows: [[String?]] = []
        for c in 0..<customers {
            for q in 1...3 {
                let u = s.next(), t = s.next(), p = s.next(), b = s.next(), m = s.next()
                let usageValue = m < 0.08 ? nil : String(Int(exp(u * 6)))
                let ticketValue = m > 0.9 ? nil : String(Double(Int(t * 30)) - 2)
                let level = p < 0.45 ? levels[0] : p < 0.75 ? levels[1] : p < 0.93 ? levels[2] : p < 0.97 ? levels[3] : levels[4]
                let planValue = m > 0.05 && m < 0.1 ? nil : level
                let ssoValue = m > 0.4 && m < 0.45 ? nil : (b < 0.5 ? "yes" : "No")
                let eta = -1.5 - 0.4 * u * 6 + 0.08 * t * 30 + (level == levels[2] ? -0.8 : 0)
                let churned = q == 3 && s.next() < 1 / (1 + exp(-eta)) ? "1" : "0"
                rows.append(["\(idPrefix)\(c)", "2025Q\(q)", churned, usageValue, ticketValue, planValue, ssoValue,
                             c % 3 == 0 ? "ent" : "smb", String(Int(s.next() * 3))])
            }
        }
        return Self.table(names: header, rows: rows)
    }

    var header: [String] { [id, "period", "churned", usage, tickets, plan, sso, tier, gate] }

    /// Rows to score: ordinary ones plus every edge the encodings have (all missing, an unseen
    /// level, a value below the clip, a gate missing or failing, a huge usage).
    func scoringTable() -> Table {
        var s = Stream(state: 99)
        var rows: [[String?]] = []
        for c in 0..<20 {
            let u = s.next(), t = s.next(), p = s.next()
            rows.append(["\(idPrefix)S\(c)", "2025Q4", c == 0 ? "1" : "0", String(u * 500), String(t * 40 - 5),
                         levels[Int(p * 5) % 5], c % 2 == 0 ? "YES" : "false", c % 3 == 0 ? "ent" : "smb", String(c % 4)])
        }
        rows.append(["\(idPrefix)M", "2025Q4", "0", nil, nil, nil, nil, "smb", nil])
        rows.append(["\(idPrefix)U", "2025Q4", "0", "3", "-10", "platinum (unseen)", "1", "ent", "5"])
        rows.append(["\(idPrefix)X", "2025Q4", "0", "1e9", "500", levels[3], "0", "smb", "1"])
        return Self.table(names: header, rows: rows)
    }

    /// A table from cells: a column is numeric when every present cell reads as a number.
    static func table(names: [String], rows: [[String?]]) -> Table {
        var columns: [Column] = []
        for j in names.indices {
            let raw = rows.map { $0[j] }
            let numbers = raw.map { $0.map { Double($0) } ?? Double.nan }
            if numbers.allSatisfy({ $0 != nil }) {
                columns.append(.numeric(numbers.map { $0 ?? .nan }))
            } else {
                var levels: [String] = [], index: [String: Int32] = [:]
                let codes: [Int32] = raw.map { cell in
                    guard let cell else { return -1 }
                    if let c = index[cell] { return c }
                    index[cell] = Int32(levels.count)
                    levels.append(cell)
                    return Int32(levels.count - 1)
                }
                columns.append(.text(TextColumn(codes: codes, levels: levels)))
            }
        }
        return Table(source: "fixture.csv", names: names, columns: columns, rowCount: rows.count,
                     rowLines: Array(2..<(rows.count + 2)))
    }

    /// Fits the pooled model and builds a weight file with the given calibration; `segments`
    /// adds a per-segment model for "ent" (the pooled coefficients perturbed).
    func weightFile(calibration: CalibrationMap = .platt(a: 0.3, b: 0.85), segments: Bool = false,
                    perSegmentBands: Bool = true) throws -> (WeightFile, Panel) {
        let panel = try Panel.make(table: trainingTable(), spec: spec)
        let fit = try SpecFit.run(panel: panel)
        var bands = BandAssignment(scheme: BandScheme(fixed: BandOptions.defaultFixed), gate: spec.bands.gate)
        if perSegmentBands {
            bands.perSegment = ["ent": BandScheme(fixed: [.init(name: "red", minScore: 0), .init(name: "green", minScore: 70)])]
        }
        var file = try WeightFile.make(panel: panel, fit: fit, calibration: calibration, bands: bands,
                                       inputBytes: Array("training bytes".utf8), metrics: ["auc": 0.75, "log_loss": 0.4])
        if segments {
            let coefficients = fit.fit.coefficients.enumerated().map { $0.element * (1 + 0.1 * Double($0.offset % 3)) - 0.05 }
            file = try WeightFile.make(encoding: fit.encoding, coefficients: fit.fit.coefficients, calibration: calibration,
                                       bands: bands, metadata: file.metadata, segmentColumn: tier,
                                       segments: ["ent": .init(coefficients: coefficients)],
                                       contributionSDs: file.model.contributionSDs)
        }
        return (file, panel)
    }
}

/// Runs `binary` with `arguments`, feeding `script` on standard input; returns the exit status,
/// standard output and standard error.
func runWithInput(_ binary: String, _ arguments: [String], _ script: String) throws -> (status: Int32, out: Data, err: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    let input = Pipe(), output = Pipe(), errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let out = PipeDrain(output.fileHandleForReading), err = PipeDrain(errors.fileHandleForReading)
    input.fileHandleForWriting.write(Data(script.utf8))
    try input.fileHandleForWriting.close()
    let outData = out.finish(), errData = err.finish()
    process.waitUntilExit()
    return (process.terminationStatus, outData, errData)
}

/// Runs SQL in `/usr/bin/sqlite3` (JSON output); nil when the binary is missing.
func runSQLite(_ script: String) throws -> [[String: Any]]? {
    let binary = "/usr/bin/sqlite3"
    guard FileManager.default.isExecutableFile(atPath: binary) else { return nil }
    let (status, out, err) = try runWithInput(binary, ["-json", ":memory:"], script)
    guard status == 0, err.isEmpty else {
        throw SQLiteFailure(message: String(decoding: err, as: UTF8.self))
    }
    if out.isEmpty { return [] }
    return try JSONSerialization.jsonObject(with: out) as? [[String: Any]] ?? []
}

struct SQLiteFailure: Error, CustomStringConvertible { var message: String; var description: String { "sqlite3: \(message)" } }

/// CREATE TABLE + INSERTs for `table` (numeric columns DOUBLE PRECISION, text TEXT, missing
/// NULL); `temporary` for PostgreSQL sessions.
func sqlLoad(_ table: Table, name: String = "panel", temporary: Bool = false) -> String {
    var cols: [String] = []
    for (n, c) in zip(table.names, table.columns) {
        if case .numeric = c { cols.append("\(SQLExport.identifier(n)) DOUBLE PRECISION") } else { cols.append("\(SQLExport.identifier(n)) TEXT") }
    }
    var script = "CREATE \(temporary ? "TEMPORARY " : "")TABLE \(SQLExport.identifier(name)) (\(cols.joined(separator: ", ")));\n"
    for r in 0..<table.rowCount {
        let values = table.columns.map { c -> String in
            switch c {
            case let .numeric(v): return v[r].isNaN ? "NULL" : "\(v[r])"
            case let .text(t): return t.value(at: r).map(SQLExport.literal) ?? "NULL"
            }
        }
        script += "INSERT INTO \(SQLExport.identifier(name)) VALUES (\(values.joined(separator: ", ")));\n"
    }
    return script
}

/// Runs SQL in PostgreSQL through `psql` when `HEALTHCAL_TEST_PG` holds a connection string
/// (e.g. "host=/tmp/pg port=5432 user=postgres"); nil otherwise. The script's last statement
/// must print one JSON value (`json_agg`).
func runPostgres(_ script: String) throws -> [[String: Any]]? {
    // HEALTHCAL_TEST_PG, or the server .ci/run starts for the database tests.
    let env = ProcessInfo.processInfo.environment
    guard let conninfo = env["HEALTHCAL_TEST_PG"] ?? env["HEALTHCAL_TEST_PG_URL"], !conninfo.isEmpty,
          FileManager.default.isExecutableFile(atPath: "/usr/bin/psql") else { return nil }
    let (status, out, err) = try runWithInput("/usr/bin/psql", ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", conninfo], script)
    guard status == 0 else { throw SQLiteFailure(message: "psql: " + String(decoding: err, as: UTF8.self)) }
    return try JSONSerialization.jsonObject(with: out) as? [[String: Any]] ?? []
}

/// Wraps an exported query so PostgreSQL returns its rows as one JSON array (float8 prints
/// exactly, extra_float_digits 1 being the default since PostgreSQL 12).
func pgJSON(_ query: String) -> String {
    let body = query.trimmingCharacters(in: .whitespacesAndNewlines).dropLast()
    return "SELECT json_agg(\"q\") FROM (\n\(body)\n) AS \"q\";\n"
}

/// Wraps an exported query so SQLite prints probabilities with all 17 digits.
func sqlExact(_ query: String) -> String {
    let body = query.trimmingCharacters(in: .whitespacesAndNewlines).dropLast()  // the ';'
    return "SELECT \"id\", printf('%.17g', \"churn_probability\") AS \"p\", \"band\" FROM (\n\(body)\n) AS \"q\";\n"
}

/// A small RFC 4180 reader for checking our CSV output parses back.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false
    var it = Array(text.unicodeScalars)[...]
    while let ch = it.popFirst() {
        if quoted {
            if ch == "\"" {
                if it.first == "\"" { cell.unicodeScalars.append("\""); it.removeFirst() } else { quoted = false }
            } else { cell.unicodeScalars.append(ch) }
        } else if ch == "\"" { quoted = true }
        else if ch == "," { row.append(cell); cell = "" }
        else if ch == "\n" { row.append(cell); rows.append(row); row = []; cell = "" }
        else { cell.unicodeScalars.append(ch) }
    }
    if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
    return rows
}
