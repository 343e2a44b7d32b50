import Foundation
import GRDB
import RundbriefCore
import Testing

@testable import RundbriefStore

/// The ledger's results written in batches, on real SQLite files: a batch (one statement for the
/// results between bounces) leaves every row exactly as writing the results one at a time does.
struct DeliveryLedgerTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)
    static let addresses = (1...7).map { "leser\($0)@example.de" }

    /// A database with one running send to seven subscribers, all of them claimed.
    static func claimedSend() async throws -> (TemporaryDatabase, [Delivery.Claimed]) {
        let temporary = try TemporaryDatabase()
        let database = temporary.database
        try database.createList(slug: "news", name: "News")
        try database.saveEdition(
            Edition(
                slug: "e1", subject: "News", preheader: "", listSlug: "news", template: "edition", markdown: "x",
                frontMatter: [:], source: "---\nsubject: News\n---\nx\n", sourcePath: nil))
        for address in addresses {
            try database.addSubscriber(EmailAddress(address), list: "news", consent: Consent(method: "cli"))
        }
        guard
            case .changed(let send) = try database.scheduleSend(
                edition: "e1", list: "news", at: start, again: false, now: start)
        else { throw StoreError(.invalidState, "not scheduled") }
        _ = try await database.startSend(id: send.id!, now: start)
        let claim = try await database.claimDeliveries(
            sendID: send.id!, listID: send.listID, limit: 100, now: start)
        return (temporary, claim.deliveries)
    }

    /// One result of every kind, with replies that need escaping in JSON, and a bounce in the middle.
    static func results(for claimed: [Delivery.Claimed]) -> [Delivery.Result] {
        let later = start.addingTimeInterval(900)
        let kinds: [(Delivery.Result.Kind, Int?, String?, String?)] = [
            (.sent, 250, "2.0.0", #"250 2.0.0 Ok: queued as "A1\B2" ü"#),
            (.deferred(until: later), 451, "4.7.1", "451 4.7.1 greylisted\r\n\ttry again\u{1}"),
            (.returned(until: nil), nil, nil, nil),
            (.bounced, 550, "5.1.1", "550 5.1.1 <leser4@example.de>: unknown user"),
            (.returned(until: later), 421, nil, "421 too many connections"),
            (.failed, 451, "4.3.0", "451 4.3.0 still failing after the maximum age"),
            (.sent, 250, nil, "250 ok"),
        ]
        return zip(claimed, kinds).map { delivery, kind in
            Delivery.Result(
                deliveryID: delivery.id, subscriberID: delivery.subscriberID, kind: kind.0, code: kind.1,
                enhancedStatus: kind.2, reply: kind.3)
        }
    }

    /// Every delivery's columns as text (NULL stays nil), in id order.
    static func rows(_ database: AppDatabase) throws -> [[String?]] {
        let columns = [
            "id", "status", "attempts", "next_attempt_at", "last_code", "last_status", "last_reply", "updated_at",
            "sent_at",
        ]
        return try database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT " + columns.map { "CAST(\($0) AS TEXT)" }.joined(separator: ", ")
                    + " FROM deliveries ORDER BY id"
            ).map { row in (0..<row.count).map { row[$0] as String? } }
        }
    }

    @Test func aBatchWritesWhatOneByOneWrites() async throws {
        let (batched, claimed) = try await Self.claimedSend()
        let (single, sameClaim) = try await Self.claimedSend()
        #expect(claimed == sameClaim)
        #expect(claimed.count == Self.addresses.count)
        let now = Self.start.addingTimeInterval(5)
        try await batched.database.recordResults(Self.results(for: claimed), bouncePolicy: BouncePolicy(), now: now)
        for result in Self.results(for: sameClaim) {
            try await single.database.recordResults([result], bouncePolicy: BouncePolicy(), now: now)
        }
        let rows = try Self.rows(batched.database)
        #expect(rows == (try Self.rows(single.database)))

        // And what it wrote is right, escapes included.
        #expect(rows.map { $0[1] } == ["sent", "deferred", "queued", "failed", "deferred", "failed", "sent"])
        #expect(rows.map { $0[2] } == ["1", "1", "0", "1", "0", "1", "1"])
        #expect(rows[0][6] == #"250 2.0.0 Ok: queued as "A1\B2" ü"#)
        #expect(rows[1][6] == "451 4.7.1 greylisted\r\n\ttry again\u{1}")
        #expect(rows[1][3] == String.fromDatabaseValue(Self.start.addingTimeInterval(900).databaseValue))
        #expect(rows[2][4] == nil && rows[2][6] == nil)
        #expect(rows.map { $0[8] != nil } == [true, false, false, false, false, false, true])
        // The bounce went through the bounce policy: the subscriber is suppressed.
        let bounced = try await batched.database.read { db in
            try String.fetchOne(
                db, sql: "SELECT status FROM subscribers WHERE email = ?", arguments: ["leser4@example.de"])
        }
        #expect(bounced == "bounced")
    }
}
