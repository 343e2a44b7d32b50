import Foundation
import Hummingbird
import HummingbirdTesting
import RundbriefCore
import RundbriefStore
import Testing

@testable import RundbriefWeb

@Suite struct SignUpRouteTests {
    @Test func subscribePageIsAFormWithSecurityHeaders() async throws {
        let harness = try await WebHarness()
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(uri: "/subscribe?list=aktuell", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("<html lang=\"de\">"))
                #expect(html.contains("<label for=\"email\">E-Mail-Adresse</label>"))
                #expect(html.contains("name=\"website\""))
                #expect(html.contains("Aktuelles aus dem Rathaus"))
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("default-src 'none'"))
                #expect(csp.contains("form-action 'self'"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[SecurityHeaders.referrerPolicy] == "no-referrer")
            }
            try await client.execute(uri: "/subscribe?list=gibtsnicht", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("Diese Seite gibt es nicht"))
            }
        }
    }

    @Test func acceptLanguageChoosesEnglish() async throws {
        let harness = try await WebHarness()
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/subscribe", method: .get, headers: [.acceptLanguage: "fr;q=1, en-GB;q=0.8, de;q=0.5"]
            ) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("<html lang=\"en\">"))
                #expect(html.contains("Email address"))
            }
        }
    }

    @Test func signUpStoresPendingAndMailsAConfirmationLink() async throws {
        let harness = try await WebHarness()
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/subscribe", method: .post, headers: .form,
                body: formBody([("email", "Anna.Schmidt@Example.DE"), ("name", "Anna Schmidt"), ("list", "aktuell")])
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Postfach"))
            }
            await harness.settled()
            let subscriber = try #require(try harness.subscriber("Anna.Schmidt@example.de"))
            #expect(subscriber.status == .pending)
            #expect(subscriber.name == "Anna Schmidt")
            #expect(try harness.membership("Anna.Schmidt@example.de") == .pending)
            let mails = try await harness.mails.wait(for: 1)
            #expect(mails.count == 1)
            #expect(mails[0].recipient == "Anna.Schmidt@example.de")
            let link = try #require(mails[0].link("/confirm"))
            #expect(link.hasPrefix("http://127.0.0.1:8080/confirm?token="))
            // The subject is RFC 2047-encoded (non-ASCII) and decodes back to the German text.
            let text = String(decoding: mails[0].data, as: UTF8.self)
            let headers = text[..<(text.range(of: "\r\n\r\n")?.lowerBound ?? text.endIndex)]
                .replacingOccurrences(of: "\r\n ", with: " ")
            let subject = try #require(headers.split(separator: "\r\n").first { $0.hasPrefix("Subject: ") })
            #expect(subject.contains("=?utf-8?"))
            #expect(
                try EncodedWord.decodeHeaderValue(String(subject.dropFirst(9))).contains(
                    "bestätigen Sie Ihre Anmeldung"))
        }
    }

    @Test func jsonSignUpIsAccepted() async throws {
        let harness = try await WebHarness()
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/subscribe", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"email":"json@example.org","list":"aktuell"}"#)
            ) { response in
                #expect(response.status == .accepted)
                #expect(String(buffer: response.body) == #"{"status":"check-your-inbox"}"#)
            }
            try await client.execute(
                uri: "/subscribe", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"email":"kein-at-zeichen","list":"aktuell"}"#)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("email"))
            }
        }
        #expect(try harness.subscriber("json@example.org")?.status == .pending)
    }

    @Test func knownAndUnknownAddressesGetTheSameAnswer() async throws {
        let harness = try await WebHarness()
        try harness.database.addSubscriber(
            try EmailAddress("bekannt@example.org"), name: "Bekannt", list: "aktuell",
            consent: Consent(method: "cli"))
        try await harness.web.makeApplication().test(.router) { client in
            var bodies: [String] = []
            for email in ["bekannt@example.org", "neu@example.org"] {
                try await client.execute(
                    uri: "/subscribe", method: .post, headers: .form,
                    body: formBody([("email", email), ("list", "aktuell")])
                ) { response in
                    #expect(response.status == .ok)
                    bodies.append(String(buffer: response.body))
                }
            }
            #expect(bodies[0] == bodies[1])
            await harness.settled()
        }
        // The unconfirmed request changed nothing about the active subscriber.
        let known = try #require(try harness.subscriber("bekannt@example.org"))
        #expect(known.status == .active)
        #expect(known.name == "Bekannt")
    }

    @Test(arguments: [
        ("kein-at-zeichen", "Anna", "email"),
        ("anna@example.org", "Anna\r\nBcc: opfer@example.org", "name"),
        ("anna@example.org", "Anna\u{0}", "name"),
        ("anna@example.org", String(repeating: "x", count: 101), "name"),
    ])
    func invalidInputGetsTheFormBackAndStoresNothing(email: String, name: String, field: String)
        async throws
    {
        let harness = try await WebHarness()
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/subscribe", method: .post, headers: .form,
                body: formBody([("email", email), ("name", name), ("list", "aktuell")])
            ) { response in
                #expect(response.status == .badRequest)
                let html = String(buffer: response.body)
                #expect(html.contains("id=\"\(field)-error\""))
                #expect(!html.contains("Bcc: opfer"))
            }
        }
        var stored = 0
        try harness.database.forEachSubscriber { _ in stored += 1 }
        #expect(stored == 0)
        #expect(harness.mails.all.isEmpty)
    }

    @Test func honeypotAnswersAsUsualButDoesNothing() async throws {
        let harness = try await WebHarness()
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(
                uri: "/subscribe", method: .post, headers: .form,
                body: formBody([("email", "bot@example.org"), ("list", "aktuell"), ("website", "http://spam")])
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Postfach"))
            }
        }
        #expect(try harness.subscriber("bot@example.org") == nil)
        #expect(harness.mails.all.isEmpty)
    }

    @Test func repeatedSignUpsOfOneAddressAreCollapsed() async throws {
        let harness = try await WebHarness { $0.web.signupsPerAddressPerDay = 2 }
        try await harness.web.makeApplication().test(.router) { client in
            func signUp(_ email: String) async throws {
                try await client.execute(
                    uri: "/subscribe", method: .post, headers: .form,
                    body: formBody([("email", email), ("list", "aktuell")])
                ) { response in
                    #expect(response.status == .ok)
                }
            }
            for _ in 0..<5 { try await signUp("opfer@example.org") }
            try await signUp("marker1@example.org")
            var mails = try await harness.mails.wait(forMailTo: "marker1@example.org")
            #expect(mails.filter { $0.recipient == "opfer@example.org" }.count == 2)

            harness.clock.advance(hours: 25)
            try await signUp("opfer@example.org")
            try await signUp("marker2@example.org")
            mails = try await harness.mails.wait(forMailTo: "marker2@example.org")
            #expect(mails.filter { $0.recipient == "opfer@example.org" }.count == 3)
        }
    }

    @Test func clientsOverTheHourlyLimitGet429() async throws {
        let harness = try await WebHarness { $0.web.signupsPerIPPerHour = 2 }
        try await harness.web.makeApplication().test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<3 {
                try await client.execute(
                    uri: "/subscribe", method: .post, headers: .form,
                    body: formBody([("email", "person\(index)@example.org"), ("list", "aktuell")])
                ) { response in
                    statuses.append(response.status)
                    if response.status == .tooManyRequests {
                        #expect(response.headers[.retryAfter] == "3600")
                        #expect(String(buffer: response.body).contains("Zu viele Anfragen"))
                    }
                }
            }
            #expect(statuses == [.ok, .ok, .tooManyRequests])
            await harness.settled()
        }
        #expect(try harness.subscriber("person2@example.org") == nil)
    }

    @Test func oversizedBodiesGet413() async throws {
        let harness = try await WebHarness { $0.http.maxBodyBytes = 1_024 }
        try await harness.web.makeApplication().test(.router) { client in
            let name = String(repeating: "a", count: 2_000)
            try await client.execute(
                uri: "/subscribe", method: .post, headers: .form,
                body: formBody([("email", "gross@example.org"), ("name", name), ("list", "aktuell")])
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("zu groß"))
            }
        }
        #expect(try harness.subscriber("gross@example.org") == nil)
    }
}
