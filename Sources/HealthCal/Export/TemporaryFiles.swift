import Dispatch
import Foundation

/// The files and folders this process has written but not yet put in place (a staged output
/// folder, a temporary file beside its destination), so that SIGINT, SIGTERM or SIGHUP removes
/// them before the process exits with 128 + the signal's number (130, 143, 129).
///
/// Signals are taken on a dispatch queue, not in an asynchronous signal handler, so the cleanup
/// may take locks and call the file system. It holds the registry's lock while it removes and
/// exits, and every step that creates a registered path or renames one into place holds the same
/// lock: a signal therefore never lands between "renamed into place" and "forgotten", and nothing
/// new is created once the cleanup has begun. A signal that arrives after an output was put in
/// place leaves that output (whole) and removes what it replaced.
public final class TemporaryFiles: @unchecked Sendable {
    public static let shared = TemporaryFiles()

    private let lock = NSLock()
    private var paths: Set<String> = []
    private var sources: [DispatchSourceSignal] = []

    private init() {}

    /// Runs `create`, which makes `path`, and registers `path` for removal on a signal.
    func creating<T, E: Error>(_ path: String, _ create: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        let value = try create()
        paths.insert(path)
        return value
    }

    /// Runs `body` (a rename that puts a registered path in place) with signals' cleanup held
    /// off; `path` is forgotten when `body` returns true (nothing temporary is left there).
    func settling<E: Error>(_ path: String, _ body: () throws(E) -> Bool) throws(E) {
        lock.lock()
        defer { lock.unlock() }
        if try body() { paths.remove(path) }
    }

    /// Runs `body`, which creates something inside a registered path, with signals' cleanup held
    /// off: once the cleanup has begun nothing new appears there (another thread still writing
    /// its file would otherwise refill a folder the cleanup is emptying).
    func inside<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Forgets `path` (removed, or no longer temporary).
    func forget(_ path: String) {
        lock.withLock { _ = paths.remove(path) }
    }

    /// Makes SIGINT, SIGTERM and SIGHUP remove every registered path and exit with 128 + the
    /// signal's number, printing one line on standard error. Call once, early, from a program's
    /// entry point.
    public func removeOnSignals() {
        lock.withLock {
            guard sources.isEmpty else { return }
            for signo in [SIGINT, SIGTERM, SIGHUP] {
                signal(signo, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
                source.setEventHandler { [unowned self] in self.stop(signal: signo) }
                source.resume()
                sources.append(source)
            }
        }
    }

    private func stop(signal signo: Int32) -> Never {
        // Never unlocked: no other thread creates or renames anything from here on.
        lock.lock()
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
        let name = signo == SIGINT ? "interrupted" : signo == SIGTERM ? "terminated" : "hung up"
        let message = paths.isEmpty ? "\(name)\n" : "\(name); removed the partial outputs\n"
        _ = message.utf8CString.withUnsafeBufferPointer { systemWrite(2, $0.baseAddress, $0.count - 1) }
        _exit(128 + signo)
    }
}

/// A test hook for the kill tests: with `HEALTHCAL_TEST_STOP_AT=N` in the environment the process
/// stops itself (SIGSTOP) at the N-th point of its write phase, so that a test can send it a
/// signal there and check what is left on disk. Without the variable it does nothing.
enum WritePhaseCheckpoint {
    private static let stopAt: Int? = ProcessInfo.processInfo.environment["HEALTHCAL_TEST_STOP_AT"].flatMap { Int($0) }
    private static let counter = Counter()

    private final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }

    static func reached() {
        guard let stopAt else { return }
        if counter.next() == stopAt {
            raise(SIGSTOP)
            // The test sends its signal while we are stopped; the handler runs on a dispatch
            // queue after SIGCONT. Pause so it runs before this thread can finish the run and
            // exit 0 (on a loaded machine the race was lost at the last checkpoints).
            usleep(500_000)
        }
    }
}
