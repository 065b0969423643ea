import Foundation

/// A failure talking to PostgreSQL: what kind (so the CLI can choose an exit code and tests can
/// check it) and a message in which every known secret has been replaced by `***`.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case invalidURL          // the URL does not parse
        case connection          // cannot connect or authenticate
        case missingTable        // the table (or relation) does not exist
        case missingColumn       // a column the spec names does not exist
        case columnType          // a column's SQL type does not fit the spec
        case tableExists         // `load` would replace a table without --force
        case permission          // the role lacks a privilege
        case readOnly            // a statement tried to write inside a read-only transaction
        case serverGone          // the server closed the connection mid-run
        case query               // any other error the server reported
    }
    public let kind: Kind
    public let message: String
    /// The server's SQLSTATE when it sent one (e.g. "42P01").
    public let sqlState: String?

    public init(_ kind: Kind, _ message: String, sqlState: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
    }

    public var description: String { message }

    /// The kind for a SQLSTATE (PostgreSQL appendix A).
    static func kind(sqlState: String?) -> Kind {
        switch sqlState {
        case "42P01": return .missingTable
        case "42703": return .missingColumn
        case "42501": return .permission
        case "25006": return .readOnly
        case "42P07": return .tableExists
        case "57P01", "57P02", "57P03": return .serverGone  // admin/crash shutdown, cannot connect now
        case "08P01": return .query  // protocol violation (e.g. a parameter count mismatch)
        case let s? where s.hasPrefix("08"): return .serverGone  // connection exception
        case "28000", "28P01", "3D000": return .connection  // bad role/password, no such database
        default: return .query
        }
    }

    /// `text` with each secret (and its %-encoded form) and any `password=...` keyword value
    /// replaced by `***`: libpq's own messages can echo a connection string.
    static func redact(_ text: String, secrets: [String]) -> String {
        var out = text
        for secret in secrets where !secret.isEmpty {
            out = out.replacingOccurrences(of: secret, with: "***")
            let encoded = secret.addingPercentEncodingForURL()
            if encoded != secret { out = out.replacingOccurrences(of: encoded, with: "***") }
        }
        // postgresql://user:secret@host → postgresql://user:***@host
        out = replacingMatches(in: out, pattern: #"(postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@"#, with: "$1***@")
        out = replacingMatches(in: out, pattern: #"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)"#, with: "$1***")
        return out
    }

    private static func replacingMatches(in text: String, pattern: String, with template: String) -> String {
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return text }
        let range = NSRange(text.startIndex..., in: text)
        return re.stringByReplacingMatches(in: text, options: [], range: range, withTemplate: template)
    }
}

extension String {
    /// Every byte outside RFC 3986's unreserved set %-encoded (how a password appears in a URL).
    func addingPercentEncodingForURL() -> String {
        var out = ""
        for b in utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
