import Foundation
import RundbriefCore
import Testing

/// Forged bounces and complaints, fed to the built binary's `bounce ingest` against a real SQLite file:
/// only a verified delivery (signed VERP address or signed Message-ID) may change a subscriber's status.
@Suite struct BounceTrustTests {
    let fixture: OpsFixture
    /// The fixture's token key (`test:…` in `OpsFixture.writeConfig`).
    let signer = TokenSigner(keys: [TokenKey(id: "test", secret: Array("test-key-not-secret-0123456789".utf8))])
    static let domain = "bounce.example"

    /// Subscribers 1…n in this order; each has a sent delivery of send 1 with the same id.
    static let people = [
        "opfer1@example.de", "opfer2@example.de", "opfer3@example.de", "opfer4@example.de", "opfer5@example.de",
        "taeter@example.net", "echt@example.de", "beschwerde@example.de", "abmelder@example.de",
    ]

    init() throws {
        fixture = try OpsFixture()
        try fixture.addSubscribers(Self.people, status: "active")
        try fixture.execute(
            """
            INSERT INTO editions (id, slug, subject, list_slug, markdown, source, created_at, updated_at)
              VALUES (1, 'e1', 'News', 'news', 'x', 'x', '2025-01-01', '2025-01-01');
            INSERT INTO sends (id, edition_id, list_id, status, scheduled_at, created_at, updated_at)
              VALUES (1, 1, 1, 'done', '2025-01-02', '2025-01-02', '2025-01-02');
            INSERT INTO deliveries (id, send_id, subscriber_id, domain, status, updated_at, sent_at)
              SELECT id, 1, id, 'example.de', 'sent', '2025-01-02', '2025-01-02' FROM subscribers;
            """)
    }

    func id(_ email: String) -> Int64 { Int64(Self.people.firstIndex(of: email)! + 1) }

    func verp(_ email: String) -> String {
        VERPAddress.make(deliveryID: id(email), localPart: "bounces", domain: Self.domain, signer: signer)
    }

    func status(_ email: String) throws -> String? {
        let result = try fixture.run(["subscribers", "show", email, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return object?["status"] as? String
    }

    @discardableResult
    func ingest(_ message: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try fixture.run(["bounce", "ingest"], input: Data(message.replacingOccurrences(of: "\n", with: "\r\n").utf8))
    }

    /// An RFC 3464 report sent to `to`, one block per (recipient, status).
    static func dsn(to: String, _ recipients: [(String, String)], original: String = "") -> String {
        let blocks = recipients.map { address, status in
            "Final-Recipient: rfc822; \(address)\nAction: failed\nStatus: \(status)\nDiagnostic-Code: smtp; 550 \(status) mailbox problem\n"
        }.joined(separator: "\n")
        return """
            From: MAILER-DAEMON@mx.example.net
            To: \(to)
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b0"

            --b0
            Content-Type: text/plain

            Your message could not be delivered.
            --b0
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.net

            \(blocks)
            --b0
            Content-Type: text/rfc822-headers

            From: newsletter@example.org
            Subject: News
            \(original)
            --b0--

            """
    }

    /// An RFC 5965 abuse report about a message to `recipient`, whose headers are `original`.
    static func arf(recipient: String, original: String) -> String {
        """
        From: fbl@provider.example
        To: fbl-reports@example.org
        Subject: FW: News
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="b1"

        --b1
        Content-Type: text/plain

        This is an email abuse report.
        --b1
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: FBL/1.0
        Version: 1
        Original-Rcpt-To: \(recipient)

        --b1
        Content-Type: message/rfc822

        From: newsletter@example.org
        To: \(recipient)
        Subject: News
        \(original)

        Hello.
        --b1--

        """
    }

    @Test func forgedVERPTagAndVictimAddressChangesNothing() throws {
        let forged = "bounces+\(id("opfer1@example.de"))-aaaaaaaaaaaaa@\(Self.domain)"
        #expect(try ingest(Self.dsn(to: forged, [("opfer1@example.de", "5.1.1")])).status == 0)
        #expect(try status("opfer1@example.de") == "active")
    }

    @Test func bounceWithoutVERPChangesNothing() throws {
        #expect(try ingest(Self.dsn(to: "bounces@\(Self.domain)", [("opfer2@example.de", "5.1.1")])).status == 0)
        #expect(try status("opfer2@example.de") == "active")
    }

    @Test func attackersOwnVERPWithExtraRecipientsSuppressesOnlyTheAttacker() throws {
        let message = Self.dsn(
            to: verp("taeter@example.net"),
            [("taeter@example.net", "5.1.1"), ("opfer3@example.de", "5.1.1"), ("OPFER3@example.de", "5.1.1")])
        #expect(try ingest(message).status == 0)
        #expect(try status("opfer3@example.de") == "active")
        #expect(try status("taeter@example.net") == "bounced")
    }

    @Test func threeUnverifiedSoftBouncesChangeNothing() throws {
        for _ in 0..<3 {
            try ingest(Self.dsn(to: "bounces@\(Self.domain)", [("opfer4@example.de", "5.2.2")]))
        }
        #expect(try status("opfer4@example.de") == "active")
    }

    @Test func complaintWithoutOurMessageChangesNothing() throws {
        try ingest(Self.arf(recipient: "opfer5@example.de", original: "Message-ID: <forged.1@example.org>"))
        #expect(try status("opfer5@example.de") == "active")
        // Nor does one naming a delivery id in a Message-ID that looks like ours but is not signed.
        try ingest(
            Self.arf(
                recipient: "opfer5@example.de",
                original: "Message-ID: <rb.1.\(id("opfer5@example.de")).0011223344@\(Self.domain)>"))
        #expect(try status("opfer5@example.de") == "active")
    }

    @Test func unverifiedReportsAreListedAsSuch() throws {
        try ingest(Self.dsn(to: "bounces@\(Self.domain)", [("opfer2@example.de", "5.1.1")]))
        try ingest(Self.dsn(to: verp("echt@example.de"), [("echt@example.de", "5.1.1")]))
        let result = try fixture.run(["bounce", "list", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(list.count == 2)
        let unverified = try #require(list.first { $0["verified"] as? Bool == false })
        #expect(unverified["email"] as? String == "opfer2@example.de")
        let verified = try #require(list.first { $0["verified"] as? Bool == true })
        #expect(verified["email"] as? String == "echt@example.de")
        let table = try fixture.run(["bounce", "list"]).stdout
        #expect(table.contains("VERIFIED"))
    }

    @Test func genuineDSNForOurDeliverySuppresses() throws {
        let result = try ingest(Self.dsn(to: verp("echt@example.de"), [("echt@example.de", "5.1.1")]))
        #expect(result.status == 0)
        #expect(try status("echt@example.de") == "bounced")
        // The journal is the audit trail: one notice naming the masked address and the source.
        let notice = result.stderr.split(separator: "\n").first { $0.contains("suppressed by bounce policy") }
        #expect(notice?.contains("e***@example.de") == true && notice?.contains(" bounce.source=ingest") == true)
        #expect(!result.stderr.contains("echt@example.de"))
    }

    @Test func mailtoUnsubscribeWithASignedTokenStillWorks() throws {
        let token = signer.sign(
            TokenClaims(purpose: .unsubscribe, subscriberID: id("abmelder@example.de"), listID: nil, issued: Date()))
        let message = """
            From: abmelder@example.de
            To: unsubscribe@\(Self.domain)
            Subject: unsubscribe \(token)

            please

            """
        let result = try ingest(message)
        #expect(result.status == 0)
        #expect(try status("abmelder@example.de") == "unsubscribed")
        let notice = result.stderr.split(separator: "\n").first { $0.contains("unsubscribed by mail") }
        #expect(notice?.contains("a***@example.de") == true && notice?.contains(" unsubscribe.source=mailto") == true)
    }

    @Test func genuineComplaintThroughOurSignedMessageIDUnsubscribes() throws {
        // Feedback loops return the original without its envelope: our signed Message-ID names the delivery,
        // and the reported address may be redacted.
        let messageID = try SignedMessageID.make(
            sendID: 1, subscriberID: id("beschwerde@example.de"), domain: Self.domain, signer: signer)
        let result = try ingest(Self.arf(recipient: "redacted@example.de", original: "Message-ID: \(messageID)"))
        #expect(result.status == 0)
        #expect(try status("beschwerde@example.de") == "complained")
        let notice = result.stderr.split(separator: "\n").first { $0.contains("unsubscribed from every list") }
        #expect(notice?.contains("b***@example.de") == true && notice?.contains(" bounce.source=ingest") == true)
        let list = try fixture.run(["bounce", "list", "--json"])
        let reports = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(reports?.map { $0["verified"] as? Bool } == [true])
    }
}
