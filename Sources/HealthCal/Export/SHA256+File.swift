import Foundation

extension SHA256 {
    /// The digest of the file at `path` as 64 lowercase hex digits, read in 1 MiB chunks (the
    /// training file can be hundreds of MB; only one chunk is in memory at a time). nil when the
    /// file cannot be opened or read.
    public static func hex(contentsOf path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { chunk.deallocate() }
        var hasher = Hasher()
        while true {
            let got = read(fd, chunk.baseAddress, chunk.count)
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                return nil
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: chunk[0..<got]))
        }
        return hexDigits(hasher.finalize())
    }
}

/// The SHA-256 of a file computed on another thread while the caller goes on: hashing a
/// training file of 200 MB takes about a second of one core, which the flag and report stages
/// leave partly free. `hex` waits for it.
final class BackgroundFileHash: Sendable {
    private let digest: BackgroundValue<String?>

    init(path: String) {
        digest = BackgroundValue { SHA256.hex(contentsOf: path) }
    }

    /// The digest as 64 lowercase hex digits, nil when the file could not be read. Waits for the
    /// hashing thread; later calls return at once.
    var hex: String? { digest.value }
}
