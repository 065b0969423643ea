import Dispatch
import Foundation

/// Runs several `COPY ... TO STDOUT` statements over one snapshot on more than one connection at
/// once, and returns each statement's bytes in statement order (so joined, they are what one
/// COPY would have sent).
///
/// The first connection is the caller's, inside a repeatable-read transaction whose snapshot it
/// exported (`pg_export_snapshot()`); each helper is opened by `openHelper`, which must start
/// its own read-only repeatable-read transaction on that snapshot (`SET TRANSACTION SNAPSHOT`),
/// so every statement sees exactly the caller's rows. The server formats each COPY on its own
/// backend, which is the point: one backend formatting every value as text is most of a pull.
///
/// Statement k runs on connection k (the caller's is 0; `openHelper(k)` opens the others), all
/// at once. A helper that cannot be opened (too many connections, say) costs only speed: its
/// statement runs on the caller's connection afterwards; unless `helpersRequired` (each
/// statement reads a table only its own server has, a shard's), and then it fails the run. A COPY that fails fails the whole run: the first error is thrown
/// after the other connections' statements have been cancelled (`PQcancel`), and nothing is
/// returned.
enum PostgresParallelCopy {
    /// Each statement's bytes, as the chunks `copyOut` delivered them.
    typealias Chunks = [[UInt8]]

    /// The statements' bytes in order, and how many ran on a helper connection.
    static func run(_ statements: [String], on conn: PostgresConnection, helpersRequired: Bool = false,
                    openHelper: @escaping @Sendable (Int) throws -> PostgresConnection) throws -> (parts: [Chunks], onHelpers: Int) {
        let state = State(statements: statements.count)
        if statements.count > 1 {
            let caller = CallerConnection(conn)
            DispatchQueue.concurrentPerform(iterations: statements.count) { k in
                let conn: PostgresConnection
                if k == 0 {
                    conn = caller.conn
                } else {
                    do {
                        conn = try openHelper(k)
                    } catch {
                        // Not fatal unless required: the statement is left for the caller's connection.
                        if helpersRequired { state.fail(k, error) }
                        return
                    }
                }
                state.register(k, conn.canceller())
                guard state.running else { return }
                do {
                    try state.store(k, receive(statements[k], on: conn), onHelper: k > 0)
                } catch {
                    state.fail(k, error)
                    return
                }
                // A helper's transaction only read; ending it cleanly spares the server a log line.
                if k > 0 { try? conn.execute("COMMIT") }
            }
        }
        for k in statements.indices where state.needs(k) {
            state.store(k, try receive(statements[k], on: conn), onHelper: false)
        }
        return try state.results()
    }

    private static func receive(_ sql: String, on conn: PostgresConnection) throws -> Chunks {
        var chunks: Chunks = []
        try conn.copyOut(sql) { chunks.append(Array($0)) }
        return chunks
    }

    /// The caller's connection, used by one worker only (worker 0).
    private final class CallerConnection: @unchecked Sendable {
        let conn: PostgresConnection
        init(_ conn: PostgresConnection) { self.conn = conn }
    }

    /// The statements' results and the first failure; every access takes the lock.
    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var done: [Chunks?]
        private var onHelpers = 0
        private var failure: Error?
        private var cancellers: [Int: PostgresConnection.Canceller] = [:]

        init(statements: Int) { done = Array(repeating: nil, count: statements) }

        func register(_ worker: Int, _ canceller: PostgresConnection.Canceller) {
            lock.withLock { cancellers[worker] = canceller }
        }

        /// False once a statement has failed: nothing more is started.
        var running: Bool { lock.withLock { failure == nil } }

        /// Whether statement k is still to run (none is once a statement has failed).
        func needs(_ k: Int) -> Bool { lock.withLock { failure == nil && done[k] == nil } }

        func store(_ k: Int, _ chunks: Chunks, onHelper: Bool) {
            lock.withLock {
                done[k] = chunks
                if onHelper { onHelpers += 1 }
            }
        }

        /// Records the first failure and cancels what the other connections are running (their
        /// own errors, "canceling statement due to user request", are not the cause and are dropped).
        func fail(_ worker: Int, _ error: Error) {
            let others: [PostgresConnection.Canceller] = lock.withLock {
                guard failure == nil else { return [] }
                failure = error
                return cancellers.filter { $0.key != worker }.map(\.value)
            }
            for canceller in others { canceller.cancel() }
        }

        func results() throws -> (parts: [Chunks], onHelpers: Int) {
            try lock.withLock {
                if let failure { throw failure }
                let parts = try done.map { chunks in
                    guard let chunks else { throw DatabaseError(.query, "a part of the COPY was not run") }
                    return chunks
                }
                return (parts, onHelpers)
            }
        }
    }
}
