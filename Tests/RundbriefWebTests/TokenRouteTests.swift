import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RundbriefCore
import RundbriefStore
import Testing

@testable import RundbriefWeb

@Suite struct TokenRouteTests {
    /// Signs up `email` through the form and returns the confirmation link's path and query.
    func signUp(_ email: String, _ harness: WebHarness, _ client: some TestClientProtocol) async throws
        -> String
    {
        try await client.execute(
            uri: "/subscribe", method: .post, headers: .form,
            body: formBody([("email", email), ("list", "aktuell")])
        ) { _ in }
        let mails = try await harness.mails.wait(forMailTo: email)
        let link = try #require(mails.last { $0.recipient == email }?.link("/confirm"))
        return String(link.dropFirst("http://127.0.0.1:8080".count))
    }

    /// Confirms through the page's button, as a person does: `POST /confirm` with the link's token.
    func confirm(_ path: String, _ client: some TestClientProtocol, headers: HTTPFields = [:]) async throws
        -> (HTTPResponse.Status, String)
    {
        let token = String(path.split(separator: "=", maxSplits: 1)[1])
        var fields = HTTPFields.form
        fields.append(contentsOf: headers)
        return try await client.execute(
            uri: "/confirm", method: .post, headers: fields, body: formBody([("token", token)])
        ) { response in (response.status, String(buffer: response.body)) }
    }

    @Test func confirmationLinkShowsAButtonAndTheButtonActivatesWithConsentRecord() async throws {
        let harness = try await WebHarness()
        try await harness.web.makeApplication().test(.router) { client in
            let path = try await signUp("anna@example.org", harness, client)
            // A link scanner's GET and HEAD: a page with a button, nothing changes.
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("<form method=\"post\" action=\"/confirm\">"))
                #expect(html.contains("Bitte bestätigen Sie Ihre Anmeldung"))
                #expect(response.headers[.cacheControl] == "no-store")
            }
            try await client.execute(uri: path, method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
            #expect(try harness.subscriber("anna@example.org")?.status == .pending)
            #expect(try harness.eventKinds("anna@example.org") == ["signup-requested"])

            let (status, html) = try await confirm(path, client, headers: [.userAgent: "Testbrowser/1.0"])
            #expect(status == .ok)
            #expect(html.contains("Ihre Anmeldung ist bestätigt"))
            let subscriber = try #require(try harness.subscriber("anna@example.org"))
            #expect(subscriber.status == .active)
            #expect(subscriber.consentMethod == "double-opt-in")
            #expect(subscriber.consentUserAgent == "Testbrowser/1.0")
            #expect(subscriber.consentIP == "unknown")
            #expect(subscriber.consentAt == harness.clock.now)
            #expect(try harness.membership("anna@example.org") == .active)
            #expect(try harness.eventKinds("anna@example.org") == ["signup-requested", "confirmed"])
            // Followed again: a friendly page, no second event.
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("bereits angemeldet"))
            }
            let (again, page) = try await confirm(path, client)
            #expect(again == .ok)
            #expect(page.contains("bereits angemeldet"))
            #expect(try harness.eventKinds("anna@example.org").count == 2)
            // The welcome mail carries a working unsubscribe link.
            let mails = try await harness.mails.wait(for: 2)
            let link = try #require(
                mails[1].body.split(whereSeparator: \.isWhitespace).map(String.init).first { $0.contains("/u/") })
            let short = String(link[try #require(link.range(of: "/u/")).lowerBound...])
            try await client.execute(uri: short, method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("action=\"/unsubscribe\""))
            }
        }
    }

    @Test func expiredConfirmationOffersANewLinkAndChangesNothing() async throws {
        let harness = try await WebHarness { $0.tokens.confirmTTLHours = 24 }
        try await harness.web.makeApplication().test(.router) { client in
            let path = try await signUp("spaet@example.org", harness, client)
            harness.clock.advance(hours: 25)
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .gone)
                let html = String(buffer: response.body)
                #expect(html.contains("abgelaufen"))
                #expect(html.contains("action=\"/subscribe\""))
            }
        }
        #expect(try harness.subscriber("spaet@example.org")?.status == .pending)
    }

    @Test func forgedTruncatedAndSwappedTokensAreRefused() async throws {
        let harness = try await WebHarness()
        try await harness.web.makeApplication().test(.router) { client in
            let path = try await signUp("ziel@example.org", harness, client)
            let token = String(path.split(separator: "=", maxSplits: 1)[1])
            let subscriberID = try #require(try harness.subscriber("ziel@example.org")?.id)
            let otherKey = TokenSigner(keys: [TokenKey(id: "t1", secret: Array(repeating: 9, count: 32))])
            let forged = otherKey.sign(
                TokenClaims(
                    purpose: .confirm, subscriberID: subscriberID, listID: harness.list.id, issued: harness.clock.now))
            let unsubscribeToken = harness.token(.unsubscribe, subscriber: subscriberID, list: harness.list.id)
            var flipped = Array(token)
            flipped[flipped.count / 2] = flipped[flipped.count / 2] == "A" ? "B" : "A"
            for bad in [forged, String(token.dropLast(3)), String(flipped), unsubscribeToken, "", "%%%"] {
                try await client.execute(uri: "/confirm?token=\(bad)", method: .get) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("nicht gültig"))
                }
            }
            // A confirmation token does not unsubscribe, by page or by one-click.
            _ = try await confirm(path, client)
            try await client.execute(uri: "/unsubscribe?token=\(token)", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(
                uri: "/unsubscribe?token=\(token)", method: .post, headers: .form,
                body: ByteBuffer(string: "List-Unsubscribe=One-Click")
            ) { response in
                #expect(response.status == .badRequest)
            }
        }
        #expect(try harness.subscriber("ziel@example.org")?.status == .active)
        #expect(try harness.membership("ziel@example.org") == .active)
    }

    @Test func unsubscribePageNeverUnsubscribesButItsButtonDoesAndCanBeUndone() async throws {
        let harness = try await WebHarness()
        let subscriber = try harness.database.addSubscriber(
            try EmailAddress("leser@example.org"), list: "aktuell",
            consent: Consent(method: "cli", at: harness.clock.now))
        let token = harness.token(.unsubscribe, subscriber: subscriber.id!, list: harness.list.id)
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(uri: "/unsubscribe?token=\(token)", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("<form method=\"post\" action=\"/unsubscribe\">"))
                #expect(html.contains("value=\"all\""))
            }
            #expect(try harness.membership("leser@example.org") == .active)

            var undoToken = ""
            try await client.execute(
                uri: "/unsubscribe", method: .post, headers: .form,
                body: formBody([("token", token), ("scope", "list")])
            ) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("Sie sind abgemeldet"))
                let marker = "name=\"token\" value=\""
                let start = try #require(html.range(of: marker)).upperBound
                undoToken = String(html[start...].prefix { $0 != "\"" })
            }
            #expect(try harness.membership("leser@example.org") == .unsubscribed)
            #expect(try harness.subscriber("leser@example.org")?.status == .active)

            try await client.execute(
                uri: "/confirm", method: .post, headers: .form, body: formBody([("token", undoToken)])
            ) { response in
                #expect(response.status == .ok)
            }
            #expect(try harness.membership("leser@example.org") == .active)
        }
    }

    @Test func unsubscribeFromAllAndUndoRestoresWhatItEnded() async throws {
        let harness = try await WebHarness(lists: [("aktuell", "Aktuelles"), ("kultur", "Kultur")])
        let email = try EmailAddress("zwei@example.org")
        let subscriber = try harness.database.addSubscriber(
            email, list: "aktuell", consent: Consent(method: "cli", at: harness.clock.now))
        try harness.database.addSubscriber(
            email, list: "kultur", consent: Consent(method: "cli", at: harness.clock.now))
        let token = harness.token(.unsubscribe, subscriber: subscriber.id!, list: harness.list.id)
        try await harness.web.makeApplication().test(.router) { client in
            var undoToken = ""
            try await client.execute(
                uri: "/unsubscribe", method: .post, headers: .form,
                body: formBody([("token", token), ("scope", "all")])
            ) { response in
                let html = String(buffer: response.body)
                let start = try #require(html.range(of: "name=\"token\" value=\"")).upperBound
                undoToken = String(html[start...].prefix { $0 != "\"" })
            }
            var detail = try harness.database.subscriberDetail(email)
            #expect(detail.subscriber.status == .unsubscribed)
            #expect(detail.lists.allSatisfy { $0.status == .unsubscribed })
            // A GET of the undo token (a scanner) does not re-subscribe someone who left.
            try await client.execute(uri: "/confirm?token=\(undoToken)", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            #expect(try harness.subscriber("zwei@example.org")?.status == .unsubscribed)
            try await client.execute(
                uri: "/confirm", method: .post, headers: .form, body: formBody([("token", undoToken)])
            ) { _ in }
            detail = try harness.database.subscriberDetail(email)
            #expect(detail.subscriber.status == .active)
            #expect(detail.lists.allSatisfy { $0.status == .active })
        }
    }

    @Test func oneClickUnsubscribesAtOnce() async throws {
        let recorder = LogRecorder()
        let harness = try await WebHarness(logger: Logger(label: "test") { _ in recorder })
        let subscriber = try harness.database.addSubscriber(
            try EmailAddress("klick@example.org"), list: "aktuell",
            consent: Consent(method: "cli", at: harness.clock.now))
        let token = harness.token(.unsubscribe, subscriber: subscriber.id!, list: nil)
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/unsubscribe?token=\(token)", method: .post, headers: .form,
                body: ByteBuffer(string: "List-Unsubscribe=One-Click")
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "unsubscribed\n")
            }
        }
        #expect(try harness.subscriber("klick@example.org")?.status == .unsubscribed)
        let events = try harness.database.subscriberDetail(try EmailAddress("klick@example.org")).events
        #expect(events.last?.source == "one-click")
        // The journal is the audit trail: one notice, the address masked, the list and the source named.
        let notices = recorder.lines.filter { $0.hasPrefix("subscriber unsubscribed") }
        #expect(notices.count == 1)
        #expect(notices.first?.contains("subscriber.email=k***@example.org") == true)
        #expect(notices.first?.contains(" list.slug=all") == true)
        #expect(notices.first?.contains(" unsubscribe.source=one-click") == true)
        #expect(!recorder.lines.joined().contains("klick@example.org"))
    }

    @Test func oneClickAsMultipartFormData() async throws {
        let harness = try await WebHarness()
        let subscriber = try harness.database.addSubscriber(
            try EmailAddress("multi@example.org"), list: "aktuell",
            consent: Consent(method: "cli", at: harness.clock.now))
        let token = harness.token(.unsubscribe, subscriber: subscriber.id!, list: harness.list.id)
        let body =
            "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n"
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/unsubscribe?token=\(token)", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=XyZ"], body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(try harness.membership("multi@example.org") == .unsubscribed)
    }

    @Test(arguments: [
        ("/subscribe", HTTPRequest.Method.put), ("/unsubscribe", .delete), ("/confirm", .patch),
        ("/healthz", .post),
    ])
    func unexpectedMethodsGet405(path: String, method: HTTPRequest.Method) async throws {
        let harness = try await WebHarness()
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(uri: path, method: method) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] != nil)
                #expect(String(buffer: response.body).contains("<html lang=\"de\">"))
            }
        }
    }

    @Test func healthAndUnknownPaths() async throws {
        let harness = try await WebHarness()
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"database":"ok","status":"ok"}"#)
            }
            try await client.execute(uri: "/wp-admin", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("Diese Seite gibt es nicht"))
                #expect(response.headers[.contentSecurityPolicy] != nil)
            }
        }
    }
}
