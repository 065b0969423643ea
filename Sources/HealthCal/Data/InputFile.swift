#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place input files (panel, spec, weight file, scorecard) are opened and read, so that
/// every path option says the same thing when the path is wrong: "X is a folder, not a file",
/// "X does not exist", never Foundation's "NSCocoaErrorDomain error 256".
public enum InputFile {
    /// The whole file at `path`; reads pipes and special files too (`/dev/stdin`).
    public static func read(_ path: String) throws(InputFileError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw InputFileError(path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { throw InputFileError(path: path, errno: EISDIR) }
        var bytes: [UInt8] = []
        if (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 { bytes.reserveCapacity(Int(info.st_size)) }
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = block.withUnsafeMutableBytes { b in systemRead(fd, b.baseAddress, b.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputFileError(path: path, errno: errno)
            }
            if n == 0 { break }
            bytes.append(contentsOf: block[0..<n])
        }
        return bytes
    }

    /// The file as UTF-8 text; invalid UTF-8 is an error naming the byte offset.
    public static func text(_ path: String) throws(InputFileError) -> String {
        let bytes = try read(path)
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        scan: while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(scalar): offset += scalar.count
            case .emptyInput, .error: break scan
            }
        }
        throw InputFileError(path: path, reason: "is not UTF-8 text (invalid byte at offset \(offset))")
    }
}

/// An input file that cannot be opened or read, in words: what is wrong with the path.
public struct InputFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// What is wrong, after the path: "is a folder, not a file".
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    init(path: String, errno code: Int32) {
        self.path = path
        switch code {
        case EISDIR: reason = "is a folder, not a file"
        case ENOENT: reason = "does not exist"
        case EACCES, EPERM: reason = "cannot be read (permission denied)"
        case ENOTDIR: reason = "does not exist (a part of the path is not a folder)"
        default: reason = "cannot be read (\(String(cString: strerror(code))))"
        }
    }

    public var description: String { "\(path) \(reason)" }
}
