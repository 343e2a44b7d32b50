import Foundation
import RundbriefTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// Helpers for the tests that run the built `rundbrief` binary as a daemon. (The file name ends in
// "Tests" only because of how files are assigned to owners in this repository.)

/// A temporary directory with a configuration and a database path for one test.
final class OpsFixture {
    let directory: URL
    var configPath: String { directory.appendingPathComponent("rundbrief.toml").path }
    var databasePath: String { directory.appendingPathComponent("rundbrief.sqlite").path }
    var stderrPath: String { directory.appendingPathComponent("stderr.log").path }

    /// The templates the daemon uses: the repository's, or a copy a test may edit.
    let templatesDirectory: String

    /// - Parameter ownTemplates: copy the templates into the fixture, so the test can change them.
    init(logLevel: String = "info", ownTemplates: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("rundbrief-ops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if ownTemplates {
            let copy = directory.appendingPathComponent("templates")
            try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.templatesDirectory), to: copy)
            templatesDirectory = copy.path
        } else {
            templatesDirectory = Self.templatesDirectory
        }
        try writeConfig(logLevel: logLevel)
    }

    /// The repository's templates: the daemon serves the subscriber web from them.
    static let templatesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("templates").path

    func writeConfig(logLevel: String) throws {
        let text = """
            [database]
            path = "\(databasePath)"
            [http]
            listen = "127.0.0.1:0"
            [metrics]
            listen = "127.0.0.1:0"
            [admin]
            listen = "127.0.0.1:0"
            [tokens]
            keys = ["test:dGVzdC1rZXktbm90LXNlY3JldC0wMTIzNDU2Nzg5"]
            [delivery]
            progress_interval_seconds = 1
            shutdown_timeout_seconds = 5
            [templates]
            directory = "\(templatesDirectory)"
            [log]
            level = "\(logLevel)"
            """
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Runs a command to completion: (exit status, stdout, stderr).
    @discardableResult
    func run(_ arguments: [String], input: Data? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try ChildProcess.run(RundbriefBinary.url, arguments + ["--config", configPath], input: input)
        return (result.status, result.stdout, result.stderr)
    }

    /// Adds subscribers straight into the database (as an import would), without the CLI under test.
    func addSubscribers(_ addresses: [String], status: String) throws {
        try run(["lists", "create", "news", "--name", "News"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments =
            [
                "-c",
                """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1])
                for address in sys.argv[3:]:
                    db.execute("INSERT INTO subscribers(email, status, created_at, updated_at) VALUES (?, ?, '2025-01-01', '2025-01-01')", (address, sys.argv[2]))
                db.commit()
                """,
                databasePath, status,
            ] + addresses
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// Runs SQL on the database with Python's sqlite3 (an independent writer, as another process would be).
    func execute(_ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c", "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.commit()",
            databasePath, sql,
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        remove()
    }
}

/// The `rundbrief` executable built next to the test bundle.
enum RundbriefBinary {
    static var url: URL {
        let besideRunner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            besideRunner.appendingPathComponent("rundbrief"),
            besideRunner.deletingLastPathComponent().appendingPathComponent("rundbrief"),
            packageRoot.appendingPathComponent(".build/debug/rundbrief"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
            ?? candidates[2]
    }
}

/// `rundbrief serve` running in the background, its stderr in a file.
final class DaemonProcess {
    let process = Process()
    let stderrPath: String

    init(fixture: OpsFixture, environment: [String: String] = [:]) throws {
        stderrPath = fixture.stderrPath
        // Created only when missing: a test may have named this file's inode in $JOURNAL_STREAM.
        if !FileManager.default.fileExists(atPath: stderrPath) {
            _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        }
        process.executableURL = RundbriefBinary.url
        process.arguments = ["serve", "--config", fixture.configPath]
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"] {
            env[key] = nil
        }
        process.environment = env.merging(environment) { _, new in new }
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    var log: String {
        (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to exit; nil if it is still running after `seconds` (it is then killed).
    func waitForExit(seconds: Double = 15) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            return nil
        }
        return process.terminationStatus
    }

    /// Waits until the log contains `text`.
    func waitForLog(_ text: String, seconds: Double = 20) async -> Bool {
        await eventually(timeout: .seconds(seconds)) { self.log.contains(text) }
    }

    /// The HTTP port the daemon bound (it listens on port 0 in tests), from its "serving" log line.
    func httpPort() async -> Int? {
        guard await waitForLog("serving") else { return nil }
        let line = log.split(separator: "\n").first { $0.contains("serving") } ?? ""
        guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("http.address=") }),
            let colon = field.lastIndex(of: ":")
        else { return nil }
        return Int(field[field.index(after: colon)...].filter(\.isNumber))
    }

    /// The metrics listener's port, from its "metrics listening" log line.
    func metricsPort() async -> Int? {
        guard await waitForLog("metrics listening") else { return nil }
        let line = log.split(separator: "\n").first { $0.contains("metrics listening") } ?? ""
        guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("metrics.address=") }),
            let colon = field.lastIndex(of: ":")
        else { return nil }
        return Int(field[field.index(after: colon)...].filter(\.isNumber))
    }

    /// The admin listener's port, from its "admin listening" log line.
    func adminPort() async -> Int? {
        guard await waitForLog("admin listening") else { return nil }
        let line = log.split(separator: "\n").first { $0.contains("admin listening") } ?? ""
        guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("admin.address=") }),
            let colon = field.lastIndex(of: ":")
        else { return nil }
        return Int(field[field.index(after: colon)...].filter(\.isNumber))
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// A unix datagram socket standing in for systemd's notification socket; a thread collects messages.
final class NotifyListener: Sendable {
    let path: String
    private let descriptor: Int32
    private let received = Mutex<[String]>([])
    private let stopped = Mutex(false)

    /// - Parameter path: a filesystem path, or `@name` for the abstract namespace.
    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = MemoryLayout<sa_family_t>.size + bytes.count + (bytes[0] == 0 ? 0 : 1)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(length))
            }
        }
        guard result == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(
            descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in receiveLoop() }
        thread.start()
    }

    private func receiveLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !stopped.withLock({ $0 }) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 {
                let message = String(decoding: buffer[..<count], as: UTF8.self)
                received.withLock { $0.append(message) }
            }
        }
        close(descriptor)
    }

    var messages: [String] { received.withLock { $0 } }

    /// Every `KEY=value` assignment received so far, in order.
    var assignments: [String] { messages.flatMap { $0.split(separator: "\n").map(String.init) } }

    func waitFor(_ assignment: String, seconds: Double = 20) async -> Bool {
        await eventually(timeout: .seconds(seconds)) {
            self.assignments.contains { $0 == assignment || $0.hasPrefix(assignment) }
        }
    }

    func stop() {
        stopped.withLock { $0 = true }
        if path.hasPrefix("/") { unlink(path) }
    }
}
