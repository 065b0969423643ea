import Foundation
import Testing

/// The servers .ci/run starts with scripts/pg-cluster: one PostgreSQL and a 2-shard coordinator.
/// Without these variables the database tests are skipped (Swift Testing lists them as skipped).
enum TestDB {
    static let url = ProcessInfo.processInfo.environment["HEALTHCAL_TEST_PG_URL"]
    static let clusterURL = ProcessInfo.processInfo.environment["HEALTHCAL_TEST_PG_CLUSTER_URL"]
    static let spec = "notebooks-data/spec.yaml"
    static let panel = "notebooks-data/panel.csv"

    /// A table name no other test (or run) uses.
    static func uniqueName(_ prefix: String = "t") -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Runs SQL with psql on `url`; returns stdout (unaligned, tuples only), fails the test on error.
    @discardableResult
    static func psql(_ url: String, _ sql: String) throws -> String {
        let r = try CLI.run(URL(fileURLWithPath: "/usr/bin/psql"), ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        guard r.status == 0 else { throw PSQLFailure(message: r.stderr) }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Drops `table` (a `uniqueName`) on `url` and, on a scripts/pg-cluster coordinator, each
    /// shard's own table of that name too, which dropping the partitioned parent leaves behind.
    static func drop(_ url: String, table: String) {
        _ = try? psql(url, """
            DO $$ DECLARE s text; BEGIN
              FOR s IN SELECT srvname FROM pg_foreign_server WHERE srvname ~ '^shard_[0-9]+$' LOOP
                PERFORM dblink_exec(s, 'DROP TABLE IF EXISTS \(table)');
              END LOOP;
            END $$; DROP TABLE IF EXISTS \(table) CASCADE
            """)
    }

    struct PSQLFailure: Error, CustomStringConvertible { var message: String; var description: String { message } }

    /// `url` with its user and password replaced (nil: none), for tests of credentials.
    static func url(_ url: String, user: String, password: String?) -> String {
        guard let at = url.lastIndex(of: "@") else { return url }
        let rest = url[url.index(after: at)...]
        return "postgresql://\(user)\(password.map { ":" + $0 } ?? "")@\(rest)"
    }

    /// Loads the sample panel into a new table on `url`.
    static func loadSample(_ url: String, table: String, extra: [String] = []) throws {
        let r = try CLI.run(["load", "--spec", spec, "--data", panel, "--to", url, "--table", table] + extra)
        guard r.status == 0 else { throw PSQLFailure(message: "load failed: \(r.stderr)") }
    }

    /// A weight file without what legitimately differs between sources (the fingerprint and
    /// the source block), for byte comparison.
    static func comparable(_ weightFile: String) -> String {
        var out: [Substring] = []
        var skipping = false
        for line in weightFile.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.contains("\"source\" : {") { skipping = true; continue }
            if skipping { if line.trimmingCharacters(in: .whitespaces).hasPrefix("}") { skipping = false }; continue }
            if line.contains("\"input_sha256\"") { continue }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    /// Every file under `folder`, read as text.
    static func allText(under folder: URL) -> String {
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return files.compactMap { try? String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
    }
}
