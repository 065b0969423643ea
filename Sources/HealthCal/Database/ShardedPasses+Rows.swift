/// Grouped aggregates on every shard at once (`GROUP BY` results rather than `sum`'s one
/// array): each shard's groups come back, and the caller adds them up by group, which is
/// exact for counts because a row lives on one shard only.
extension ShardedPasses {
    /// The rows of `sql(part.rows)` (with the part's parameters plus `extra`) from every shard,
    /// run concurrently, concatenated in shard order.
    func rows(_ sql: (DatabaseRows) -> String, extra: [String?]) throws -> [[String?]] {
        try each { _, part in try part.conn.query(sql(part.rows), part.rows.parameters + extra) }.flatMap { $0 }
    }
}
