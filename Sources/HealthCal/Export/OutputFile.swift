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
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path)
        if !overwrite && fm.fileExists(atPath: path) { throw .exists(path: path) }
        let folder = url.deletingLastPathComponent()
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            try data.write(to: temp)
            if rename(temp.path, path) != 0 {
                let reason = String(cString: strerror(errno))
                try? fm.removeItem(at: temp)
                throw WriteError.failed(path: path, reason: reason)
            }
        } catch let error as WriteError {
            throw error
        } catch {
            try? fm.removeItem(at: temp)
            throw .failed(path: path, reason: error.localizedDescription)
        }
    }

    public static func write(_ text: String, to path: String, overwrite: Bool) throws(WriteError) {
        try write(Data(text.utf8), to: path, overwrite: overwrite)
    }
}
