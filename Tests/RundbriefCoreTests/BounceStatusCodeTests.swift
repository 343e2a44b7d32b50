import Testing

@testable import RundbriefCore

@Suite("Bounce status codes and addresses")
struct BounceStatusCodeTests {
    @Test(arguments: [
        ("550 5.1.1 <a@b.example>: User unknown", "5.1.1", 550),
        ("550-5.1.1 The email account", "5.1.1", 550),
        ("Sorry, no mailbox here by that name. (#5.1.1)", "5.1.1", nil),
        ("host 192.0.2.5 said: 452 4.2.2 over quota", "4.2.2", 452),
        ("connect to 5.4.4.4:25: refused, version 3.4.12", nil, nil),
        ("Message 5.1.1.2 at 10:50, port 25", nil, nil),
        ("status 2.0.0 then 5.7.1.", "5.7.1", nil),
        ("ERROR CODE :550 - User does not exist.", nil, 550),
        ("year 2550 and 5501 are not codes", nil, nil),
    ])
    func findsCodesButNotLookalikes(text: String, status: String?, reply: Int?) {
        #expect(StatusCodeScanner.enhancedStatus(in: text) == status)
        #expect(StatusCodeScanner.replyCode(in: text) == reply)
    }

    @Test(arguments: [
        ("rfc822; <Anna.Schmidt@Example.COM>", "Anna.Schmidt@example.com"),
        ("RFC822;bob@example.net", "bob@example.net"),
        ("\"Carla C.\" <carla@EXAMPLE.org>.", "carla@example.org"),
        ("mailto:dora@example.com", "dora@example.com"),
        ("rfc822; no address here", nil),
    ])
    func normalisesReportAddresses(raw: String, expected: String?) {
        #expect(EmailAddressScanner.normalize(raw) == expected)
    }

    @Test func addressScanIsLinearOnHostileText() {
        let hostile = String(repeating: "a", count: 50_000) + String(repeating: "@a.b", count: 50_000)
        let found = EmailAddressScanner.addresses(in: hostile)
        // "aaa…@a.b", then every other "a.b@a.b": local parts are capped at 64 bytes, and no
        // byte is the start of more than one scan.
        #expect(found.count == 25_000)
        #expect(found.first == String(repeating: "a", count: 64) + "@a.b")
        #expect(found.last == "a.b@a.b")
    }
}
