import CSystem
import Foundation

/// Writing one output file safely: the bytes go to a temporary file in the destination's folder,
/// which is then renamed over the destination, so a reader never sees half a file and a crash
/// leaves the old file intact. Weight files are never replaced unless the caller says so; the
/// check and the rename are one step (RENAME_NOREPLACE), so two runs cannot both pass it. A set
/// of files that belong together is an `OutputFolder`.
public enum OutputFile {
    public enum WriteError: Error, Sendable, CustomStringConvertible {
        case exists(path: String)
        case failed(path: String, reason: String)
        /// Another run holds the destination's lock (`OutputLock`).
        case busy(path: String, pid: Int32?)

        public var description: String {
            switch self {
            case .exists(let path): return "\(path) exists; pass --force to replace it"
            case .failed(let path, let reason): return "could not write \(path): \(reason)"
            case .busy(let path, let pid):
                let who = pid.map { "another healthcal run (process \($0))" } ?? "another healthcal run"
                return "\(who) is writing \(path); wait for it to finish, or pass --wait to queue behind it"
            }
        }
    }

    /// Atomically writes `data` to `path`, creating parent folders. With `overwrite` false an
    /// existing file is an error and is left untouched.
    public static func write(_ data: Data, to path: String, overwrite: Bool) throws(WriteError) {
        try write(parts: CollectionOfOne(data), to: path, overwrite: overwrite)
    }

    public static func write(_ text: String, to path: String, overwrite: Bool) throws(WriteError) {
        try write(Data(text.utf8), to: path, overwrite: overwrite)
    }

    /// Atomically writes the concatenation of `parts` (written one after the other, never
    /// joined in memory: a file of tens of MB built on several cores needs no second copy).
    public static func write<Parts: Sequence>(parts: Parts, to path: String, overwrite: Bool) throws(WriteError)
        where Parts.Element: ContiguousBytes {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path)
        if !overwrite && fm.fileExists(atPath: path) { throw .exists(path: path) }
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: folder.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw .failed(path: path, reason: "\(folder.path) is a file, not a folder")
        }
        if fm.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw .failed(path: path, reason: "it is a folder")
        }
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .failed(path: path, reason: reason(error))
        }
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent)\(temporaryMark)\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        let fd = TemporaryFiles.shared.creating(temp) { open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666) }
        if fd < 0 {
            TemporaryFiles.shared.forget(temp)
            throw .failed(path: path, reason: errnoText())
        }
        var failure: String? = nil
        for part in parts where failure == nil {
            failure = part.withUnsafeBytes { writeAll(fd, $0) }
        }
        if close(fd) != 0 && failure == nil { failure = errnoText() }
        if failure == nil { WritePhaseCheckpoint.reached() }
        var error: WriteError? = failure.map { .failed(path: path, reason: $0) }
        if error == nil {
            TemporaryFiles.shared.settling(temp) {
                if (overwrite ? rename(temp, path) : hc_rename_noreplace(temp, path)) != 0 {
                    error = errno == EEXIST ? .exists(path: path) : .failed(path: path, reason: errnoText())
                    return false
                }
                return true
            }
        }
        if let error {
            _ = unlink(temp)
            TemporaryFiles.shared.forget(temp)
            throw error
        }
        WritePhaseCheckpoint.reached()
    }

    /// The infix of temporary files' names (`.NAME.tmp-PID-RANDOM`).
    static let temporaryMark = ".tmp-"

    /// Whether `name` is one of this tool's temporary files (left by a killed run).
    static func isTemporaryName(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(temporaryMark)
    }

    /// Writes every byte (a write may take fewer, or be interrupted); the reason when it cannot.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
        guard var next = bytes.baseAddress else { return nil }
        var left = bytes.count
        while left > 0 {
            let n = systemWrite(fd, next, left)
            if n < 0 {
                if errno == EINTR { continue }
                return errnoText()
            }
            next += n
            left -= n
        }
        return nil
    }

    /// The C library's text for the current errno.
    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// A Foundation error's reason without its domain and code.
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return ns.localizedDescription
    }
}
