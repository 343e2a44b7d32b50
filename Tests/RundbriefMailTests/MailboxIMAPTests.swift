import Foundation
import RundbriefMail
import Testing

@Suite struct MailboxIMAPTests {
    static let messages = [
        3: MailboxPOP3Tests.bounce, 7: MailboxPOP3Tests.other, 9: MailboxPOP3Tests.other,
    ]

    func client(_ server: MailboxTestServer, mailbox: String = "") throws -> MailboxClient {
        try MailboxClient(
            configuration: .init(
                url: "imap://127.0.0.1:\(server.port)\(mailbox)", username: "bounces", password: "pw",
                startTLS: .off)
        )
    }

    func makeServer(_ arguments: [String] = []) throws -> MailboxTestServer {
        let server = try MailboxTestServer(
            script: "imap_server.py", messages: Self.messages, arguments: arguments)
        try FileManager.default.createDirectory(
            at: server.maildrop.appendingPathComponent("Processed"), withIntermediateDirectories: true)
        return server
    }

    @Test func listsUIDsFetchesAndDeletes() async throws {
        let server = try makeServer()
        let client = try client(server)

        let (ids, fetched) = try await client.withSession { session in
            let ids = try session.messageIDs()
            let fetched = try session.fetch(MailboxMessageID(3))
            try session.delete(MailboxMessageID(9))
            return (ids, fetched)
        }

        #expect(ids == [3, 7, 9].map(MailboxMessageID.init))
        #expect(fetched == Array(MailboxPOP3Tests.bounce.utf8))
        #expect(server.files() == ["3.eml", "7.eml"])
    }

    @Test func deletingExpungesOnlyThatMessage() async throws {
        // Another client flagged 7 \Deleted and has not expunged it yet
        let server = try makeServer(["--flagged-deleted", "7"])
        let client = try client(server)

        try await client.withSession { try $0.delete(MailboxMessageID(9)) }

        // UID EXPUNGE removes 9 only; the other client's decision about 7 is left to it
        #expect(server.files() == ["3.eml", "7.eml"])
        let log = try String(
            contentsOf: server.maildrop.appendingPathComponent("commands.log"), encoding: .utf8)
        #expect(log.contains("UID EXPUNGE"))
        #expect(!log.split(separator: "\n").contains("EXPUNGE"))
    }

    @Test func deletingFallsBackToExpungeWithoutUIDPLUS() async throws {
        let server = try makeServer(["--no-uidplus"])
        let client = try client(server)

        try await client.withSession { try $0.delete(MailboxMessageID(9)) }

        #expect(server.files() == ["3.eml", "7.eml"])
        let log = try String(
            contentsOf: server.maildrop.appendingPathComponent("commands.log"), encoding: .utf8)
        #expect(log.split(separator: "\n").contains("EXPUNGE"))
    }

    @Test func movesWithUIDMove() async throws {
        let server = try makeServer()
        let client = try client(server, mailbox: "/INBOX")

        try await client.withSession { try $0.move(MailboxMessageID(7), to: "Processed") }

        #expect(server.files() == ["3.eml", "9.eml"])
        #expect(server.files(in: "Processed") == ["7.eml"])
    }

    @Test func movesWithCopyAndDeleteWhenTheServerLacksMove() async throws {
        let server = try makeServer(["--no-move"])
        let client = try client(server)

        try await client.withSession { try $0.move(MailboxMessageID(3), to: "Processed") }

        #expect(server.files() == ["7.eml", "9.eml"])
        #expect(server.files(in: "Processed") == ["3.eml"])
        let log = try String(
            contentsOf: server.maildrop.appendingPathComponent("commands.log"), encoding: .utf8)
        #expect(log.contains("UID COPY"))
    }

    @Test func fetchingAMissingMessageThrows() async throws {
        let server = try makeServer()
        let client = try client(server)

        await #expect(throws: TransportError.self) {
            try await client.withSession { try $0.fetch(MailboxMessageID(42)) }
        }
    }
}
