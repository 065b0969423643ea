import Foundation

/// An advisory lock (flock(2)) on an output destination, so that two runs writing the same
/// folder never interleave: the second fails at once naming the first one's process id, or
/// waits for it. The lock is held on `.NAME.lock` beside the destination, not inside it: the
/// destination folder itself is swapped for a new one by each run, and a lock on a file that
/// moves away with the old folder would let a third run in. The lock file stays (empty but for
/// the holder's process id); the kernel releases the lock when the process ends, however it ends.
public final class OutputLock: @unchecked Sendable {
    public let path: String
    private let fd: Int32

    /// Takes the lock for `destination`, creating its parent folder if needed. Without `wait`, a
    /// lock another process holds is an error; with it, `waiting` is called once with that
    /// process's id (when known) and the lock is waited for.
    /// `shown` is the destination as the user wrote it, for messages.
    public init(for destination: String, shown: String? = nil, wait: Bool,
                waiting: ((Int32?) -> Void)? = nil) throws(OutputFile.WriteError) {
        let url = URL(fileURLWithPath: destination)
        let parent = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: parent.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw .failed(path: destination, reason: "\(parent.path) is a file, not a folder")
        }
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw .failed(path: destination, reason: "cannot create \(parent.path): \(OutputFile.reason(error))")
        }
        path = parent.appendingPathComponent(".\(url.lastPathComponent).lock").path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        if fd < 0 { throw .failed(path: destination, reason: "cannot open the lock file \(path): \(OutputFile.errnoText())") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else {
                let reason = OutputFile.errnoText()
                close(fd)
                throw .failed(path: destination, reason: "cannot lock \(path): \(reason)")
            }
            let holder = Self.holder(fd)
            guard wait else {
                close(fd)
                throw .busy(path: shown ?? destination, pid: holder)
            }
            waiting?(holder)
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    let reason = OutputFile.errnoText()
                    close(fd)
                    throw .failed(path: destination, reason: "cannot lock \(path): \(reason)")
                }
            }
        }
        // Who holds it, for the message another run will print.
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(fd) }

    /// The process id written in the lock file by its holder, if it is readable.
    private static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }
}
