public import Foundation

/// `Tests/Support/smtp_server.py` (aiosmtpd), run as a child process: it writes each message it
/// receives to `directory` as `N.eml` with an `N.json` envelope beside it, and its counts to `stats.json`.
/// Sendable: its properties are constants, and `Process` is only started in `init` and stopped in `stop`.
public final class SMTPTestServer: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private let process = Process()
    private let ownsDirectory: Bool

    public static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Support/smtp_server.py")

    /// Starts the server on a free port and waits for its `PORT n` line.
    /// - Parameters:
    ///   - directory: where messages go; a fresh temporary directory (removed by `stop`) when nil.
    ///   - arguments: more of `smtp_server.py`'s flags (`--stall-after N`, `--tempfail ADDR`, TLS...).
    /// - Throws: when python3 cannot start or the server does not say its port.
    public init(directory: URL? = nil, arguments: [String] = []) throws {
        ownsDirectory = directory == nil
        self.directory =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("rundbrief-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, "--port", "0", "--out", self.directory.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line: [UInt8] = []
        while let chunk = try output.fileHandleForReading.read(upToCount: 1), let byte = chunk.first, byte != 10 {
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw TestSupportError("smtp_server.py printed \(text.debugDescription) instead of its port")
        }
        self.port = port
    }

    deinit {
        // Only the process: a test may still read the directory through a path it kept.
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// `smtp://127.0.0.1:PORT`.
    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// SIGTERM, then waits for the exit; removes the directory if the server made it.
    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        if ownsDirectory { try? FileManager.default.removeItem(at: directory) }
    }

    /// What the server counted: TCP connections accepted and messages received.
    public func stats() throws -> (connections: Int, messages: Int) {
        let data = try Data(contentsOf: directory.appendingPathComponent("stats.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Int] ?? [:]
        return (object["connections"] ?? -1, object["messages"] ?? -1)
    }

    /// One count of `stats.json` by name (`connections`, `messages`, `pipelined`); -1 when absent.
    public func count(_ name: String) throws -> Int {
        let data = try Data(contentsOf: directory.appendingPathComponent("stats.json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Int])?[name] ?? -1
    }

    /// How many messages the server received.
    public func messageCount() throws -> Int {
        let data = try Data(contentsOf: directory.appendingPathComponent("stats.json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Int])?["messages"] ?? 0
    }

    /// The bytes of message `number` (from 1) as the server received them.
    public func message(_ number: Int) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent("\(number).eml")))
    }

    /// Waits (up to `timeout`) for message `number` and returns its bytes; nil if it did not come.
    public func waitForMessage(_ number: Int, timeout: Duration = .seconds(30)) async -> Data? {
        let file = directory.appendingPathComponent("\(number).eml").path
        var data: Data?
        _ = await eventually(timeout: timeout, interval: .milliseconds(10)) {
            data = FileManager.default.contents(atPath: file)
            return data != nil
        }
        return data
    }

    /// The JSON envelope of message `number`: `mail_from`, `rcpt_tos`, ...
    public func envelope(_ number: Int) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("\(number).json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// The envelope recipients of every message received, one entry per recipient and message.
    public func recipients() throws -> [String] {
        let count = try messageCount()
        guard count > 0 else { return [] }
        return try (1...count).flatMap { try envelope($0)["rcpt_tos"] as? [String] ?? [] }
    }
}

/// A test helper that could not do its part (a server that did not start, a tool that failed).
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
