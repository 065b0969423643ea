#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes mapped read-only into memory, unmapped when the value goes away.
///
/// Mapping instead of reading saves copying 200 MB into fresh anonymous pages, each of which the
/// kernel would first have to zero; on Linux the pages are populated in one call. The caller
/// falls back to `read` when a file cannot be mapped (a pipe, a special file).
final class MappedFile {
    let base: UnsafePointer<UInt8>
    let count: Int
    private let mapping: UnsafeMutableRawPointer

    /// Nil when the file is empty or cannot be mapped.
    init?(path: String) {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return nil }
        let size = Int(info.st_size)
        #if os(Linux)
        let flags = MAP_PRIVATE | MAP_POPULATE
        #else
        let flags = MAP_PRIVATE
        #endif
        guard let pointer = mmap(nil, size, PROT_READ, flags, fd, 0), pointer != MAP_FAILED else { return nil }
        mapping = pointer
        base = UnsafePointer(pointer.assumingMemoryBound(to: UInt8.self))
        count = size
    }

    deinit {
        munmap(mapping, count)
    }
}

/// Asks the kernel to back a large array's reserved capacity with 2 MiB pages.
///
/// Filling 300 MB of column buffers otherwise costs one page fault (and one zeroed 4 KiB page)
/// per 512 doubles, about a quarter of the read time on two cores. This is advice only: the
/// contents and the array's behaviour are unchanged whether or not the kernel follows it.
func adviseHugePages<Element>(_ array: inout [Element]) {
    #if os(Linux)
    let bytes = array.capacity * MemoryLayout<Element>.stride
    let huge = 2 << 20
    guard bytes >= 2 * huge else { return }
    array.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + bytes) & ~(huge - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, MADV_HUGEPAGE)
    }
    #endif
}
