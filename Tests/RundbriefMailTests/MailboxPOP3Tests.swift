import Foundation
import RundbriefMail
import RundbriefTestSupport
import Testing

/// `Tests/Support/pop3_server.py` or `imap_server.py` over a temporary directory of messages.
final class MailboxTestServer {
    let port: Int
    let maildrop: URL
    private let process: Process

    /// - Parameters:
    ///   - script: `pop3_server.py` or `imap_server.py`.
    ///   - messages: Written as `<uid>.eml`.
    ///   - arguments: Extra arguments; the directory flag and credentials (`bounces:pw`) are added.
    init(script: String, messages: [Int: String], arguments: [String] = []) throws {
        maildrop = try TemporaryDirectory.make(prefix: "maildrop")
        for (uid, message) in messages {
            try Data(message.utf8).write(to: maildrop.appendingPathComponent("\(uid).eml"))
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let path = SMTPTestServer.script.deletingLastPathComponent().appendingPathComponent(script).path
        let directoryFlag = script.hasPrefix("pop3") ? "--maildrop" : "--root"
        process.arguments =
            ["python3", path, "--port", "0", directoryFlag, maildrop.path, "--auth", "bounces:pw"]
            + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line: [UInt8] = []
        while let chunk = try output.fileHandleForReading.read(upToCount: 1), let byte = chunk.first,
            byte != 10
        {
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).dropFirst(5)) else {
            process.terminate()
            throw TestServerError(reason: "\(script) did not print its port")
        }
        self.port = port
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    /// The `.eml` files left in the directory, or in its subdirectory `folder`.
    func files(in folder: String? = nil) -> [String] {
        let directory = folder.map { maildrop.appendingPathComponent($0) } ?? maildrop
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".eml") }.sorted()
    }
}

@Suite struct MailboxPOP3Tests {
    static let bounce =
        "From: MAILER-DAEMON@example.org\r\nSubject: Undelivered\r\n\r\n..leading dot\r\nUser unknown\r\n"
    static let other = "From: a@example.org\r\nSubject: Re: news\r\n\r\nThanks\r\n"

    func client(_ server: MailboxTestServer, password: String = "pw") throws -> MailboxClient {
        try MailboxClient(
            configuration: .init(
                url: "pop3://127.0.0.1:\(server.port)", username: "bounces", password: password,
                startTLS: .off)
        )
    }

    @Test func listsFetchesAndDeletes() async throws {
        let server = try MailboxTestServer(
            script: "pop3_server.py", messages: [1: Self.bounce, 2: Self.other])
        let client = try client(server)

        let (ids, first) = try await client.withSession { session in
            let ids = try session.messageIDs()
            let first = try session.fetch(ids[0])
            try session.delete(ids[0])
            return (ids, first)
        }

        #expect(ids == [MailboxMessageID(1), MailboxMessageID(2)])
        #expect(first == Array(Self.bounce.utf8))
        #expect(server.files() == ["2.eml"])
        let remaining = try await client.withSession { try $0.messageIDs().count }
        #expect(remaining == 1)
    }

    @Test func wrongPasswordThrowsWithoutRevealingIt() async throws {
        let server = try MailboxTestServer(script: "pop3_server.py", messages: [1: Self.bounce])
        let client = try client(server, password: "not-the-password")

        await #expect {
            _ = try await client.withSession { try $0.messageIDs() }
        } throws: { error in
            guard let error = error as? TransportError else { return false }
            return error.code == .mailboxFailed && !error.description.contains("not-the-password")
        }
        #expect(server.files() == ["1.eml"])
    }

    @Test func moveIsRefusedForPOP3AndOtherSchemesAreRejected() async throws {
        let server = try MailboxTestServer(script: "pop3_server.py", messages: [1: Self.other])
        let client = try client(server)

        await #expect(throws: TransportError.self) {
            try await client.withSession { try $0.move(MailboxMessageID(1), to: "Processed") }
        }
        #expect(throws: TransportError.self) {
            try MailboxClient(configuration: .init(url: "https://example.org"))
        }
    }
}
