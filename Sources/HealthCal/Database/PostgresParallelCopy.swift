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
/// Statements are taken in order by whichever connection is free. A helper that cannot be
/// opened (too many connections, say) costs only speed: the caller's connection takes the
/// statements left. A COPY that fails fails the whole run: the first error is thrown after the
/// other connections' statements have been cancelled (`PQcancel`), and nothing is returned.
enum PostgresParallelCopy {
    /// Each statement's bytes, as the chunks `copyOut` delivered them.
    typealias Chunks = [[UInt8]]

    static func run(_ statements: [String], on conn: PostgresConnection, helpers: Int,
                    openHelper: @escaping @Sendable () throws -> PostgresConnection) throws -> [Chunks] {
        guard helpers > 0, statements.count > 1 else {
            return try statements.map { sql in
                var chunks: Chunks = []
                try conn.copyOut(sql) { chunks.append(Array($0)) }
                return chunks
            }
        }
        let state = State(statements: statements.count)
        let caller = CallerConnection(conn)
        DispatchQueue.concurrentPerform(iterations: 1 + min(helpers, statements.count - 1)) { worker in
            let conn: PostgresConnection
            if worker == 0 {
                conn = caller.conn
            } else {
                // Not fatal: the statements stay in the queue for the caller's connection.
                guard let helper = try? openHelper() else { return }
                conn = helper
            }
            state.register(worker, conn.canceller())
            while let k = state.claim() {
                do {
                    var chunks: Chunks = []
                    try conn.copyOut(statements[k]) { chunks.append(Array($0)) }
                    state.store(k, chunks)
                } catch {
                    state.fail(worker, error)
                    return
                }
            }
            // A helper's transaction only read; ending it cleanly spares the server a log line.
            if worker > 0 { try? conn.execute("COMMIT") }
        }
        return try state.results()
    }

    /// The caller's connection, used by one worker only (worker 0).
    private final class CallerConnection: @unchecked Sendable {
        let conn: PostgresConnection
        init(_ conn: PostgresConnection) { self.conn = conn }
    }

    /// The queue of statements, their results and the first failure; every access takes the lock.
    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var done: [Chunks?]
        private var failure: Error?
        private var cancellers: [Int: PostgresConnection.Canceller] = [:]

        init(statements: Int) { done = Array(repeating: nil, count: statements) }

        func register(_ worker: Int, _ canceller: PostgresConnection.Canceller) {
            lock.withLock { cancellers[worker] = canceller }
        }

        /// The next statement to run, or nil when none is left or the run has failed.
        func claim() -> Int? {
            lock.withLock {
                guard failure == nil, next < done.count else { return nil }
                next += 1
                return next - 1
            }
        }

        func store(_ k: Int, _ chunks: Chunks) { lock.withLock { done[k] = chunks } }

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

        func results() throws -> [Chunks] {
            try lock.withLock {
                if let failure { throw failure }
                return try done.map { chunks in
                    guard let chunks else { throw DatabaseError(.query, "a part of the COPY was not run") }
                    return chunks
                }
            }
        }
    }
}
