import Foundation
import RundbriefCore
import Testing

@Suite("Bounce parser")
struct BounceParserTests {
    let parser = BounceParser(verpDeliveryID: BounceFixtures.resolver)

    private func dsn(_ recipientBlock: String, human: String = "Delivery failed.") -> [UInt8] {
        let text = """
            From: MAILER-DAEMON@mx.example.org
            To: bounces+77-ok@news.example.org
            Subject: Undelivered Mail Returned to Sender
            Content-Type: multipart/report; report-type=delivery-status; boundary=B

            --B
            Content-Type: text/plain

            \(human)
            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.org

            \(recipientBlock)
            --B--
            """
        return Array(text.utf8)
    }

    @Test func jsonHasTheContractShapeWithExplicitNullDelivery() throws {
        let report = BounceParser().parse(
            dsn(
                "Final-Recipient: rfc822; <A@Example.COM>\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user"
            ))
        let object = try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any]
        #expect(object?["kind"] as? String == "bounce")
        #expect(object?.keys.contains("delivery") == true)
        #expect(object?["delivery"] is NSNull)
        let recipients = object?["recipients"] as? [[String: Any]]
        #expect(recipients?.first?["address"] as? String == "A@example.com")
        #expect(recipients?.first?["permanent"] as? Bool == true)
        #expect(recipients?.first?["status"] as? String == "5.1.1")
        #expect(recipients?.first?["diagnostic"] as? String == "550 5.1.1 no such user")
        #expect(recipients?.first?["reason"] as? String == "user_unknown")
        let text = String(decoding: try report.jsonData(), as: UTF8.self)
        #expect(text.range(of: "\"delivery\":null") != nil)
        #expect(try JSONDecoder().decode(BounceReport.self, from: report.jsonData()) == report)
    }

    @Test func deliveredAndRelayedRecipientsAreNotBounces() {
        let report = parser.parse(
            dsn(
                """
                Final-Recipient: rfc822; ok@example.com
                Action: delivered
                Status: 2.0.0

                Final-Recipient: rfc822; gone@example.com
                Action: failed
                Status: 5.1.1

                Final-Recipient: rfc822; expanded@example.com
                Action: expanded
                Status: 2.0.0
                """))
        #expect(report.kind == .bounce)
        #expect(report.recipients.map(\.address) == ["gone@example.com"])
        #expect(report.delivery == "77")
    }

    @Test(arguments: [
        ("5.1.1", "550 5.1.1 user unknown", true, false, "5.1.1"),
        ("5.0.0", "550 Requested action not taken: mailbox unavailable", true, false, "5.1.1"),
        ("5.2.2", "552 5.2.2 Mailbox full", false, false, "5.2.2"),
        ("5.0.0", "552 Quota exceeded for this user", false, false, "5.2.2"),
        ("5.7.1", "554 5.7.1 Message rejected as spam", false, true, "5.7.1"),
        ("5.0.0", "550 Your IP is listed in the Spamhaus blocklist", false, true, "5.7.1"),
        ("5.7.1", "550 5.7.1 Unknown user", true, false, "5.7.1"),
        ("4.4.7", "Delivery time expired", false, false, "4.4.7"),
        ("5.3.4", "552 5.3.4 Message too big for system", false, false, "5.3.4"),
        ("5.1.2", "Host or domain name not found", true, false, "5.1.2"),
        (
            "5.2.1", "550 5.2.1 The email account that you tried to reach is disabled", true, false,
            "5.2.1"
        ),
    ])
    func classifiesStatusAndWords(
        status: String, diagnostic: String, permanent: Bool, blocked: Bool, finalStatus: String
    ) {
        let report = parser.parse(
            dsn(
                "Final-Recipient: rfc822; x@example.com\nAction: failed\nStatus: \(status)\nDiagnostic-Code: smtp; \(diagnostic)"
            ))
        let recipient = report.recipients.first
        #expect(recipient?.permanent == permanent)
        #expect(recipient?.senderBlocked == blocked)
        #expect(recipient?.status == finalStatus)
        #expect(report.senderBlocked == blocked)
    }

    @Test func delayedIsNeverPermanent() {
        let report = parser.parse(
            dsn(
                "Final-Recipient: rfc822; x@example.com\nAction: delayed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 unknown"
            ))
        #expect(report.recipients.first?.permanent == false)
        #expect(report.recipients.first?.action == "delayed")
    }

    @Test func missingActionIsInferredFromStatusClass() {
        let report = parser.parse(dsn("Final-Recipient: rfc822; x@example.com\nStatus: 4.2.2"))
        #expect(report.recipients.first?.action == "delayed")
        #expect(report.recipients.first?.permanent == false)
    }

    @Test func foldedDiagnosticIsOneLine() {
        let report = parser.parse(
            dsn(
                "Final-Recipient: rfc822;x@example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550-5.1.1 first\n    550 5.1.1 second"
            ))
        #expect(report.recipients.first?.diagnostic == "550-5.1.1 first 550 5.1.1 second")
    }

    @Test func deliveryHeaderInReturnedHeadersIsResolved() {
        let text = """
            From: MAILER-DAEMON@mx.example.org
            To: news@news.example.org
            Subject: failure notice

            Hi. This is the qmail-send program at mx.example.org.

            <x@example.com>:
            Sorry, no mailbox here by that name. (#5.1.1)

            --- Below this line is a copy of the message.

            From: news@news.example.org
            X-Rundbrief-Delivery: bounces+4242-ok@news.example.org
            """
        #expect(parser.parse(Array(text.utf8)).delivery == "4242")
        #expect(BounceParser().parse(Array(text.utf8)).delivery == nil)
    }

    @Test func autoReplyIsNeverABounceEvenWithBounceWords() {
        let text = """
            From: Someone <someone@example.com>
            Subject: Automatic reply: your mail
            Auto-Submitted: auto-replied

            I am away; mail to me could not be delivered to my desk until Monday.
            """
        #expect(parser.parse(Array(text.utf8)).kind == .autoReply)
    }

    @Test func emptyAndGarbageInputAreNotBounces() {
        #expect(parser.parse([]).kind == .notABounce)
        #expect(parser.parse([0, 255, 13, 10, 13, 10, 0x40]).kind == .notABounce)
        #expect(parser.parse(Array(repeating: UInt8(ascii: "@"), count: 100_000)).kind == .notABounce)
    }

    /// A generic or policy status whose words name a sender-side or passing reason keeps
    /// its own code (or the policy code), never becomes "5.1.1", and is never permanent.
    @Test(arguments: [
        ("5.0.0", "554 5.0.0 Message rejected: spam content detected", "spam_detected"),
        ("5.0.0", "554 Message rejected: infected with Win.Test.EICAR_HDB-1", "virus_detected"),
        ("5.2.0", "550 5.2.0 Message filtered by the recipient's rules", "filtered"),
        ("5.7.1", "550 5.7.1 Message blocked by policy; recipient address rejected", "blocked"),
        ("5.7.1", "550 5.7.1 Too many connections from your host", "rate_limited"),
        ("5.7.1", "550 5.7.1 SPF authentication failed for news.example.org", "authentication_failure"),
        ("5.0.0", "550 Client host rejected: listed at zen.spamhaus.example", "blocked"),
        ("5.0.0", "550 Ip frequency limited", "rate_limited"),
    ])
    func senderSideReasonsAreNotUserUnknown(status: String, diagnostic: String, reason: String) throws {
        let report = parser.parse(
            dsn(
                "Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: \(status)\nDiagnostic-Code: smtp; \(diagnostic)"
            ))
        let recipient = try #require(report.recipients.first)
        #expect(recipient.reason?.rawValue == reason)
        #expect(recipient.status != "5.1.1")
        #expect(recipient.status?.first == "5")
        #expect(!recipient.permanent)
    }

    /// Passing failures keep class 4, also when the text carries no code at all.
    @Test(arguments: [
        ("Status: 4.2.2\nDiagnostic-Code: smtp; 452 4.2.2 Mailbox full", "4.2.2", "mailbox_full"),
        ("Diagnostic-Code: smtp; 450 Greylisted, please try again later", "4.0.0", "temporary"),
        ("Diagnostic-Code: X-Unix; connection timed out while talking to mx.example.com", nil, "network_error"),
    ])
    func passingFailuresKeepClassFour(fields: String, status: String?, reason: String) throws {
        let report = parser.parse(dsn("Final-Recipient: rfc822; b@example.com\nAction: failed\n\(fields)"))
        let recipient = try #require(report.recipients.first)
        #expect(recipient.reason?.rawValue == reason)
        if let status { #expect(recipient.status == status) }
        #expect(recipient.status.map { $0.first == "4" } ?? true)
        #expect(!recipient.permanent)
    }

    @Test func addressesAreValidOrNothing() {
        let text = """
            From: MAILER-DAEMON@mx.example.org
            To: bounces+78-ok@news.example.org
            Subject: Undelivered Mail Returned to Sender
            Content-Type: text/plain

            This is the mail system at host mx.example.org.

            <smtp=carla.voss@example.com>: 550 5.1.1 user unknown
            gero.falk@example.com...gero: 550 5.1.1 user unknown
            """
        let report = parser.parse(Array(text.utf8))
        #expect(report.recipients.map(\.address) == ["carla.voss@example.com"])
    }
}
