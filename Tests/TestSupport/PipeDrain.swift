import Foundation

/// Reads a pipe to its end on a thread of its own, so that a test can drain a child's standard
/// output and standard error at once: reading one to its end while the child blocks writing to
/// the other (a pipe holds 64 kB) would wait forever.
public final class PipeDrain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    public init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Waits for the end of the pipe and returns every byte read. (`data` is written only by the
    /// reading thread, before it signals.)
    public func finish() -> Data {
        done.wait()
        return data
    }
}
