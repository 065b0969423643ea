import Foundation
@testable import HealthCal

/// A table a test loads with `PostgresTableLoad.run` (what `healthcal load` runs) under a name
/// no other test uses, and drops when done (`defer { table.drop() }`): on the server, and for a
/// sharded table also each shard's own table, which dropping the coordinator's partitioned
/// parent leaves behind.
struct LoadedTestTable {
    let url: PostgresURL
    let name: String
    let sharded: Bool

    init(csv: String, spec: Spec, url: PostgresURL, prefix: String, shardBy: String? = nil) throws {
        self.url = url
        name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        sharded = shardBy != nil
        _ = try PostgresTableLoad.run(csv: csv, spec: spec, to: url, options: .init(table: name, shardBy: shardBy, force: true))
    }

    /// Bounded: a test that failed inside a transaction on the table may still hold its lock,
    /// and then the table is left behind (on a test server) rather than the run kept waiting.
    func drop() {
        func connect(_ url: PostgresURL) -> PostgresConnection? {
            guard let conn = try? PostgresConnection(url), (try? conn.execute("SET lock_timeout = '5s'")) != nil else { return nil }
            return conn
        }
        guard let conn = connect(url) else { return }
        let quoted = PostgresConnection.identifier(name)
        if sharded, let shards = try? PostgresTableLoad.foreignShards(conn, url: url) {
            for shard in shards { try? connect(shard.url)?.execute("DROP TABLE IF EXISTS \(quoted)") }
        }
        try? conn.execute("DROP TABLE IF EXISTS \(quoted) CASCADE")
    }
}
