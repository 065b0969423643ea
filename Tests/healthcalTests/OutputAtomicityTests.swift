import Foundation
import Testing

/// `recalibrate` and `flags` killed (SIGKILL, SIGINT, SIGTERM) at every point of their write
/// phase, and two runs into one folder at once: the folder is always exactly the old run's
/// outputs or exactly the new run's, and no temporary file outlives the run (after SIGKILL, the
/// next run removes them). The stopping points come from the `HEALTHCAL_TEST_STOP_AT` hook: the
/// child stops itself (SIGSTOP) at its N-th write-phase step, the test sends the signal and
/// SIGCONT, for N = 1, 2, ... until a child runs to the end without stopping.
@Suite struct OutputAtomicityTests {
    enum Command: String, CaseIterable, Sendable { case recalibrate, flags }

    /// Two small panels (300 customers, 6 quarters) with their specs, made once: the "old" run
    /// reads one, the "new" run the other, so their outputs differ.
    static let samples: [String: URL] = {
        var made: [String: URL] = [:]
        for (label, seed) in [("old", "8"), ("new", "7")] {
            guard let dir = try? CLI.temporaryDirectory(),
                  (try? CLI.run(["sample-data", "--out", dir.path, "--customers", "300", "--periods", "6", "--seed", seed]))?.status == 0
            else { continue }
            made[label] = dir
        }
        return made
    }()

    static func arguments(_ command: Command, out: URL, label: String) throws -> [String] {
        let data = try #require(samples[label == "old" ? "old" : "new"])
        let common = ["--spec", data.appendingPathComponent("spec.yaml").path, "--data", data.appendingPathComponent("panel.csv").path,
                      "--out", out.path]
        switch command {
        // No optimism refits: this suite is about the writing, and it runs recalibrate many times.
        case .recalibrate: return ["recalibrate"] + common + ["--label", label, "--force", "--validate", "0"]
        case .flags: return ["flags"] + common
        }
    }

    /// Every file below `folder` (hidden ones too) with its bytes.
    static func contents(_ folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return files }
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files[String(url.path.dropFirst(folder.path.count + 1))] = try? Data(contentsOf: url)
        }
        return files
    }

    /// Names beside `out` in its parent other than `out` itself and its lock file.
    static func leftovers(beside out: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)) ?? []
        return names.filter { $0 != out.lastPathComponent && $0 != ".\(out.lastPathComponent).lock" }.sorted()
    }

    /// A started child's state letter from /proc (`T` once it has stopped itself), nil once it is gone.
    static func state(_ pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].first { $0 != " " }
    }

    /// Starts the command with the stop hook at `stop` (nil: none); waits until it has stopped
    /// itself or ended. Returns the process, and whether it is stopped.
    static func start(_ arguments: [String], stop: Int?) throws -> (Process, Bool) {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.currentDirectoryURL = CLI.root
        var environment = ProcessInfo.processInfo.environment
        if let stop { environment["HEALTHCAL_TEST_STOP_AT"] = String(stop) }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard stop != nil else { return (process, false) }
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline {
            if state(process.processIdentifier) == "T" { return (process, true) }
            usleep(2_000)
        }
        return (process, false)
    }

    static func signals() -> [Int32] { [SIGKILL, SIGINT, SIGTERM] }

    @Test(arguments: Command.allCases, signals())
    func killedAtEveryWriteStepLeavesOldOrNewOutputs(_ command: Command, _ signal: Int32) throws {
        let root = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        // The old outputs (another label), and the new run's outputs made in a folder of their own.
        let template = root.appendingPathComponent("template")
        #expect(try CLI.run(Self.arguments(command, out: template, label: "old")).status == 0)
        let reference = root.appendingPathComponent("reference")
        let made = try CLI.run(Self.arguments(command, out: reference, label: "new"))
        #expect(made.status == 0, "exit \(made.status): \(made.stderr.prefix(4000))")
        let old = Self.contents(template), new = Self.contents(reference)
        #expect(old != new)
        try FileManager.default.removeItem(at: template.deletingLastPathComponent().appendingPathComponent(".template.lock"))

        let parent = root.appendingPathComponent("runs")
        let out = parent.appendingPathComponent("out")
        var stop = 1
        var sawOld = false, sawNew = false
        while stop < 100 {
            // A fresh copy of the old run's outputs (or none, every third time: a first run).
            try? FileManager.default.removeItem(at: parent)
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            let fresh = stop % 3 == 0
            if !fresh { try FileManager.default.copyItem(at: template, to: out) }

            let (process, stopped) = try Self.start(Self.arguments(command, out: out, label: "new"), stop: stop)
            guard stopped else {
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "a run with no stop hook left should succeed")
                #expect(Self.contents(out) == new)
                break
            }
            kill(process.processIdentifier, signal)
            kill(process.processIdentifier, SIGCONT)
            process.waitUntilExit()
            switch signal {
            case SIGKILL:
                #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
            default:
                // 130 or 143; or 0 when the run put its outputs in place and ended before the
                // signal's handler got a turn (on a busy machine, at the last steps).
                let finished = process.terminationStatus == 0 && Self.contents(out) == new
                #expect(process.terminationReason == .exit && (process.terminationStatus == 128 + signal || finished),
                        "stop \(stop): exit \(process.terminationStatus)")
            }
            let now = Self.contents(out)
            let isOld = fresh ? now.isEmpty : now == old
            #expect(isOld || now == new, "stop \(stop), signal \(signal): the folder mixes runs: \(now.keys.sorted())")
            sawOld = sawOld || (isOld && !fresh)
            sawNew = sawNew || now == new
            if signal == SIGKILL {
                // The next run cleans up what the killed one left.
                let next = try CLI.run(Self.arguments(command, out: out, label: "new"))
                #expect(next.status == 0, "stop \(stop): exit \(next.status): \(next.stderr.prefix(4000))")
                #expect(Self.contents(out) == new)
            }
            #expect(Self.leftovers(beside: out) == [], "stop \(stop), signal \(signal)")
            stop += 1
        }
        // The hook reached every step: the kills landed both before and after the swap.
        #expect(stop > 4 && sawOld && sawNew)
    }

    @Test(arguments: Command.allCases)
    func aSecondRunIntoTheSameFolderFailsNamingTheFirstOrWaits(_ command: Command) throws {
        let root = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let reference = root.appendingPathComponent("reference")
        let made = try CLI.run(Self.arguments(command, out: reference, label: "new"))
        #expect(made.status == 0, "exit \(made.status): \(made.stderr.prefix(4000))")
        let out = root.appendingPathComponent("runs/out")

        // The first run stops itself after its first output file, holding the folder's lock.
        let (first, stopped) = try Self.start(Self.arguments(command, out: out, label: "new"), stop: 1)
        try #require(stopped)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let second = try CLI.run(Self.arguments(command, out: out, label: "second"))
        #expect(second.status == 4)
        #expect(second.stderr.contains("another healthcal run (process \(first.processIdentifier)) is writing"))
        #expect(second.stderr.contains("--wait"))
        #expect(!FileManager.default.fileExists(atPath: out.path))

        // With --wait, a third run queues behind the first and then writes its own outputs.
        let (third, _) = try Self.start(Self.arguments(command, out: out, label: "new") + ["--wait"], stop: nil)
        usleep(300_000)
        #expect(third.isRunning, "a --wait run should be waiting for the lock")
        kill(first.processIdentifier, SIGCONT)
        first.waitUntilExit()
        third.waitUntilExit()
        #expect(first.terminationStatus == 0 && third.terminationStatus == 0)
        #expect(Self.contents(out) == Self.contents(reference))
        #expect(Self.leftovers(beside: out) == [])
    }

    @Test func withoutForceAnExistingWeightFileStopsTheRunBeforeAnyWork() throws {
        let root = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out")
        #expect(try CLI.run(Self.arguments(.recalibrate, out: out, label: "old")).status == 0)
        let before = Self.contents(out)
        let args = try Self.arguments(.recalibrate, out: out, label: "new").filter { $0 != "--force" }
        let run = try CLI.run(args)
        #expect(run.status == 4)
        #expect(run.stderr.contains("weights.json exists; pass --force to replace it"))
        #expect(Self.contents(out) == before)
        #expect(Self.leftovers(beside: out) == [])
    }

    @Test func filesOfYourOwnInTheFolderAreKept() throws {
        let root = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out")
        #expect(try CLI.run(Self.arguments(.recalibrate, out: out, label: "old")).status == 0)
        try "my notes\n".write(to: out.appendingPathComponent("notes.txt"), atomically: false, encoding: .utf8)
        // A stale output the new run does not write again (exports/ is the run's own: it goes).
        try "stale\n".write(to: out.appendingPathComponent("exports/old-extra.sql"), atomically: false, encoding: .utf8)
        #expect(try CLI.run(Self.arguments(.recalibrate, out: out, label: "new")).status == 0)
        #expect(try String(contentsOf: out.appendingPathComponent("notes.txt"), encoding: .utf8) == "my notes\n")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("exports/old-extra.sql").path))
    }

    @Test func anOutputFolderThatIsAFileIsNamedAsSuch() throws {
        let root = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out")
        try "x\n".write(to: out, atomically: false, encoding: .utf8)
        for command in Command.allCases {
            let run = try CLI.run(Self.arguments(command, out: out, label: "new"))
            #expect(run.status == 4)
            #expect(run.stderr.contains("\(out.path): it is a file, not a folder"), "\(run.stderr)")
        }
    }
}
