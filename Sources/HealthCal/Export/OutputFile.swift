import Foundation

/// Writing outputs safely: the bytes go to a temporary file in the destination's folder, which is
/// then renamed over the destination, so a reader never sees half a file and a crash leaves the
/// old file intact. Weight files are never replaced unless the caller says so.
public enum OutputFile {
    public enum WriteError: Error, Sendable, CustomStringConvertible {
        case exists(path: String)
        case failed(path: String, reason: String)

        public var description: String {
            switch self {
            case .exists(let path): return "\(path) exists; pass --force to replace it"
            case .failed(let path, let reason): return "could not write \(path): \(reason)"
            }
        }
    }

    /// Atomically writes `data` to `path`, creating parent folders. With `overwrite` false an
    /// existing file is an error and is left untouched.
    public static func write(_ data: Data, to path: String, overwrite: Bool) throws(WriteError) {
        try write(parts: CollectionOfOne(data), to: path, overwrite: overwrite)
    }

    /// Atomically writes the concatenation of `parts` (written one after the other, never
    /// joined in memory: a file of tens of MB built on several cores needs no second copy).
    public static func write<Parts: Sequence>(parts: Parts, to path: String, overwrite: Bool) throws(WriteError)
        where Parts.Element: ContiguousBytes {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path)
        if !overwrite && fm.fileExists(atPath: path) { throw .exists(path: path) }
        let folder = url.deletingLastPathComponent()
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        func failure(_ reason: String) -> WriteError {
            try? fm.removeItem(at: temp)
            return .failed(path: path, reason: reason)
        }
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .failed(path: path, reason: error.localizedDescription)
        }
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if fd < 0 { throw .failed(path: path, reason: String(cString: strerror(errno))) }
        var reason: String? = nil
        for part in parts where reason == nil {
            reason = part.withUnsafeBytes { writeAll(fd, $0) }
        }
        if close(fd) != 0 && reason == nil { reason = String(cString: strerror(errno)) }
        if let reason { throw failure(reason) }
        if rename(temp.path, path) != 0 { throw failure(String(cString: strerror(errno))) }
    }

    /// Writes every byte (a write may take fewer, or be interrupted); the reason when it cannot.
    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
        guard var next = bytes.baseAddress else { return nil }
        var left = bytes.count
        while left > 0 {
            let n = systemWrite(fd, next, left)
            if n < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            next += n
            left -= n
        }
        return nil
    }

    public static func write(_ text: String, to path: String, overwrite: Bool) throws(WriteError) {
        try write(Data(text.utf8), to: path, overwrite: overwrite)
    }
}
