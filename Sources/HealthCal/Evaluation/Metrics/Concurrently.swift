import Dispatch
import LinearAlgebra

/// Runs two independent computations at the same time (one per core when both are free) and
/// returns both results. They share nothing but immutable inputs, so the results are exactly
/// those of running them one after the other.
func concurrently<A: Sendable, B: Sendable>(_ a: @Sendable () -> A, _ b: @Sendable () -> B) -> (A, B) {
    let slots = Slots<A, B>()
    DispatchQueue.concurrentPerform(iterations: 2) { k in
        if k == 0 { slots.a = a() } else { slots.b = b() }
    }
    guard let first = slots.a, let second = slots.b else { return (a(), b()) } // unreachable
    return (first, second)
}

/// The two results; each is written by exactly one of the two workers, and read after both end.
private final class Slots<A, B>: @unchecked Sendable {
    var a: A?
    var b: B?
}

/// `(0..<count).map(body)`, with the calls spread over the cores; results in index order.
func concurrentMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    Parallel.map(count, body)
}
