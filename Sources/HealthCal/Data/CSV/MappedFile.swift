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

    /// Drops the pages wholly inside `base[start..<end]` from this process's memory, where `base`
    /// is a `MappedFile`'s (and so page-aligned; never anonymous memory, which this would zero), for
    /// bytes already parsed: file-backed pages count in the resident set once touched, and the
    /// file is as big as the columns made from it. Reading them again is still correct (the
    /// mapping is private and never written, so they come back from the file), only slower.
    static func releasePages(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) {
        #if os(Linux)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let from = (start + page - 1) / page * page, to = end / page * page
        guard to > from else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + from), to - from, MADV_DONTNEED)
        #endif
    }

    deinit {
        munmap(mapping, count)
    }
}
