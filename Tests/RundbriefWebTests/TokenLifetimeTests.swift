import Foundation
import Hummingbird
import HummingbirdTesting
import RundbriefCore
import RundbriefStore
import Testing

@testable import RundbriefWeb

/// Tokens of an erased subscriber must not act for whoever is signed up next, over the real server.
@Suite struct TokenLifetimeTests {
    @Test(.timeLimit(.minutes(1)))
    func erasureDoesNotReviveOldTokens() async throws {
        let harness = try await WebHarness()
        try await harness.web.makeApplication(address: .hostname("127.0.0.1", port: 0)).test(.live) { client in
            // Given: someone signs up, confirms, and keeps both links.
            try await client.execute(
                uri: "/subscribe", method: .post, headers: .form,
                body: formBody([("email", "taeter@example.org"), ("list", "aktuell")])
            ) { #expect($0.status == .ok) }
            let confirmation = try #require(
                try await harness.mails.wait(forMailTo: "taeter@example.org").last?.link("/confirm"))
            let confirmToken = String(try #require(confirmation.split(separator: "=", maxSplits: 1).last))
            try await client.execute(
                uri: "/confirm", method: .post, headers: .form, body: formBody([("token", confirmToken)])
            ) { #expect($0.status == .ok) }
            let attacker = try #require(try harness.subscriber("taeter@example.org"))
            #expect(attacker.status == .active)
            let unsubscribeToken = harness.token(.unsubscribe, subscriber: attacker.id!, list: harness.list.id)

            // When: they ask for erasure, and an hour later enter the victim's address in the form.
            try harness.database.forgetSubscriber(try EmailAddress("taeter@example.org"))
            harness.clock.advance(hours: 1)
            try await client.execute(
                uri: "/subscribe", method: .post, headers: .form,
                body: formBody([("email", "opfer@example.org"), ("list", "aktuell")])
            ) { #expect($0.status == .ok) }
            await harness.settled()
            let victim = try #require(try harness.subscriber("opfer@example.org"))
            #expect(victim.id != attacker.id, "an erased subscriber's id was given to someone else")

            // Then: the old links neither confirm nor unsubscribe the victim.
            try await client.execute(
                uri: "/confirm", method: .post, headers: .form, body: formBody([("token", confirmToken)])
            ) { #expect($0.status != .ok) }
            try await client.execute(
                uri: "/unsubscribe", method: .post, headers: .form,
                body: formBody([("token", unsubscribeToken), ("scope", "all")])
            ) { _ in }
            try await client.execute(
                uri: "/unsubscribe?token=\(unsubscribeToken)", method: .post, headers: .form,
                body: ByteBuffer(string: "List-Unsubscribe=One-Click")
            ) { _ in }
            #expect(try harness.subscriber("opfer@example.org")?.status == .pending)
            #expect(try harness.membership("opfer@example.org") == .pending)
            #expect(try harness.eventKinds("opfer@example.org") == ["signup-requested"])

            // The victim's own link still works.
            let own = try #require(
                try await harness.mails.wait(forMailTo: "opfer@example.org").last?.link("/confirm"))
            let ownToken = String(try #require(own.split(separator: "=", maxSplits: 1).last))
            try await client.execute(
                uri: "/confirm", method: .post, headers: .form, body: formBody([("token", ownToken)])
            ) { #expect($0.status == .ok) }
            #expect(try harness.subscriber("opfer@example.org")?.status == .active)
        }
    }

    @Test func tokenIssuedBeforeTheSubscriberExistedIsRefusedByTheStore() async throws {
        let database = try AppDatabase.inMemory()
        let list = try database.createList(slug: "news", name: "News")
        let created = Date(timeIntervalSince1970: 1_760_000_000.5)
        let subscriber = try database.addSubscriber(
            try EmailAddress("neu@example.org"), list: "news", consent: Consent(method: "cli", at: created))
        // Tokens carry whole seconds: one made in the second of creation is accepted, one a second earlier is not.
        #expect(subscriber.accepts(tokenIssuedAt: Date(timeIntervalSince1970: 1_760_000_000)))
        #expect(!subscriber.accepts(tokenIssuedAt: Date(timeIntervalSince1970: 1_759_999_999)))
        let stale = try await database.unsubscribeIfKnown(
            subscriberID: subscriber.id!, list: list.id, source: "web", detail: [:], now: created,
            tokenIssued: Date(timeIntervalSince1970: 1_759_999_999))
        #expect(!stale)
        #expect(try database.subscriber(id: subscriber.id!)?.status == .active)
    }
}
