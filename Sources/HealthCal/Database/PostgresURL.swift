/// A connection URL: `postgresql://USER[:PASSWORD]@HOST:PORT/DB` (`postgres://` too; the port
/// defaults to 5432). When the URL holds no password, libpq reads `PGPASSWORD` and `~/.pgpass`.
///
/// The password is kept apart from everything printable: `description` (and so every message,
/// report and weight file that names the source) never contains it.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: String
    public var user: String?
    /// Only `PostgresConnection` reads it; never printed.
    var password: String?

    /// Whether `text` looks like a database URL rather than a file path (what `--data` accepts).
    public static func looksLikeURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public init(_ text: String) throws(DatabaseError) {
        func bad(_ why: String) -> DatabaseError {
            // The offending text is not echoed: it may hold a password.
            DatabaseError(.invalidURL, "invalid database URL (\(why)); expected postgresql://USER[:PASSWORD]@HOST:PORT/DB")
        }
        var rest: Substring
        if text.hasPrefix("postgresql://") { rest = text.dropFirst("postgresql://".count) }
        else if text.hasPrefix("postgres://") { rest = text.dropFirst("postgres://".count) }
        else { throw bad("it must start with postgresql://") }
        if rest.contains("?") || rest.contains("#") { throw bad("query parameters are not supported") }
        // USER[:PASSWORD]@ — the last '@' ends it, so a password may contain '@' unencoded.
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = try Self.decode(credentials[..<colon], bad("bad %-escape in the user"))
                password = try Self.decode(credentials[credentials.index(after: colon)...], bad("bad %-escape in the password"))
            } else {
                user = try Self.decode(credentials, bad("bad %-escape in the user"))
            }
            if user?.isEmpty == true { user = nil }
        }
        guard let slash = rest.firstIndex(of: "/") else { throw bad("no /DB database name") }
        let hostPort = rest[..<slash]
        database = try Self.decode(rest[rest.index(after: slash)...], bad("bad %-escape in the database name"))
        guard !database.isEmpty else { throw bad("no /DB database name") }
        var hostPart = hostPort
        port = 5432
        if hostPort.hasPrefix("[") {  // [IPv6]:port
            guard let close = hostPort.firstIndex(of: "]") else { throw bad("unclosed [ in the host") }
            hostPart = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { throw bad("the port must be a number 1-65535") }
                port = p
            } else if !after.isEmpty { throw bad("unexpected text after the host") }
        } else if let colon = hostPort.lastIndex(of: ":") {
            hostPart = hostPort[..<colon]
            guard let p = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(p) else {
                throw bad("the port must be a number 1-65535")
            }
            port = p
        }
        host = try Self.decode(hostPart, bad("bad %-escape in the host"))
        guard !host.isEmpty else { throw bad("no host") }
    }

    /// `postgresql://USER@HOST:PORT/DB`, without the password.
    public var description: String {
        let userPart = user.map { "\($0)@" } ?? ""
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgresql://\(userPart)\(hostPart):\(port)/\(database)"
    }

    /// Percent-decoding (RFC 3986) of one URL component.
    private static func decode(_ s: Substring, _ error: DatabaseError) throws(DatabaseError) -> String {
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%") {
                guard it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) else { throw error }
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
