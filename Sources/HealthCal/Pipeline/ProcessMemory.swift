#if canImport(Glibc)
import Glibc
#endif

/// The process's heap, between the stages of a long job.
enum ProcessMemory {
    /// Returns the pages of freed heap memory to the system (glibc's `malloc_trim`). glibc keeps
    /// freed blocks below its mmap threshold (which grows up to 32 MB as large blocks are freed)
    /// for reuse; after the backtest those are the folds' arrays, and without this they would
    /// count again in the peak when the final fit allocates its design. A no-op where the C
    /// library has no `malloc_trim` (it is a glibc extension, not in the Glibc module's headers).
    static func releaseFreedPages() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
