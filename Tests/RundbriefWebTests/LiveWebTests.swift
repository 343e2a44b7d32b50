import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RundbriefCore
import RundbriefMail
import RundbriefStore
import RundbriefTestSupport
import Testing

@testable import RundbriefWeb

/// The real server on a real port, driven by curl, sending through the real SMTP transport to
/// the aiosmtpd test server, with every status checked in the SQLite file.
@Suite struct LiveWebTests {
    @Test(.timeLimit(.minutes(1)))
    func signUpConfirmUnsubscribeAndOneClickEndToEnd() async throws {
        let smtp = try SMTPTestServer()
        defer { smtp.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rundbrief-web-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AppDatabase(path: directory.appendingPathComponent("rundbrief.sqlite").path)
        let list = try database.createList(slug: "aktuell", name: "Aktuelles aus dem Rathaus")
        let (web, transport) = try await WebHarness.liveWeb(database: database, smtpPort: smtp.port, label: "live")
        let app = try web.makeApplication(address: .hostname("127.0.0.1", port: 0))

        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            func local(_ link: String) -> String { link.replacingOccurrences(of: "http://rundbrief.test", with: base) }

            // Sign up with an umlaut name; the page says "check your inbox".
            let signUp = try curl([
                "-H", "Accept-Language: de", "--data-urlencode", "email=joerg@example.org",
                "--data-urlencode", "name=Jörg Müller", "-d", "list=aktuell", "\(base)/subscribe",
            ])
            #expect(signUp.status == 200)
            #expect(signUp.body.contains("Postfach"))
            await web.web.signUps.idle()
            let pending = try #require(try database.subscriber(try EmailAddress("joerg@example.org")))
            #expect(pending.status == .pending)

            // The confirmation mail, read by Python's email package.
            let confirmation = try parseMail(try #require(await smtp.waitForMessage(1)))
            #expect(confirmation.subject == "Bitte bestätigen Sie Ihre Anmeldung zu „Aktuelles aus dem Rathaus“")
            // A stranger's text does not travel in the official mail.
            #expect(confirmation.body.contains("Guten Tag,"))
            #expect(!confirmation.body.contains("Jörg"))
            let confirmLink = try #require(
                confirmation.body.split(whereSeparator: \.isNewline).first { $0.contains("/confirm?token=") })
            // The link (and a scanner's HEAD) lands on a page with a button; the button confirms.
            let landing = try curl(["-A", "LiveTest/1", local(String(confirmLink))])
            #expect(landing.status == 200)
            #expect(landing.body.contains("action=\"/confirm\""))
            #expect(try curl(["-I", local(String(confirmLink))]).status == 200)
            #expect(try database.subscriber(id: pending.id!)?.status == .pending)
            let confirmToken = String(confirmLink.split(separator: "=", maxSplits: 1)[1])
            let confirmed = try curl(["-A", "LiveTest/1", "-d", "token=\(confirmToken)", "\(base)/confirm"])
            #expect(confirmed.status == 200)
            let active = try #require(try database.subscriber(id: pending.id!))
            #expect(active.status == .active)
            #expect(active.consentIP == "127.0.0.1")
            #expect(active.consentUserAgent == "LiveTest/1")

            // The welcome mail's unsubscribe link: GET shows a button and changes nothing.
            let welcome = try parseMail(try #require(await smtp.waitForMessage(2)))
            let unsubscribeLink = local(
                String(
                    try #require(
                        welcome.body.split(whereSeparator: \.isNewline).first { $0.contains("/u/") })))
            let page = try curl([unsubscribeLink])
            #expect(page.status == 200)
            #expect(page.body.contains("action=\"/unsubscribe\""))
            #expect(try await database.isActive(subscriberID: pending.id!, list: list.id))
            let token = String(try #require(unsubscribeLink.split(separator: "/").last))
            let unsubscribed = try curl(["-d", "token=\(token)", "-d", "scope=list", "\(base)/unsubscribe"])
            #expect(unsubscribed.status == 200)
            #expect(try await !database.isActive(subscriberID: pending.id!, list: list.id))

            // RFC 8058 one-click for another subscriber.
            let other = try database.addSubscriber(
                try EmailAddress("eva@example.org"), list: "aktuell", consent: Consent(method: "cli"))
            let oneClickToken = UnsubscribeLinks.https(
                baseURL: base,
                token: TokenSigner(keys: [WebHarness.tokenKey]).sign(
                    TokenClaims(purpose: .unsubscribe, subscriberID: other.id!, listID: nil, issued: Date())))
            let oneClick = try curl(["-X", "POST", "-d", "List-Unsubscribe=One-Click", oneClickToken])
            #expect(oneClick.status == 200)
            #expect(try database.subscriber(id: other.id!)?.status == .unsubscribed)

            // Abuse: each gets its status and a page, and nothing changes.
            #expect(try curl(["-X", "PUT", "\(base)/subscribe"]).status == 405)
            #expect(try curl(["-X", "DELETE", oneClickToken]).status == 405)
            let big = String(repeating: "x", count: 20_000)
            let tooLarge = try curl(["-d", "email=a@example.org&list=aktuell&name=\(big)", "\(base)/subscribe"])
            #expect(tooLarge.status == 413)
            #expect(tooLarge.body.contains("<html"))
            let injected = try curl([
                "--data-urlencode", "email=opfer@example.org", "--data-urlencode", "name=X\r\nBcc: a@b.example",
                "-d", "list=aktuell", "\(base)/subscribe",
            ])
            #expect(injected.status == 400)
            #expect(try database.subscriber(try EmailAddress("opfer@example.org")) == nil)
            #expect(try curl(["\(base)/confirm?token=AAAA\(token)"]).status == 400)
            #expect(try curl(["\(base)/unsubscribe?token=\(token.dropLast(4))"]).status == 400)
            #expect(try curl(["\(base)/healthz"]).body == #"{"database":"ok","status":"ok"}"#)
            #expect(try curl(["\(base)/metrics"]).status == 404)
        }
        await transport.shutdown()
        // Only the two expected mails went out.
        let files = try FileManager.default.contentsOfDirectory(atPath: smtp.directory.path)
        #expect(files.filter { $0.hasSuffix(".eml") }.sorted() == ["1.eml", "2.eml"])
    }
}
