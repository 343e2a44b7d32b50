import Foundation
import RundbriefTestSupport
import Testing

/// `kill -9` of the daemon's sender in the middle of a send: after a restart every recipient has the
/// edition, and no more are sent twice than the in-flight window (2 × batch_size + concurrency).
@Suite(.serialized) struct CrashTests {
    static let recipients = 3000
    static let batchSize = 50
    static let concurrency = 4
    static var inFlightWindow: Int { 2 * batchSize + concurrency }

    @Test func killedMidSendResumesWithoutLossAndFewDuplicates() async throws {
        let bed = try CLITestBed()
        let server = try SMTPTestServer(directory: bed.directory.appendingPathComponent("mail"))
        defer { server.stop() }
        // 300 messages/s: the send takes 10 s, so the kill lands in the middle however late the test polls.
        try bed.writeConfiguration(
            smtpPort: server.port, batchSize: Self.batchSize, concurrency: Self.concurrency, rate: 300)
        try bed.prepareList(subscribers: Self.recipients)
        let sendID = try bed.scheduleNow()

        // When the sender is killed with SIGKILL after a third of the messages went out
        let first = try bed.startSender()
        let pid = first.processIdentifier
        let killed = await bed.whenTrue(timeout: .seconds(120)) {
            try server.messageCount() >= Self.recipients / 3
        } then: {
            kill(pid, SIGKILL)
        }
        #expect(killed)
        if !killed { kill(pid, SIGKILL) }
        first.waitUntilExit()
        let atKill = try server.messageCount()
        #expect(atKill < Self.recipients, "the send finished before the kill; the test proves nothing")
        let inFlight = try bed.status(sendID)["sending"] as? Int ?? -1
        #expect(inFlight > 0 && inFlight <= Self.inFlightWindow)

        // And started again
        let second = try bed.startSender()
        let done = try await eventually(timeout: .seconds(180)) {
            try bed.status(sendID)["status"] as? String == "done"
        }
        second.terminate()
        second.waitUntilExit()

        // Then every recipient received it, with at most the in-flight window sent twice
        #expect(done)
        let received = try server.recipients()
        let expected = Set((0..<Self.recipients).map { "leser\($0)@example.net" })
        #expect(Set(received) == expected)
        let duplicates = received.count - Set(received).count
        #expect(duplicates <= Self.inFlightWindow)
        print(
            "crash test: killed after \(atKill) messages with \(inFlight) in flight; \(duplicates) duplicates (window \(Self.inFlightWindow))"
        )
        #expect(second.terminationStatus == 0)
        let status = try bed.status(sendID)
        #expect(status["sent"] as? Int == Self.recipients && status["failed"] as? Int == 0)
    }
}

/// A temporary directory with a configuration, a database and the built `rundbrief` binary.
final class CLITestBed {
    let directory: URL
    let configPath: String
    /// Where the database goes (default: the bed's directory), e.g. a small tmpfs.
    var databaseDirectory: URL?
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rundbrief-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        configPath = directory.appendingPathComponent("rundbrief.toml").path
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// `rate` (messages per second, 0 = unlimited) keeps a send running long enough for a test to
    /// interrupt it in the middle even when a loaded machine delays the test's polling by seconds.
    /// `database` and `delivery` are more lines for those sections (e.g. `busy_timeout_seconds = 1`).
    func writeConfiguration(
        smtpPort: Int, batchSize: Int, concurrency: Int, rate: Int = 0, database: String = "", delivery: String = ""
    ) throws {
        let secret = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let text = """
            [database]
            path = "\((databaseDirectory ?? directory).path)/rundbrief.sqlite"
            \(database)
            [http]
            listen = "127.0.0.1:0"
            base_url = "https://news.example.org"
            [metrics]
            listen = "127.0.0.1:0"
            [admin]
            listen = "127.0.0.1:0"
            [smtp]
            url = "smtp://127.0.0.1:\(smtpPort)"
            starttls = "off"
            concurrency = \(concurrency)
            [sender]
            name = "Interkommunales.NRW"
            address = "newsletter@example.org"
            postal_address = "Musterstraße 1, 40213 Düsseldorf"
            [delivery]
            batch_size = \(batchSize)
            rate = \(rate)
            progress_interval_seconds = 1
            retry_initial_seconds = 1
            \(delivery)
            [tokens]
            keys = ["t1:\(secret)"]
            [templates]
            directory = "\(Self.repository.path)/templates"
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    /// Creates the list and imports `count` subscribers, then adds the edition.
    func prepareList(subscribers count: Int) throws {
        try run(["lists", "create", "nrw", "--name", "Interkommunales.NRW"])
        var csv = "email,name\n"
        for index in 0..<count { csv += "leser\(index)@example.net,Leserin \(index)\n" }
        let csvPath = directory.appendingPathComponent("subscribers.csv").path
        try Data(csv.utf8).write(to: URL(fileURLWithPath: csvPath))
        try run(["subscribers", "import", csvPath, "--list", "nrw"])
        let edition = directory.appendingPathComponent("ausgabe.md").path
        let source = """
            ---
            subject: "Newsletter III/2025 – Interkommunales.NRW"
            preheader: "Neues aus der interkommunalen Zusammenarbeit"
            list: nrw
            slug: ausgabe-3
            ---
            # Liebe {{subscriber.name}},

            die dritte Ausgabe – mit „Neuigkeiten“ aus den Kommunen.
            """
        try Data(source.utf8).write(to: URL(fileURLWithPath: edition))
        try run(["edition", "add", edition])
    }

    func scheduleNow() throws -> Int64 {
        let output = try run(["send", "schedule", "ausgabe-3", "--list", "nrw", "--at", "now", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        guard let id = object?["id"] as? Int else { throw CLITestError("send schedule printed no id: \(output)") }
        return Int64(id)
    }

    func status(_ id: Int64) throws -> [String: Any] {
        let output = try run(["send", "status", "\(id)", "--json"])
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
    }

    /// Starts the sender (`rundbrief send run`) in the background, its log in `sender.log`.
    func startSender() throws -> Process {
        let process = Process()
        process.executableURL = RundbriefBinary.url
        process.arguments = ["serve", "--config", configPath]
        let log = directory.appendingPathComponent("sender.log")
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        return process
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = RundbriefBinary.url
        process.arguments = arguments + ["--config", configPath]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLITestError(
                "rundbrief \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                    + String(decoding: errorData, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Polls `condition` on a thread of its own and runs `action` there the moment it holds, so the
    /// action lands when intended even while other tests keep the two threads of the Swift
    /// concurrency pool busy (a test polling from the pool was seen to wake 10 s late under load).
    /// - Returns: whether the condition held (and `action` ran) before `timeout`.
    func whenTrue(
        timeout: Duration, _ condition: @escaping @Sendable () throws -> Bool,
        then action: @escaping @Sendable () -> Void
    ) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let thread = Thread {
                let deadline = ContinuousClock.now + timeout
                while ContinuousClock.now < deadline {
                    if (try? condition()) == true {
                        action()
                        continuation.resume(returning: true)
                        return
                    }
                    usleep(20_000)
                }
                continuation.resume(returning: false)
            }
            thread.start()
        }
    }

}

struct CLITestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// SIGTERM during a send: in-flight transactions finish and are recorded, nothing stays `sending`,
/// the daemon exits 0, and the next start completes the send with no message sent twice.
@Suite(.serialized) struct GracefulStopTests {
    @Test func sigtermMidSendLeavesNothingInFlightAndTheNextStartCompletes() async throws {
        let recipients = 2_000
        let bed = try CLITestBed()
        let server = try SMTPTestServer(directory: bed.directory.appendingPathComponent("mail"))
        defer { server.stop() }
        // 250 messages/s: the send takes 8 s, so SIGTERM lands in the middle however late the test polls.
        try bed.writeConfiguration(smtpPort: server.port, batchSize: 50, concurrency: 4, rate: 250)
        try bed.prepareList(subscribers: recipients)
        let sendID = try bed.scheduleNow()

        let first = try bed.startSender()
        let pid = first.processIdentifier
        let signalled = await bed.whenTrue(timeout: .seconds(120)) {
            try server.messageCount() >= recipients / 4
        } then: {
            kill(pid, SIGTERM)
        }
        #expect(signalled)
        if !signalled { kill(pid, SIGTERM) }
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        let stopped = try bed.status(sendID)
        #expect(stopped["sending"] as? Int == 0)
        #expect(stopped["status"] as? String == "running")
        #expect(try server.messageCount() < recipients, "the send finished before SIGTERM; the test proves nothing")

        let second = try bed.startSender()
        let done = try await eventually(timeout: .seconds(180)) {
            try bed.status(sendID)["status"] as? String == "done"
        }
        second.terminate()
        second.waitUntilExit()
        #expect(done)
        let received = try server.recipients()
        #expect(received.count == recipients)
        #expect(Set(received).count == recipients)
    }
}
