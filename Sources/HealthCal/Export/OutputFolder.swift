import CSystem
import Foundation

/// A run's output folder, which appears whole or not at all, whatever stops the run and whoever
/// else writes there:
/// - an advisory lock (`OutputLock`) on the destination for the whole run, so a second run
///   fails at once (or waits, with `wait`);
/// - every output is written into a fresh sibling folder, `.NAME.staging-PID-RANDOM`;
/// - `commit` puts it in place with one rename: renameat2's RENAME_EXCHANGE swaps it with an
///   existing folder (the old one is kept until the swap has succeeded, then removed), or
///   RENAME_NOREPLACE moves it to a destination that does not exist yet;
/// - SIGINT, SIGTERM and SIGHUP remove the staging folder (`TemporaryFiles`); after a SIGKILL
///   the next run into the same destination removes what was left.
///
/// Entries of an existing folder that the run does not write (its `owned` names: files, or
/// whole sub-folders such as `exports`) are carried into the new folder as hard links, so an
/// analyst's own notes there survive, while none of the run's own kinds of output can survive
/// from an older run and be mistaken for this one's.
public final class OutputFolder: @unchecked Sendable {
    /// Where the outputs go (symbolic links resolved, so the link's target is what is replaced).
    public let destination: String
    private let staging: String
    private let owned: Set<String>
    private let lock: OutputLock
    private let state = NSLock()
    private var settled = false

    /// Takes the destination's lock, removes what killed runs left, and starts an empty staging
    /// folder. `protected` names are never replaced unless `force` (the weight file): their
    /// presence is an error now, before any work. `waiting` is told when the lock is busy and
    /// `wait` is set (the other run's process id, when known).
    public init(_ path: String, owned: Set<String>, protected: Set<String> = [], force: Bool = false,
                wait: Bool = false, waiting: ((Int32?) -> Void)? = nil) throws(OutputFile.WriteError) {
        let fm = FileManager.default
        var url = URL(fileURLWithPath: path).standardizedFileURL
        if let target = try? fm.destinationOfSymbolicLink(atPath: url.path) {
            url = URL(fileURLWithPath: target, relativeTo: url.deletingLastPathComponent()).standardizedFileURL
        }
        destination = url.path
        self.owned = owned
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: destination, isDirectory: &isFolder), !isFolder.boolValue {
            throw .failed(path: path, reason: "it is a file, not a folder")
        }
        lock = try OutputLock(for: destination, shown: path, wait: wait, waiting: waiting)
        if !force {
            for name in protected.sorted() where fm.fileExists(atPath: url.appendingPathComponent(name).path) {
                throw .exists(path: URL(fileURLWithPath: path).appendingPathComponent(name).path)
            }
        }
        Self.removeLeftovers(of: url)
        staging = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).staging-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try TemporaryFiles.shared.creating(staging) { () throws(OutputFile.WriteError) in
            if mkdir(staging, 0o777) != 0 { throw .failed(path: path, reason: "cannot create \(staging): \(OutputFile.errnoText())") }
        }
    }

    deinit { discard() }

    /// Writes `parts` one after the other to `name` (a path relative to the folder, such as
    /// `exports/score.sql`; its sub-folders are created). Safe to call from several threads for
    /// different names.
    public func write<Parts: Sequence>(parts: Parts, to name: String) throws(OutputFile.WriteError)
        where Parts.Element: ContiguousBytes {
        let fd = try create(name)
        var reason: String? = nil
        for part in parts where reason == nil {
            reason = part.withUnsafeBytes { OutputFile.writeAll(fd, $0) }
        }
        try close(fd, name, failure: reason)
    }

    /// Writes `name` with what `body` hands to its `emit` function, chunk by chunk (a file too
    /// large to build in memory). An error from `body` is rethrown.
    public func write<T>(to name: String, _ body: (_ emit: (String) throws -> Void) throws -> T) throws -> T {
        let fd = try create(name)
        let value: T
        do {
            value = try body { (text: String) throws(OutputFile.WriteError) in
                var text = text
                if let reason = text.withUTF8({ OutputFile.writeAll(fd, UnsafeRawBufferPointer($0)) }) {
                    throw .failed(path: shown(name), reason: reason)
                }
            }
        } catch {
            _ = systemClose(fd)
            throw error
        }
        try close(fd, name, failure: nil)
        return value
    }

    private func shown(_ name: String) -> String { URL(fileURLWithPath: destination).appendingPathComponent(name).path }

    /// Creates `name` in the staging folder, with its sub-folders, for writing.
    private func create(_ name: String) throws(OutputFile.WriteError) -> Int32 {
        try TemporaryFiles.shared.inside { () throws(OutputFile.WriteError) -> Int32 in
            // Sub-folders one level at a time below the staging folder, never the staging folder
            // itself: once a signal's cleanup has removed it, nothing here can bring it back.
            var folder = staging
            for component in name.split(separator: "/").dropLast() {
                folder += "/" + component
                if mkdir(folder, 0o777) != 0 && errno != EEXIST {
                    throw .failed(path: shown(name), reason: OutputFile.errnoText())
                }
            }
            let fd = open(staging + "/" + name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd < 0 { throw .failed(path: shown(name), reason: OutputFile.errnoText()) }
            return fd
        }
    }

    private func close(_ fd: Int32, _ name: String, failure: String?) throws(OutputFile.WriteError) {
        var reason = failure
        if systemClose(fd) != 0 && reason == nil { reason = OutputFile.errnoText() }
        if let reason { throw .failed(path: shown(name), reason: reason) }
        WritePhaseCheckpoint.reached()
    }

    public func write(_ text: String, to name: String) throws(OutputFile.WriteError) {
        try write(parts: CollectionOfOne(Data(text.utf8)), to: name)
    }

    public func write(_ data: Data, to name: String) throws(OutputFile.WriteError) {
        try write(parts: CollectionOfOne(data), to: name)
    }

    /// Puts the written folder in place with one rename, then removes the folder it replaced.
    public func commit() throws(OutputFile.WriteError) {
        let fm = FileManager.default
        let exists = fm.fileExists(atPath: destination)
        if exists {
            try carryOver()
            // The new folder keeps the old one's permissions (a group-shared reports folder).
            var info = stat()
            if stat(destination, &info) == 0 { _ = chmod(staging, info.st_mode & 0o7777) }
        }
        WritePhaseCheckpoint.reached()
        try TemporaryFiles.shared.settling(staging) { () throws(OutputFile.WriteError) in
            let swapped = exists ? hc_rename_exchange(staging, destination) : hc_rename_noreplace(staging, destination)
            if swapped != 0 { throw .failed(path: destination, reason: "cannot put the new folder in place: \(OutputFile.errnoText())") }
            // After a swap the old folder sits at the staging path, still to be removed (below,
            // or by a signal's cleanup).
            return !exists
        }
        state.withLock { settled = true }
        WritePhaseCheckpoint.reached()
        if exists {
            // Under the registry's lock, so that a signal's cleanup does not remove it at once.
            TemporaryFiles.shared.settling(staging) {
                try? fm.removeItem(atPath: staging)
                return true
            }
            WritePhaseCheckpoint.reached()
        }
    }

    /// Removes the staging folder (nothing was put in place). Called when the run fails.
    public func discard() {
        let wasSettled = state.withLock { () -> Bool in
            defer { settled = true }
            return settled
        }
        guard !wasSettled else { return }
        TemporaryFiles.shared.settling(staging) {
            try? FileManager.default.removeItem(atPath: staging)
            return true
        }
    }

    /// Hard-links (or copies) into the staging folder every entry of the existing folder that
    /// the run does not own.
    private func carryOver() throws(OutputFile.WriteError) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: destination) else { return }
        for name in names.sorted() where !owned.contains(name) && !OutputFile.isTemporaryName(name) {
            do {
                try fm.linkItem(atPath: destination + "/" + name, toPath: staging + "/" + name)
            } catch {
                do {
                    try fm.copyItem(atPath: destination + "/" + name, toPath: staging + "/" + name)
                } catch {
                    throw .failed(path: destination + "/" + name, reason: "cannot keep it in the new folder: \(OutputFile.reason(error))")
                }
            }
        }
    }

    /// What runs into `destination` that were killed (SIGKILL) left beside it: staging folders,
    /// and an old folder swapped out but not yet removed. Called with the lock held, so none of
    /// them belongs to a live run.
    private static func removeLeftovers(of destination: URL) {
        let fm = FileManager.default
        let parent = destination.deletingLastPathComponent().path
        let prefix = ".\(destination.lastPathComponent).staging-"
        for name in (try? fm.contentsOfDirectory(atPath: parent)) ?? [] where name.hasPrefix(prefix) {
            try? fm.removeItem(atPath: parent + "/" + name)
        }
        // Temporary files of single-file writes killed inside the folder.
        for name in (try? fm.contentsOfDirectory(atPath: destination.path)) ?? [] where OutputFile.isTemporaryName(name) {
            try? fm.removeItem(atPath: destination.path + "/" + name)
        }
    }
}
