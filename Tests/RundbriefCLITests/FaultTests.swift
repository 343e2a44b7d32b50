import Foundation
import RundbriefTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Faults without a crash: the database locked by another process, SIGTERM while the relay hangs, a
/// second daemon on the same database, a port in use. Each runs the built binary against the real
/// SQLite file and `smtp_server.py`, and counts copies per recipient at the server.
@Suite(.serialized) struct FaultTests {
    /// Another process holds the write lock far longer than the sender's retries used to last: the
    /// results wait in memory, nothing is re-queued by the process that still owns it, the send
    /// carries on by itself once the lock is gone, and the error is logged once.
    @Test func databaseLockedForLongDuplicatesNothingAndCarriesOn() async throws {
        let recipients = 1_500
        let bed = try CLITestBed()
        let server = try SMTPTestServer(directory: bed.directory.appendingPathComponent("mail"))
        defer { server.stop() }
        // 50 a second: the send would last 22 s more after the lock is taken, longer than the lock.
        try bed.writeConfiguration(
            smtpPort: server.port, batchSize: 50, concurrency: 4, rate: 50, database: "busy_timeout_seconds = 1")
        try bed.prepareList(subscribers: recipients)
        let sendID = try bed.scheduleNow()
        let daemon = try bed.startSender()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }

        // When another process takes the write lock for 20 s a quarter of the way in. The locker watches
        // the server's count itself and reports the counts at its lock and its release: in a full parallel
        // run this test's own tasks can wait seconds for a thread, the locker does not.
        let locker = try DatabaseLocker(
            path: bed.databasePath, seconds: 20, stats: server.directory.appendingPathComponent("stats.json").path,
            after: recipients / 4)
        locker.start()
        let (atLock, atRelease, released) = try await locker.waitForRelease()
        #expect(atLock.map { $0 >= recipients / 4 } == true, "the lock was never taken")
        let stillToSend = atRelease ?? recipients
        #expect(stillToSend < recipients, "the send finished during the lock; the test proves nothing")

        // Then the send carries on by itself and finishes
        let resumed = await bed.whenTrue(timeout: .seconds(60)) {
            try server.messageCount() > stillToSend
        } then: {
        }
        let recovery = Date().timeIntervalSince(released)
        let done = try await eventually(timeout: .seconds(120)) {
            try bed.status(sendID)["status"] as? String == "done"
        }
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        #expect(resumed && done)
        let received = try server.recipients()
        let duplicates = received.count - Set(received).count
        #expect(Set(received).count == recipients)
        #expect(duplicates == 0)
        let status = try bed.status(sendID)
        #expect(status["sent"] as? Int == recipients)
        // And the trouble is logged once as an error saying what to do, and its end once
        let log = bed.senderLog
        #expect(log.components(separatedBy: "cannot write to the database").count - 1 == 1, "\(log)")
        #expect(log.contains("database writable again"))
        #expect(!log.contains("re-queued deliveries that were in flight"))
        print(
            "fault lock 20 s: \(duplicates) duplicates, 0 lost; sending again \(String(format: "%.1f", recovery)) s after the lock was released"
        )
    }

    /// The disk holding the database fills up in the middle of a send (a 16 MB tmpfs, filled by another
    /// file) and is freed 8 s later: nothing lost, nothing doubled, the error logged once, the send
    /// carries on by itself. Needs root to mount the tmpfs (the test namespace of `/work/bin/sw` and CI).
    @Test(.enabled(if: Tmpfs.available)) func diskFullMidSendDuplicatesNothingAndCarriesOn() async throws {
        let recipients = 1_500
        let bed = try CLITestBed()
        let disk = try Tmpfs(at: bed.directory.appendingPathComponent("disk"), megabytes: 16)
        defer { disk.unmount() }
        bed.databaseDirectory = disk.directory
        let mail = FileManager.default.temporaryDirectory.appendingPathComponent("rundbrief-mail-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: mail) }
        let server = try SMTPTestServer(directory: mail)
        defer { server.stop() }
        try bed.writeConfiguration(
            smtpPort: server.port, batchSize: 50, concurrency: 4, rate: 150, database: "busy_timeout_seconds = 1")
        try bed.prepareList(subscribers: recipients)
        let sendID = try bed.scheduleNow()
        let daemon = try bed.startSender()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }

        // When the disk fills up a quarter of the way in, and is freed 8 s later
        let filled = await bed.whenTrue(timeout: .seconds(120)) {
            try server.messageCount() >= recipients / 4
        } then: {
            disk.fill()
        }
        #expect(filled)
        try await Task.sleep(for: .seconds(8))
        let atFree = try server.messageCount()
        disk.free()
        let freed = Date()
        #expect(atFree < recipients, "the send finished while the disk was full; the test proves nothing")

        // Then the send carries on by itself and finishes with every recipient served once
        let done = try await eventually(timeout: .seconds(120)) {
            try bed.status(sendID)["status"] as? String == "done"
        }
        let finished = Date().timeIntervalSince(freed)
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        #expect(done)
        let received = try server.recipients()
        let duplicates = received.count - Set(received).count
        #expect(Set(received).count == recipients)
        #expect(duplicates == 0)
        let log = bed.senderLog
        #expect(log.components(separatedBy: "cannot write to the database").count - 1 == 1, "\(log)")
        #expect(log.contains("the disk holding the database is full"))
        #expect(!log.contains("re-queued deliveries that were in flight"))
        print(
            "fault disk full 8 s: \(duplicates) duplicates, 0 lost; done \(String(format: "%.1f", finished)) s after the disk was freed"
        )
    }

    /// A CLI write on a full disk: one line saying so, exit 75 (EX_TEMPFAIL) as `bounce ingest`.
    @Test(.enabled(if: Tmpfs.available)) func cliWriteOnAFullDiskSaysSoAndExits75() throws {
        let bed = try CLITestBed()
        let disk = try Tmpfs(at: bed.directory.appendingPathComponent("disk"), megabytes: 3)
        defer { disk.unmount() }
        bed.databaseDirectory = disk.directory
        try bed.writeConfiguration(smtpPort: 25, batchSize: 50, concurrency: 1)
        try bed.run(["lists", "create", "nrw", "--name", "NRW"])
        disk.fill()
        defer { disk.free() }
        var csv = "email,name\n"
        for index in 0..<5_000 { csv += "leser\(index)@example.net,Leserin \(index)\n" }
        let csvPath = bed.directory.appendingPathComponent("subscribers.csv").path
        try Data(csv.utf8).write(to: URL(fileURLWithPath: csvPath))
        let process = Process()
        process.executableURL = RundbriefBinary.url
        process.arguments = ["subscribers", "import", csvPath, "--list", "nrw", "--config", bed.configPath]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 75, "\(stderr)")
        #expect(stderr.contains("the disk holding the database is full"), "\(stderr)")
        #expect(!stderr.contains("SQLite error"), "\(stderr)")
    }

    /// SIGTERM while the relay hangs in the middle of DATA: the transfers are aborted, the daemon exits 0
    /// within `delivery.shutdown_timeout_seconds`, and the interrupted deliveries wait for the next start.
    @Test func sigtermWhileTheRelayStallsExitsWithinTheTimeout() async throws {
        let bed = try CLITestBed()
        let server = try SMTPTestServer(
            directory: bed.directory.appendingPathComponent("mail"), arguments: ["--stall-after", "100"])
        defer { server.stop() }
        try bed.writeConfiguration(
            smtpPort: server.port, batchSize: 50, concurrency: 4, delivery: "shutdown_timeout_seconds = 6")
        try bed.prepareList(subscribers: 400)
        let sendID = try bed.scheduleNow()
        let daemon = try bed.startSender()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }

        // When the relay stalls after 100 messages
        #expect(try await eventually(timeout: .seconds(60)) { try server.messageCount() >= 100 })
        // Then a warning says so, once (ten progress intervals of 1 s, at least 10 s)
        #expect(await eventually(timeout: .seconds(20)) { bed.senderLog.contains("it may be stalled") })
        try await Task.sleep(for: .seconds(2))
        #expect(bed.senderLog.components(separatedBy: "it may be stalled").count - 1 == 1)
        // And when SIGTERM comes
        let signalled = Date()
        kill(daemon.processIdentifier, SIGTERM)
        let exited = await eventually(timeout: .seconds(20)) { !daemon.isRunning }
        let took = Date().timeIntervalSince(signalled)

        // Then it exits 0 within the shutdown timeout (and a second for the process itself)
        #expect(exited)
        if !exited { kill(daemon.processIdentifier, SIGKILL) }
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0, "\(bed.senderLog)")
        #expect(took < 7, "shutdown took \(took) s")
        // And what was sent is recorded, the rest waits for the next start
        let status = try bed.status(sendID)
        #expect(status["status"] as? String == "running")
        #expect(status["sent"] as? Int == (try server.messageCount()))
        #expect(try server.messageCount() == 100)
        print(
            "fault stall + SIGTERM: exit \(daemon.terminationStatus) after \(String(format: "%.1f", took)) s (timeout 6 s)"
        )
    }

    /// A second `serve` on the same database is refused at once, naming the running daemon's PID, and
    /// leaves the running daemon's heartbeat file alone.
    @Test func secondDaemonOnTheSameDatabaseIsRefused() async throws {
        let fixture = try OpsFixture()
        let first = try DaemonProcess(fixture: fixture)
        #expect(await first.httpPort() != nil)
        let heartbeat = fixture.databasePath + ".daemon.json"
        #expect(await eventually(timeout: .seconds(10)) { FileManager.default.fileExists(atPath: heartbeat) })

        // The second one writes its stderr to a file of its own
        let secondLog = fixture.directory.appendingPathComponent("second.log").path
        _ = FileManager.default.createFile(atPath: secondLog, contents: nil)
        let second = Process()
        second.executableURL = RundbriefBinary.url
        second.arguments = ["serve", "--config", fixture.configPath]
        second.standardError = FileHandle(forWritingAtPath: secondLog)
        second.standardOutput = FileHandle.nullDevice
        try second.run()
        let refused = await eventually(timeout: .seconds(5)) { !second.isRunning }
        if !refused { kill(second.processIdentifier, SIGKILL) }
        second.waitUntilExit()
        let stderr = (try? String(contentsOfFile: secondLog, encoding: .utf8)) ?? ""
        #expect(refused, "a second daemon ran beside the first")
        #expect(second.terminationStatus == 75, "\(stderr)")
        #expect(stderr.contains("already running"), "\(stderr)")
        #expect(stderr.contains("PID \(first.process.processIdentifier)"), "\(stderr)")
        #expect(stderr.split(separator: "\n").count == 1, "\(stderr)")
        #expect(FileManager.default.fileExists(atPath: heartbeat))
        let status = try fixture.run(["status"])
        #expect(!status.stdout.contains("not running"), "\(status.stdout)")

        first.signal(SIGTERM)
        #expect(await first.waitForExit() == 0)
    }

    /// SIGHUP in the first milliseconds of `serve` (a reload racing the start) does not kill it.
    @Test func sighupRightAfterStartDoesNotKillTheDaemon() async throws {
        let fixture = try OpsFixture()
        let daemon = try DaemonProcess(fixture: fixture)
        // (Not in the very first milliseconds: until the dynamic loader has run, about 50-100 ms for
        // the debug binary, no process can catch or ignore a signal.)
        usleep(150_000)
        daemon.signal(SIGHUP)
        usleep(50_000)
        daemon.signal(SIGHUP)
        #expect(await daemon.httpPort() != nil, "\(daemon.log)")
        #expect(daemon.process.isRunning)
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    /// A port already in use: exit non-zero with one clear line (no CancellationError, no errno dump).
    @Test func portInUseExitsWithOneClearLine() async throws {
        let fixture = try OpsFixture()
        let blocker = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(blocker) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(blocker, pointer, length)
                listen(blocker, 1)
                return getsockname(blocker, pointer, &length)
            }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let text = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
            .replacingOccurrences(
                of: "[http]\nlisten = \"127.0.0.1:0\"", with: "[http]\nlisten = \"127.0.0.1:\(port)\"")
        try text.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)

        let result = try fixture.run(["serve"])
        #expect(result.status != 0)
        let errors = result.stderr.split(separator: "\n").filter {
            $0.contains("error") || $0.contains("critical") || $0.hasPrefix("rundbrief:")
        }
        #expect(errors.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("127.0.0.1:\(port) is already in use"), "\(result.stderr)")
        #expect(!result.stderr.contains("CancellationError"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.databasePath + ".daemon.json"))
    }
}

extension CLITestBed {
    var databasePath: String { (databaseDirectory ?? directory).appendingPathComponent("rundbrief.sqlite").path }
    var senderLog: String {
        (try? String(contentsOf: directory.appendingPathComponent("sender.log"), encoding: .utf8)) ?? ""
    }
}

/// Another process (Python's sqlite3) holding the database's write lock for a while.
final class DatabaseLocker: Sendable {
    private let process = Process()
    private let output = Pipe()

    /// - Parameters:
    ///   - stats: the SMTP test server's `stats.json`; the lock is taken once it counts `after` messages.
    init(path: String, seconds: Int, stats: String, after: Int) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            """
            import json, sqlite3, sys, time
            path, seconds, stats, after = sys.argv[1], float(sys.argv[2]), sys.argv[3], int(sys.argv[4])
            def count():
                try:
                    with open(stats) as f:
                        return json.load(f).get("messages", 0)
                except (OSError, ValueError):
                    return 0
            deadline = time.time() + 120
            while count() < after:
                if time.time() > deadline:
                    sys.exit(1)
                time.sleep(0.02)
            db = sqlite3.connect(path, isolation_level=None, timeout=60)
            db.execute("BEGIN EXCLUSIVE")
            print("locked", count(), flush=True)
            time.sleep(seconds)
            print("released", count(), flush=True)
            db.execute("ROLLBACK")
            """,
            path, "\(seconds)", stats, "\(after)",
        ]
        process.standardOutput = output
    }

    func start() {
        try? process.run()
    }

    /// Waits until the lock is released; returns the server's counts when the lock was taken and just
    /// before it was released (nil when that did not happen), and when the release was seen.
    func waitForRelease() async throws -> (locked: Int?, released: Int?, at: Date) {
        while !process.isRunning && process.processIdentifier == 0 { try await Task.sleep(for: .milliseconds(50)) }
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        let at = Date()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        func count(_ word: String) -> Int? {
            text.split(separator: "\n").first { $0.hasPrefix(word + " ") }.flatMap { Int($0.dropFirst(word.count + 1)) }
        }
        return (count("locked"), count("released"), at)
    }
}

/// A small tmpfs for disk-full tests, mounted in the test's mount namespace (root only).
final class Tmpfs: Sendable {
    let directory: URL
    private var filler: String { directory.appendingPathComponent("filler").path }

    /// Whether tmpfs can be mounted here (root, as in `/work/bin/sw`'s namespace and CI).
    static var available: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount") }

    init(at directory: URL, megabytes: Int) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard Self.shell("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", directory.path]) == 0 else {
            throw CLITestError("cannot mount a tmpfs at \(directory.path)")
        }
    }

    /// Fills what is left of the disk with one file.
    func fill() {
        _ = Self.shell("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=16k", "status=none"])
    }

    func free() {
        unlink(filler)
    }

    func unmount() {
        _ = Self.shell("/bin/umount", ["-l", directory.path])
    }

    @discardableResult
    private static func shell(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
