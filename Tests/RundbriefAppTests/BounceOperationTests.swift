import Foundation
import Logging
import RundbriefApp
import RundbriefCore
import RundbriefStore
import Testing

/// The bounce operation against a real (in-memory) store: it acts only through a delivery it proves.
@Suite struct BounceOperationTests {
    static let secret = Array(repeating: UInt8(7), count: 32)
    static let signer = TokenSigner(keys: [TokenKey(id: "t", secret: secret)])

    static func operations(_ database: AppDatabase) throws -> Operations {
        let text = """
            [tokens]
            keys = ["t:\(Data(secret).base64EncodedString())"]
            [sender]
            address = "news@example.org"
            """
        let configuration = try ConfigurationLoader(environment: [:], files: .local).load(text: text, path: "test.toml")
        return Operations(
            configuration: configuration, database: database, actor: .daemon, logger: .init(label: "test"))
    }

    static func dsn(recipient: String, to: String, status: String = "5.1.1") -> [UInt8] {
        Array(
            """
            From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r
            To: \(to)\r
            Subject: Undelivered Mail Returned to Sender\r
            MIME-Version: 1.0\r
            Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r
            \r
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

            """.utf8)
    }

    static func verp(_ id: Int64) -> String {
        VERPAddress.make(deliveryID: id, localPart: "bounces", domain: "example.org", signer: signer)
    }

    /// A started send of one edition to `news`: its audience frozen into deliveries.
    static func startedSend(_ database: AppDatabase) async throws -> [Delivery] {
        try database.saveEdition(
            Edition(
                slug: "ausgabe-1", subject: "Ausgabe 1", preheader: "", listSlug: "news", template: "edition",
                markdown: "Hallo\n", frontMatter: [:], source: "Hallo\n", sourcePath: nil))
        let send = try database.scheduleSend(edition: "ausgabe-1", list: "news", at: Date())
        _ = try await database.startSend(id: send.id!, now: Date())
        return try database.deliveries(sendID: send.id!)
    }

    @Test func aVerifiedHardBounceSuppressesASoftOneCountsAndAForgedOneChangesNobody() async throws {
        // Given two subscribers, each with a delivery of a started send
        let database = try AppDatabase.inMemory()
        let operations = try Self.operations(database)
        _ = try database.createList(slug: "news", name: "News")
        let gone = try database.addSubscriber(
            try EmailAddress("gone@example.net"), list: "news", consent: Consent(method: "cli"))
        let full = try database.addSubscriber(
            try EmailAddress("full@example.net"), list: "news", consent: Consent(method: "cli"))
        let sent = try await Self.startedSend(database)
        let delivery = { (id: Int64?) in sent.first { $0.subscriberID == id }!.id! }
        let deliveries = [delivery(gone.id), delivery(full.id)]

        // When a hard bounce and a soft one arrive through their VERP addresses, and a forged hard one
        let hard = try operations.recordBounceMessage(
            Self.dsn(recipient: "gone@example.net", to: Self.verp(deliveries[0])), source: "mailbox")
        let soft = try operations.recordBounceMessage(
            Self.dsn(recipient: "full@example.net", to: Self.verp(deliveries[1]), status: "4.2.2"), source: "mailbox")
        let forged = try operations.recordBounceMessage(
            Self.dsn(recipient: "full@example.net", to: "bounces@example.org"), source: "ingest")

        // Then only the verified hard bounce suppresses, and every report is recorded
        #expect(hard.decisions.map(\.action) == [.suppressed])
        #expect(soft.decisions.map(\.action) == [.counted])
        #expect(forged.decisions.map(\.action) == [.unverified])
        #expect(try database.subscriber(id: gone.id!)?.status == .bounced)
        #expect(try database.subscriber(id: full.id!)?.status == .active)
        #expect(try operations.recentBounces(days: 1).count == 3)
    }

    @Test func aVERPAddressNamesTheDeliveryEvenWhenTheReportIsGarbled() throws {
        let operations = try Self.operations(try AppDatabase.inMemory())
        let parser = BounceParser.verifying(operations.configuration, signer: Self.signer)
        let garbled =
            "From: MAILER-DAEMON@mx.example.net\r\nTo: \(Self.verp(4711))\r\nSubject: Delivery failure\r\n\r\n550 5.1.1 user unknown: <someone@example.net>\r\n"
        #expect(parser.parse(Array(garbled.utf8)).delivery == "4711")
        let forged = garbled.replacingOccurrences(of: "4711", with: "4712")
        #expect(parser.parse(Array(forged.utf8)).delivery == nil)
    }

    @Test func aNegativeNumberOfDaysIsRefused() throws {
        let operations = try Self.operations(try AppDatabase.inMemory())
        #expect(throws: OperationError(.invalid, "--days must be 0 or more, got -1")) {
            try operations.recentBounces(days: -1)
        }
    }
}
