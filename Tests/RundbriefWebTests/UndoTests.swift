import Foundation
import Hummingbird
import HummingbirdTesting
import RundbriefCore
import RundbriefStore
import Testing

@testable import RundbriefWeb

/// The undo button after an unsubscribe: only for that unsubscribe, never reviving anyone.
@Suite struct UndoTests {
    /// Posts the unsubscribe form; answers the page's undo token, or nil when none is offered.
    func unsubscribe(_ token: String, scope: String, _ client: some TestClientProtocol) async throws -> String? {
        try await client.execute(
            uri: "/unsubscribe", method: .post, headers: .form, body: formBody([("token", token), ("scope", scope)])
        ) { response in
            #expect(response.status == .ok)
            let html = String(buffer: response.body)
            guard let start = html.range(of: "name=\"token\" value=\"")?.upperBound else { return nil }
            return String(html[start...].prefix { $0 != "\"" })
        }
    }

    func undo(_ token: String, _ client: some TestClientProtocol) async throws -> HTTPResponse.Status {
        try await client.execute(
            uri: "/confirm", method: .post, headers: .form, body: formBody([("token", token)])
        ) { $0.status }
    }

    @Test func undoNeverRevivesAComplainedSubscriber() async throws {
        let harness = try await WebHarness()
        let subscriber = try harness.database.addSubscriber(
            try EmailAddress("beschwerde@example.org"), list: "aktuell", status: .complained,
            consent: Consent(method: "cli", at: harness.clock.now))
        let token = harness.token(.unsubscribe, subscriber: subscriber.id!, list: harness.list.id)
        try await harness.web.makeApplication().test(.router) { client in
            if let undoToken = try await unsubscribe(token, scope: "list", client) {
                #expect(try await undo(undoToken, client) != .ok)
            }
            // Even an undo token minted for this very moment does not bring them back.
            let minted = harness.token(.undo, subscriber: subscriber.id!, list: harness.list.id)
            #expect(try await undo(minted, client) != .ok)
        }
        #expect(try harness.subscriber("beschwerde@example.org")?.status == .complained)
        #expect(try harness.membership("beschwerde@example.org") != .active)
    }

    @Test func aForwardedUnsubscribeLinkCannotResubscribeSomeoneWhoLeft() async throws {
        let harness = try await WebHarness()
        let subscriber = try harness.database.addSubscriber(
            try EmailAddress("weg@example.org"), list: "aktuell", consent: Consent(method: "cli", at: harness.clock.now)
        )
        let allToken = harness.token(.unsubscribe, subscriber: subscriber.id!, list: nil)
        let listToken = harness.token(.unsubscribe, subscriber: subscriber.id!, list: harness.list.id)
        try await harness.web.makeApplication().test(.router) { client in
            // The person leaves by one-click.
            try await client.execute(
                uri: "/unsubscribe?token=\(allToken)", method: .post, headers: .form,
                body: ByteBuffer(string: "List-Unsubscribe=One-Click")
            ) { #expect($0.status == .ok) }
            harness.clock.advance(hours: 2)
            // Whoever holds the forwarded newsletter presses "unsubscribe": nothing changes, no undo.
            for (token, scope) in [(listToken, "list"), (allToken, "all"), (listToken, "all")] {
                #expect(try await unsubscribe(token, scope: scope, client) == nil)
            }
            // Nor does an undo naming another moment than the person's own unsubscribe.
            let stale = harness.token(.undo, subscriber: subscriber.id!, list: nil)
            #expect(try await undo(stale, client) != .ok)
        }
        #expect(try harness.subscriber("weg@example.org")?.status == .unsubscribed)
        #expect(try harness.membership("weg@example.org") == .unsubscribed)
    }

    @Test func undoWorksOnceAndNotAfterErasure() async throws {
        let harness = try await WebHarness()
        let email = try EmailAddress("einmal@example.org")
        let subscriber = try harness.database.addSubscriber(
            email, list: "aktuell", consent: Consent(method: "cli", at: harness.clock.now))
        let token = harness.token(.unsubscribe, subscriber: subscriber.id!, list: harness.list.id)
        try await harness.web.makeApplication().test(.router) { client in
            let undoToken = try #require(try await unsubscribe(token, scope: "list", client))
            #expect(try await undo(undoToken, client) == .ok)
            #expect(try harness.membership("einmal@example.org") == .active)
            // Used again after the person unsubscribed once more: it undoes nothing.
            harness.clock.advance(hours: 0.01)
            let second = try #require(try await unsubscribe(token, scope: "list", client))
            #expect(try await undo(undoToken, client) != .ok)
            #expect(try harness.membership("einmal@example.org") == .unsubscribed)
            // Erased in between: nothing to revive.
            try harness.database.forgetSubscriber(email)
            #expect(try await undo(second, client) == .gone)
        }
        #expect(try harness.subscriber("einmal@example.org") == nil)
    }

    @Test func undoExpiresAfterAnHour() async throws {
        let harness = try await WebHarness()
        let subscriber = try harness.database.addSubscriber(
            try EmailAddress("spaet@example.org"), list: "aktuell",
            consent: Consent(method: "cli", at: harness.clock.now))
        let token = harness.token(.unsubscribe, subscriber: subscriber.id!, list: nil)
        try await harness.web.makeApplication().test(.router) { client in
            let undoToken = try #require(try await unsubscribe(token, scope: "all", client))
            harness.clock.advance(hours: 1.1)
            #expect(try await undo(undoToken, client) != .ok)
        }
        #expect(try harness.subscriber("spaet@example.org")?.status == .unsubscribed)
    }
}
