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
        try stage(parts: parts, to: path, overwrite: overwrite).commit()
    }

    /// A file written in full under a temporary name next to its destination, not yet in place:
    /// `commit` renames it over the destination, `discard` removes it. For a set of outputs that
    /// should appear together or not at all (`StagedOutputs`).
    public struct Staged: Sendable {
        public let path: String
        let temp: String
        let overwrite: Bool

        /// Renames the file into place (checking again that it may replace what is there).
        public func commit() throws(WriteError) {
            if !overwrite && FileManager.default.fileExists(atPath: path) {
                discard()
                throw .exists(path: path)
            }
            if rename(temp, path) != 0 {
                let reason = String(cString: strerror(errno))
                discard()
                throw .failed(path: path, reason: reason)
            }
        }

        public func discard() { _ = unlink(temp) }
    }

    /// The first half of `write`: the parts written to a temporary file in the destination's
    /// folder (created if needed), which is left for the caller to `commit` or `discard`.
    public static func stage<Parts: Sequence>(parts: Parts, to path: String, overwrite: Bool) throws(WriteError) -> Staged
        where Parts.Element: ContiguousBytes {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path)
        if !overwrite && fm.fileExists(atPath: path) { throw .exists(path: path) }
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: folder.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw .failed(path: path, reason: "\(folder.path) is a file, not a folder")
        }
        // Found now rather than when renaming over it, after other outputs may be in place.
        if fm.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw .failed(path: path, reason: "it is a folder")
        }
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
        return Staged(path: path, temp: temp.path, overwrite: overwrite)
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

/// Outputs that appear together or not at all: each is staged (written in full next to its
/// destination) as it is made, and only when every one is staged are they renamed into place,
/// those the caller names (the weight file) last. A run that fails part-way leaves the output
/// folder as it was: no new weight file that a re-run would then need `--force` to replace, and
/// no old one replaced. Staged files that were never committed are removed when this goes.
public final class StagedOutputs: @unchecked Sendable {
    private var staged: [OutputFile.Staged] = []
    private var committed = false
    private let lock = NSLock()

    public init() {}

    /// Stages `parts` for `path` (see `OutputFile.stage`).
    public func stage<Parts: Sequence>(parts: Parts, to path: String, overwrite: Bool) throws(OutputFile.WriteError)
        where Parts.Element: ContiguousBytes {
        let file = try OutputFile.stage(parts: parts, to: path, overwrite: overwrite)
        lock.withLock { staged.append(file) }
    }

    public func stage(_ text: String, to path: String, overwrite: Bool) throws(OutputFile.WriteError) {
        try stage(parts: CollectionOfOne(Data(text.utf8)), to: path, overwrite: overwrite)
    }

    public func stage(_ data: Data, to path: String, overwrite: Bool) throws(OutputFile.WriteError) {
        try stage(parts: CollectionOfOne(data), to: path, overwrite: overwrite)
    }

    /// Renames every staged file into place, those named `last` after the others.
    public func commit(last: Set<String> = []) throws(OutputFile.WriteError) {
        let files = lock.withLock { staged }
        let ordered = files.filter { !last.contains($0.path) } + files.filter { last.contains($0.path) }
        for (k, file) in ordered.enumerated() {
            do throws(OutputFile.WriteError) { try file.commit() } catch {
                for rest in ordered[(k + 1)...] { rest.discard() }
                lock.withLock { committed = true }
                throw error
            }
        }
        lock.withLock { committed = true }
    }

    deinit {
        if !committed { for file in staged { file.discard() } }
    }
}
