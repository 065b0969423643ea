/// Grouped aggregates on every shard at once (`GROUP BY` results rather than `sum`'s one
/// array): each shard's groups come back, and the caller adds them up by group, which is
/// exact for counts because a row lives on one shard only.
extension ShardedPasses {
    /// The rows of `sql(part.rows)` (with the part's parameters plus `extra`) from every shard,
    /// run concurrently, concatenated in shard order.
    func rows(_ sql: (DatabaseRows) -> String, extra: [String?]) throws -> [[String?]] {
        let work = parts.map { (sql($0.rows), $0.rows.parameters + extra) }
        let connections = Connections(parts.map(\.conn))
        let results = concurrentMap(parts.count) { k in
            Result { () throws(DatabaseError) -> [[String?]] in try connections.all[k].query(work[k].0, work[k].1) }
        }
        return try results.flatMap { try $0.get() }
    }

    /// Each shard's connection is used by one call only.
    private final class Connections: @unchecked Sendable {
        let all: [PostgresConnection]
        init(_ all: [PostgresConnection]) { self.all = all }
    }
}
