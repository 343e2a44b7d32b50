import Foundation
import Logging
import RundbriefCore
import RundbriefStore
import Synchronization
import Testing

@testable import RundbriefMail

@Suite struct BounceMailboxPollerTests {
    /// A DSN for `recipient`, addressed to `to`.
    static func dsn(recipient: String, to: String, status: String = "5.1.1") -> String {
        """
        From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r
        To: \(to)\r
        Subject: Undelivered Mail Returned to Sender\r
        MIME-Version: 1.0\r
        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r
        \r
        --b1\r
        Content-Type: text/plain\r
        \r
        Your message could not be delivered.\r
        --b1\r
        Content-Type: message/delivery-status\r
        \r
        Reporting-MTA: dns; mx.example.net\r
        \r
        Final-Recipient: rfc822; \(recipient)\r
        Action: failed\r
        Status: \(status)\r
        Diagnostic-Code: smtp; 550 \(status) User unknown\r
        --b1--\r

        """
    }

    @Test func pollingHandsOverEachMessageAndRemovesOnlyRecordedOnes() async throws {
        // Given a mailbox with three messages, the second of which cannot be recorded (yet)
        let server = try MailboxTestServer(
            script: "pop3_server.py",
            messages: [
                1: Self.dsn(recipient: "gone@example.net", to: "bounces@example.org"),
                2: Self.dsn(recipient: "full@example.net", to: "bounces@example.org", status: "4.2.2"),
                3: "From: someone@example.org\r\nSubject: Hello\r\n\r\nJust a note.\r\n",
            ])
        let client = try MailboxClient(
            configuration: .init(
                url: "pop3://127.0.0.1:\(server.port)/", username: "bounces", password: "pw", startTLS: .off))
        let recorded = Mutex<[String]>([])
        let poller = BounceMailboxPoller(
            client: client,
            record: { message in
                let text = String(decoding: message, as: UTF8.self)
                if text.contains("full@example.net") { throw StoreError(.busy, "database is locked") }
                recorded.withLock { $0.append(text) }
            },
            interval: .seconds(60), processedMailbox: nil, logger: Logger(label: "test"))

        // When it polls
        let result = try await poller.pollOnce()

        // Then the first is recorded and removed, and the poll stops at the one that failed: it and
        // everything after it stay for the next poll
        #expect(result == .init(processed: 1, kept: 1))
        #expect(recorded.withLock { $0.count } == 1)
        #expect(recorded.withLock { $0.first?.contains("gone@example.net") } == true)
        #expect(server.files() == ["2.eml", "3.eml"])

        // And the next poll, once recording works, takes the rest
        let second = BounceMailboxPoller(
            client: client, record: { _ in }, interval: .seconds(60), processedMailbox: nil,
            logger: Logger(label: "test"))
        #expect(try await second.pollOnce() == .init(processed: 2, kept: 0))
        #expect(server.files().isEmpty)
    }
}
