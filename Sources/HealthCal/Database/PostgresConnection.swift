import CLibpq
import Foundation

/// One libpq connection (`PGconn`), synchronous; not shared across threads.
///
/// Every message it throws is redacted: the password from the URL and `PGPASSWORD` never
/// appear. Statements go through `PQexecParams`, which runs exactly one statement, with values
/// as bound text parameters; identifiers are quoted with `identifier(_:)`.
public final class PostgresConnection {
    private let conn: OpaquePointer
    /// What this connection is to (no password), for messages.
    public let url: PostgresURL
    private let secrets: [String]

    public init(_ url: PostgresURL) throws(DatabaseError) {
        self.url = url
        var secrets: [String] = []
        if let p = url.password { secrets.append(p) }
        if let p = ProcessInfo.processInfo.environment["PGPASSWORD"] { secrets.append(p) }
        self.secrets = secrets
        var pairs: [(String, String)] = [
            ("host", url.host), ("port", String(url.port)), ("dbname", url.database),
            ("application_name", "healthcal"), ("client_encoding", "UTF8"), ("connect_timeout", "10"),
        ]
        if let u = url.user { pairs.append(("user", u)) }
        if let p = url.password { pairs.append(("password", p)) }
        let keys = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer { (keys + values).forEach { free($0) } }
        var keyPtrs: [UnsafePointer<CChar>?] = keys.map { UnsafePointer($0) } + [nil]
        var valuePtrs: [UnsafePointer<CChar>?] = values.map { UnsafePointer($0) } + [nil]
        guard let c = PQconnectdbParams(&keyPtrs, &valuePtrs, 0) else {
            throw DatabaseError(.connection, "cannot connect to \(url): out of memory")
        }
        guard PQstatus(c) == CONNECTION_OK else {
            let why = DatabaseError.redact(Self.text(PQerrorMessage(c)), secrets: secrets)
            PQfinish(c)
            throw DatabaseError(.connection, "cannot connect to \(url): \(why)")
        }
        conn = c
    }

    deinit { PQfinish(conn) }

    /// A double-quoted identifier, embedded quotes doubled (the SQL export's rule).
    public static func identifier(_ name: String) -> String { SQLExport.identifier(name) }

    /// Runs one statement, discarding any rows.
    public func execute(_ sql: String, _ params: [String?] = []) throws(DatabaseError) {
        let r = try run(sql, params)
        PQclear(r)
    }

    /// Runs one statement and returns its rows as text (`nil` for NULL).
    public func query(_ sql: String, _ params: [String?] = []) throws(DatabaseError) -> [[String?]] {
        let r = try run(sql, params)
        defer { PQclear(r) }
        let rows = Int(PQntuples(r)), cols = Int(PQnfields(r))
        var out: [[String?]] = []
        out.reserveCapacity(rows)
        for i in 0..<rows {
            var row: [String?] = []
            row.reserveCapacity(cols)
            for j in 0..<cols {
                if PQgetisnull(r, Int32(i), Int32(j)) != 0 { row.append(nil) }
                else { row.append(Self.text(PQgetvalue(r, Int32(i), Int32(j)))) }
            }
            out.append(row)
        }
        return out
    }

    /// The columns `sql` would return (name and type OID), without running it: `PQprepare`
    /// and `PQdescribePrepared` on the unnamed statement (one statement only, as prepared
    /// statements must be).
    public func describe(_ sql: String) throws(DatabaseError) -> [(name: String, type: UInt32)] {
        guard let prepared = PQprepare(conn, "", sql, 0, nil) else { throw failure(nil) }
        defer { PQclear(prepared) }
        guard PQresultStatus(prepared) == PGRES_COMMAND_OK else { throw failure(prepared) }
        guard let r = PQdescribePrepared(conn, "") else { throw failure(nil) }
        defer { PQclear(r) }
        guard PQresultStatus(r) == PGRES_COMMAND_OK else { throw failure(r) }
        return (0..<PQnfields(r)).map { j in (Self.text(PQfname(r, j)), UInt32(PQftype(r, j))) }
    }

    /// Runs `COPY ... TO STDOUT` and hands the data to `chunk` in buffers of whole rows (about
    /// `chunkBytes` each; libpq delivers one row per call, too small to parse efficiently).
    /// If `chunk` throws, the COPY is cancelled and the connection drained before rethrowing.
    public func copyOut(_ sql: String, chunkBytes: Int = 1 << 20, _ chunk: (UnsafeRawBufferPointer) throws -> Void) throws {
        let start = PQexec(conn, sql)
        guard PQresultStatus(start) == PGRES_COPY_OUT else {
            defer { PQclear(start) }
            throw failure(start)
        }
        PQclear(start)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunkBytes + 4096)
        do {
            while true {
                var data: UnsafeMutablePointer<CChar>? = nil
                let n = PQgetCopyData(conn, &data, 0)
                if n > 0, let data {
                    buffer.append(contentsOf: UnsafeRawBufferPointer(start: data, count: Int(n)))
                    PQfreemem(data)
                    if buffer.count >= chunkBytes {
                        try buffer.withUnsafeBytes { try chunk($0) }
                        buffer.removeAll(keepingCapacity: true)
                    }
                } else if n == -1 {
                    break
                } else {
                    throw failure(nil)
                }
            }
        } catch {
            cancelAndDrain()
            throw error
        }
        // The COPY's own result says whether it ended well (e.g. the server went away).
        try finish()
        if !buffer.isEmpty { try buffer.withUnsafeBytes { try chunk($0) } }
    }

    /// Runs `COPY ... FROM STDIN`; `produce` is handed a `send` function to call with the data.
    /// If `produce` throws, the COPY is aborted (the server discards it) and the error rethrown.
    public func copyIn(_ sql: String, _ produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let start = PQexec(conn, sql)
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            throw failure(start)
        }
        PQclear(start)
        do {
            try produce { bytes in
                guard bytes.count > 0 else { return }
                let ok = PQputCopyData(conn, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
                if ok != 1 { throw failure(nil) }
            }
        } catch {
            _ = PQputCopyEnd(conn, "aborted by healthcal")
            drain()
            throw error
        }
        guard PQputCopyEnd(conn, nil) == 1 else { throw failure(nil) }
        try finish()
    }

    /// Asks the server to cancel what this connection is running, from any thread (libpq's
    /// `PQcancel` is thread-safe): how a failed part of a split COPY stops the others.
    final class Canceller: @unchecked Sendable {
        private let handle: OpaquePointer?
        private let lock = NSLock()
        fileprivate init(_ conn: OpaquePointer) { handle = PQgetCancel(conn) }
        deinit { if let handle { PQfreeCancel(handle) } }

        /// Best effort: a statement that has already ended is not affected.
        func cancel() {
            guard let handle else { return }
            var errbuf = [CChar](repeating: 0, count: 256)
            lock.withLock { _ = PQcancel(handle, &errbuf, Int32(errbuf.count)) }
        }
    }

    func canceller() -> Canceller { Canceller(conn) }

    // MARK: - Internals

    private func run(_ sql: String, _ params: [String?]) throws(DatabaseError) -> OpaquePointer {
        let copies = params.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let ptrs: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        let r = ptrs.withUnsafeBufferPointer { buf in
            PQexecParams(conn, sql, Int32(params.count), nil, buf.baseAddress, nil, nil, 0)
        }
        guard let r else { throw failure(nil) }
        let status = PQresultStatus(r)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            defer { PQclear(r) }
            throw failure(r)
        }
        return r
    }

    /// Collects the results after a COPY and throws the first error among them.
    private func finish() throws(DatabaseError) {
        var firstError: DatabaseError? = nil
        while let r = PQgetResult(conn) {
            let status = PQresultStatus(r)
            if firstError == nil, status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK { firstError = failure(r) }
            PQclear(r)
        }
        if let firstError { throw firstError }
        if PQstatus(conn) != CONNECTION_OK { throw failure(nil) }
    }

    private func cancelAndDrain() {
        if let cancel = PQgetCancel(conn) {
            var errbuf = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancel, &errbuf, Int32(errbuf.count))
            PQfreeCancel(cancel)
        }
        // Read and drop what the server still sends until the COPY ends.
        while true {
            var data: UnsafeMutablePointer<CChar>? = nil
            let n = PQgetCopyData(conn, &data, 0)
            if let data { PQfreemem(data) }
            if n < 0 { break }
        }
        drain()
    }

    private func drain() {
        while let r = PQgetResult(conn) { PQclear(r) }
    }

    /// The error for a failed result (or, with `nil`, for the connection's last error).
    private func failure(_ result: OpaquePointer?) -> DatabaseError {
        var state: String? = nil
        var message = ""
        if let result {
            if let s = PQresultErrorField(result, Int32(UInt8(ascii: "C"))) { state = String(cString: s) }
            if let m = PQresultErrorField(result, Int32(UInt8(ascii: "M"))) { message = String(cString: m) }
            if let d = PQresultErrorField(result, Int32(UInt8(ascii: "D"))) { message += " (\(String(cString: d)))" }
            if let h = PQresultErrorField(result, Int32(UInt8(ascii: "H"))) { message += "; hint: \(String(cString: h))" }
        }
        if message.isEmpty { message = Self.text(PQerrorMessage(conn)) }
        var kind = DatabaseError.kind(sqlState: state)
        if PQstatus(conn) != CONNECTION_OK {
            kind = .serverGone
            if message.isEmpty { message = "the server closed the connection" }
        }
        message = DatabaseError.redact(message, secrets: secrets)
        let prefix = kind == .serverGone ? "lost the connection to \(url)" : "PostgreSQL (\(url))"
        return DatabaseError(kind, "\(prefix): \(message)", sqlState: state)
    }

    private static func text(_ p: UnsafePointer<CChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension PostgresConnection {
    /// A connection for the pushed-down queries: shortest round-trip float text, one read-only
    /// snapshot for every query that follows, and no JIT (it compiled a long aggregate for 1.4 s
    /// of a 3.8 s pass in the probe of issue 16).
    static func aggregateSession(_ url: PostgresURL) throws(DatabaseError) -> PostgresConnection {
        let conn = try PostgresConnection(url)
        try conn.execute("SET extra_float_digits = 1")
        try conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try conn.execute("SET LOCAL jit = off")
        return conn
    }
}
