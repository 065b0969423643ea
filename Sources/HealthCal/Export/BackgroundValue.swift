import Foundation

/// A value computed on another thread while the caller goes on; `value` waits for it.
///
/// The recalibration's last stages use it to keep both cores busy: the input file's hash, the
/// weight file with its exports and the report's ranking charts do not depend on the flags, so
/// they are prepared beside them.
final class BackgroundValue<T: Sendable>: @unchecked Sendable {
    private var result: T?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () -> T) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = work()
            self.done.signal()
        }
    }

    /// Waits for the work to finish; later calls return at once.
    var value: T {
        done.wait()
        done.signal()
        // Written before the signal that let us through.
        return result!
    }
}
