#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks the kernel to back a large column buffer with 2 MiB pages.
///
/// Filling 300 MB of column buffers otherwise costs one page fault (and one zeroed 4 KiB page)
/// per 512 doubles, about a quarter of the read time on two cores. This is advice only: the
/// contents and the buffer's behaviour are unchanged whether or not the kernel follows it.
func adviseHugePages(_ base: UnsafeMutableRawPointer, bytes: Int) {
    #if os(Linux)
    let huge = 2 << 20
    guard bytes >= 2 * huge else { return }
    let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: base) + bytes) & ~(huge - 1)
    guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(aligned, end - start, MADV_HUGEPAGE)
    #endif
}

/// Faults in (and so zeroes) the pages of `bytes` at `base` now, as writing them would, without
/// changing their contents (`MADV_POPULATE_WRITE`, Linux 5.14+; elsewhere nothing happens).
/// On this kind of virtual machine a fresh page costs more to fault in than to fill, so a
/// buffer that will be filled later can have this done on an idle core first.
func populatePages(_ base: UnsafeMutableRawPointer, bytes: Int) {
    #if os(Linux)
    let page = 4096
    let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
    let end = (Int(bitPattern: base) + bytes) & ~(page - 1)
    guard end > start else { return }
    // In steps of 8 MiB: the call holds the process's memory-map lock while it faults, and a
    // thread that maps or unmaps memory meanwhile (any large allocation) waits for it to end.
    let step = 8 << 20
    var from = start
    while from < end, let aligned = UnsafeMutableRawPointer(bitPattern: from) {
        _ = madvise(aligned, min(step, end - from), 23 /* MADV_POPULATE_WRITE */)
        from += step
    }
    #endif
}
