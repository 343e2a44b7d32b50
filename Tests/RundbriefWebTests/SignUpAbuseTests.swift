import Foundation
import Hummingbird
import HummingbirdTesting
import RundbriefCore
import RundbriefStore
import Testing

@testable import RundbriefWeb

/// Sign-up limits, the name field and the client address behind proxies, each attack first.
@Suite struct SignUpAbuseTests {
    func signUp(
        _ email: String, name: String = "", _ client: some TestClientProtocol, headers: HTTPFields = [:]
    ) async throws -> HTTPResponse.Status {
        var fields = HTTPFields.form
        fields.append(contentsOf: headers)
        return try await client.execute(
            uri: "/subscribe", method: .post, headers: fields,
            body: formBody([("email", email), ("name", name), ("list", "aktuell")])
        ) { $0.status }
    }

    /// 2,000 sign-ups with `+tag` and dot variants once produced 1,257 mails to one inbox.
    @Test func tagAndDotVariantsOfOneMailboxShareItsDailyLimit() async throws {
        let harness = try await WebHarness {
            $0.web.signupsPerAddressPerDay = 2
            $0.web.signupsPerIPPerHour = 1_000
        }
        try await harness.web.makeApplication().test(.router) { client in
            let variants = [
                "opfer@gmail.com", "Opfer+1@gmail.com", "o.pfer@gmail.com", "op.fer+x@googlemail.com",
                "OPFER+news@GMAIL.com", "o.p.f.e.r@gmail.com",
            ]
            for email in variants { #expect(try await signUp(email, client) == .ok) }
            // Dots are kept where the provider is not known to ignore them: two mailboxes.
            #expect(try await signUp("a.b@example.org", client) == .ok)
            #expect(try await signUp("ab@example.org", client) == .ok)
            _ = try await signUp("marker@example.org", client)
            let mails = try await harness.mails.wait(forMailTo: "marker@example.org")
            let toVictim = mails.filter {
                $0.recipient.lowercased().contains("gmail") || $0.recipient.contains("googlemail")
            }
            #expect(toVictim.count == 2)
            #expect(mails.filter { $0.recipient.hasSuffix("@example.org") }.count == 3)
        }
    }

    @Test func confirmationMailsHaveAGlobalHourlyBudget() async throws {
        let harness = try await WebHarness {
            $0.web.confirmationMailsPerHour = 3
            $0.web.signupsPerIPPerHour = 1_000
        }
        try await harness.web.makeApplication().test(.router) { client in
            for index in 0..<6 { #expect(try await signUp("person\(index)@example.org", client) == .ok) }
            await harness.settled()
            #expect(try await harness.mails.wait(for: 3).count == 3)
            // Every sign-up was recorded; the next hour has a new budget.
            #expect(try harness.subscriber("person5@example.org")?.status == .pending)
            harness.clock.advance(hours: 1)
            _ = try await signUp("person9@example.org", client)
            _ = try await harness.mails.wait(forMailTo: "person9@example.org")
            #expect(harness.mails.all.count == 4)
        }
    }

    /// Empty or malformed POSTs used to count towards the client's limit (and fill the table).
    @Test func onlyValidSignUpsCountTowardsTheClientLimit() async throws {
        let harness = try await WebHarness { $0.web.signupsPerIPPerHour = 2 }
        try await harness.web.makeApplication().test(.router) { client in
            for _ in 0..<10 {
                try await client.execute(uri: "/subscribe", method: .post, headers: .form, body: ByteBuffer()) {
                    #expect($0.status == .badRequest)
                }
                #expect(try await signUp("kaputt", client) == .badRequest)
            }
            #expect(try await signUp("echt1@example.org", client) == .ok)
            #expect(try await signUp("echt2@example.org", client) == .ok)
            #expect(try await signUp("echt3@example.org", client) == .tooManyRequests)
        }
    }

    /// One "character" can carry thousands of combining marks (5 KB stored in one name).
    @Test func theNameIsLimitedInCodePointsAndNotSentInTheConfirmationMail() async throws {
        let harness = try await WebHarness()
        try await harness.web.makeApplication().test(.router) { client in
            let zalgo = "A" + String(repeating: "\u{0301}", count: 2_000)
            #expect(zalgo.count == 1)
            #expect(try await signUp("zalgo@example.org", name: zalgo, client) == .badRequest)
            #expect(try harness.subscriber("zalgo@example.org") == nil)
            let longest = String(repeating: "ä", count: 100)
            #expect(try await signUp("lang@example.org", name: longest, client) == .ok)
            #expect(try await signUp("laenger@example.org", name: longest + "a", client) == .badRequest)
            let spam = "Gewinn! Besuchen Sie http://betrug.example/jetzt"
            #expect(try await signUp("fremd@example.org", name: spam, client) == .ok)
            let mails = try await harness.mails.wait(forMailTo: "fremd@example.org")
            await harness.settled()
            let mail = try #require(mails.last)
            #expect(!mail.body.contains("betrug.example"))
            #expect(!String(decoding: mail.data, as: UTF8.self).contains("betrug"))
            #expect(mail.body.hasPrefix("Guten Tag,"))
        }
        #expect(try harness.subscriber("fremd@example.org")?.name == "Gewinn! Besuchen Sie http://betrug.example/jetzt")
    }

    /// Live: the TCP peer is 127.0.0.1 (or 127.0.0.2 via curl --interface), so X-Forwarded-For
    /// and IPv6 grouping can be checked against the real server.
    @Test(.timeLimit(.minutes(1)))
    func ipv6ClientsBehindATrustedProxyAreLimitedPer64() async throws {
        let harness = try await WebHarness {
            $0.web.signupsPerIPPerHour = 3
            $0.http.trustedProxies = ["127.0.0.1"]
        }
        let app = try harness.web.makeApplication(address: .hostname("127.0.0.1", port: 0))
        try await app.test(.live) { client in
            // Rotating through one /64 gains nothing.
            var statuses: [HTTPResponse.Status] = []
            for index in 1...5 {
                statuses.append(
                    try await signUp(
                        "v6-\(index)@example.org", client,
                        headers: [SecurityHeaders.forwardedFor: "2001:db8:7:7::\(index)"]))
            }
            #expect(statuses == [.ok, .ok, .ok, .tooManyRequests, .tooManyRequests])
            // Another /64 is another client.
            #expect(
                try await signUp(
                    "v6-other@example.org", client, headers: [SecurityHeaders.forwardedFor: "2001:db8:7:8::1"])
                    == .ok)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func forwardedForIsBelievedOnlyFromTrustedProxies() async throws {
        let harness = try await WebHarness { $0.http.trustedProxies = ["127.0.0.1", "10.0.0.0/8"] }
        let app = try harness.web.makeApplication(address: .hostname("127.0.0.1", port: 0))
        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            func confirmAs(_ email: String, _ extra: [String]) async throws -> String? {
                _ = try await offPool { try curl(["-d", "email=\(email)&list=aktuell", "\(base)/subscribe"]) }
                let mails = try await harness.mails.wait(forMailTo: email)
                let link = try #require(mails.last { $0.recipient == email }?.link("/confirm"))
                let token = String(link.split(separator: "=", maxSplits: 1)[1])
                _ = try await offPool { try curl(extra + ["-d", "token=\(token)", "\(base)/confirm"]) }
                return try harness.subscriber(email)?.consentIP
            }
            // From the proxy: the nearest address that is not a proxy of ours.
            #expect(try await confirmAs("a@example.org", ["-H", "X-Forwarded-For: 203.0.113.9"]) == "203.0.113.9")
            #expect(
                try await confirmAs("b@example.org", ["-H", "X-Forwarded-For: 198.51.100.1, 203.0.113.7, 10.1.2.3"])
                    == "203.0.113.7")
            // From any other peer (127.0.0.2 is not in the list) the header is ignored.
            #expect(
                try await confirmAs(
                    "c@example.org", ["--interface", "127.0.0.2", "-H", "X-Forwarded-For: 203.0.113.9"])
                    == "127.0.0.2")
            #expect(try await confirmAs("d@example.org", ["-H", "X-Forwarded-For: kein-ip"]) == "127.0.0.1")
        }
    }

    @Test func deprecatedTrustForwardedForMeansLoopbackOnly() throws {
        var http = Configuration().http
        #expect(SubscriberWeb.trustedProxies(http).isEmpty)
        http.trustForwardedFor = true
        let proxies = SubscriberWeb.trustedProxies(http)
        #expect(proxies.contains { $0.contains("127.0.0.1") })
        #expect(proxies.contains { $0.contains("::1") })
        #expect(!proxies.contains { $0.contains("192.0.2.1") })
        #expect(!proxies.contains { $0.contains("2001:db8::1") })
    }
}
