import Foundation
import GRDB
import Logging
import RundbriefCore
import RundbriefStore
import Testing

@testable import RundbriefMail

@Suite struct BounceMailboxPollerTests {
    static let signer = TokenSigner(keys: [TokenKey(id: "t", secret: Array(repeating: 7, count: 32))])

    /// A DSN for `recipient`, addressed to the VERP address of `deliveryID` (or to a plain address).
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

    private func processor(_ database: AppDatabase) -> BounceProcessor {
        BounceProcessor(
            database: database, policy: BouncePolicy(), signer: Self.signer, bounceLocalPart: "bounces",
            unsubscribeAddress: "unsubscribe@example.org", logger: Logger(label: "test"))
    }

    @Test func pollingRecordsEachBounceAndRemovesOnlyRecordedMessages() async throws {
        let database = try AppDatabase.inMemory()
        try database.createList(slug: "news", name: "News")
        let gone = try database.addSubscriber(
            try EmailAddress("gone@example.net"), list: "news", consent: Consent(method: "cli"))
        let full = try database.addSubscriber(
            try EmailAddress("full@example.net"), list: "news", consent: Consent(method: "cli"))
        // Bounces act only through a delivery of ours: one each, named by its signed VERP address.
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO editions (id, slug, subject, list_slug, markdown, source, created_at, updated_at)
                      VALUES (1, 'e1', 'S', 'news', 'x', 'x', 0, 0);
                    INSERT INTO sends (id, edition_id, list_id, status, scheduled_at, created_at, updated_at)
                      VALUES (1, 1, 1, 'done', 0, 0, 0);
                    INSERT INTO deliveries (id, send_id, subscriber_id, domain, status, updated_at, sent_at)
                      SELECT id, 1, id, 'example.net', 'sent', 0, 0 FROM subscribers;
                    """)
        }
        func verp(_ id: Int64?) -> String {
            VERPAddress.make(deliveryID: id!, localPart: "bounces", domain: "example.org", signer: Self.signer)
        }
        let server = try MailboxTestServer(
            script: "pop3_server.py",
            messages: [
                1: Self.dsn(recipient: "gone@example.net", to: verp(gone.id)),
                2: Self.dsn(recipient: "full@example.net", to: verp(full.id), status: "4.2.2"),
                3: "From: someone@example.org\r\nSubject: Hello\r\n\r\nJust a note.\r\n",
            ])
        let client = try MailboxClient(
            configuration: .init(
                url: "pop3://127.0.0.1:\(server.port)/", username: "bounces", password: "pw", startTLS: .off))
        let poller = BounceMailboxPoller(
            client: client, processor: processor(database), interval: .seconds(60), processedMailbox: nil,
            logger: Logger(label: "test"))

        let result = try await poller.pollOnce()

        #expect(result == .init(processed: 3, kept: 0))
        #expect(server.files().isEmpty)
        #expect(try database.subscriber(id: gone.id!)?.status == .bounced)
        #expect(try database.subscriber(id: full.id!)?.status == .active)
        let kinds = try database.recentBounces(since: .distantPast).map(\.bounce.kind)
        #expect(kinds.sorted { $0.rawValue < $1.rawValue } == [.hard, .soft])
    }

    @Test func aMessageTheStoreCannotRecordStaysInTheMailbox() async throws {
        let directory = try TemporaryDirectory.make(prefix: "poller-db")
        let path = directory.appendingPathComponent("db.sqlite").path
        _ = try AppDatabase(path: path)
        let readOnly = try AppDatabase(path: path, readOnly: true)
        let server = try MailboxTestServer(
            script: "pop3_server.py",
            messages: [1: Self.dsn(recipient: "gone@example.net", to: "bounces@example.org")])
        let client = try MailboxClient(
            configuration: .init(
                url: "pop3://127.0.0.1:\(server.port)/", username: "bounces", password: "pw", startTLS: .off))
        let poller = BounceMailboxPoller(
            client: client, processor: processor(readOnly), interval: .seconds(60), processedMailbox: nil,
            logger: Logger(label: "test"))

        let result = try await poller.pollOnce()

        #expect(result == .init(processed: 0, kept: 1))
        #expect(server.files() == ["1.eml"])
    }

    @Test func aVERPAddressNamesTheDeliveryEvenWhenTheReportIsGarbled() throws {
        let database = try AppDatabase.inMemory()
        let processor = processor(database)
        let verp = VERPAddress.make(deliveryID: 4711, localPart: "bounces", domain: "example.org", signer: Self.signer)
        let garbled =
            "From: MAILER-DAEMON@mx.example.net\r\nTo: \(verp)\r\nSubject: Delivery failure\r\n\r\n550 5.1.1 user unknown: <someone@example.net>\r\n"
        let report = processor.parser.parse(Array(garbled.utf8))
        #expect(report.delivery == "4711")
        let forged = garbled.replacingOccurrences(of: "4711", with: "4712")
        #expect(processor.parser.parse(Array(forged.utf8)).delivery == nil)
    }
}
