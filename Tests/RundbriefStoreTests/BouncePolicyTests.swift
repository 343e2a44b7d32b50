import Foundation
import GRDB
import RundbriefCore
import Testing

@testable import RundbriefStore

@Suite struct BouncePolicyTests {
    let temporary: TemporaryDatabase
    var database: AppDatabase { temporary.database }
    let policy = BouncePolicy(
        softLimit: 3, softWindowDays: 30, pauseHardBounceRate: 0.05, pauseComplaintRate: 0.003, pauseMinimumSample: 20)
    let start = Date(timeIntervalSince1970: 1_760_000_000)

    init() throws {
        temporary = try TemporaryDatabase()
        try temporary.database.createList(slug: "news", name: "Newsletter")
        try temporary.database.createList(slug: "events", name: "Events")
    }

    private func subscriber(_ email: String) throws -> Subscriber {
        let address = try EmailAddress(email)
        try database.addSubscriber(address, list: "news", consent: Consent(method: "cli"))
        return try database.addSubscriber(address, list: "events", consent: Consent(method: "cli"))
    }

    /// A sent delivery to `subscriber` (of a finished send): what a verified bounce names.
    private func delivery(to subscriber: Subscriber) throws -> Int64 {
        try database.write { db in
            if try Int.fetchOne(db, sql: "SELECT count(*) FROM sends WHERE id = 99") == 0 {
                try db.execute(
                    sql: """
                        INSERT INTO editions (id, slug, subject, list_slug, markdown, source, created_at, updated_at)
                        VALUES (99, 'e99', 'S', 'news', 'x', 'x', 0, 0);
                        INSERT INTO sends (id, edition_id, list_id, status, scheduled_at, created_at, updated_at)
                        VALUES (99, 99, 1, 'done', 0, 0, 0);
                        """)
            }
            try db.execute(
                sql:
                    "INSERT INTO deliveries (send_id, subscriber_id, domain, status, updated_at, sent_at) VALUES (99, ?, 'example.de', 'sent', 0, ?)",
                arguments: [subscriber.id, start.addingTimeInterval(-86_400 * 60)])
            return db.lastInsertedRowID
        }
    }

    /// A running send of an edition with `count` sent deliveries; returns (send id, delivery ids).
    private func runningSend(count: Int) throws -> (Int64, [Int64]) {
        try database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO editions (slug, subject, list_slug, markdown, source, created_at, updated_at)
                    VALUES ('e1', 'S', 'news', 'x', 'x', 0, 0)
                    """)
            try db.execute(
                sql: """
                    INSERT INTO sends (edition_id, list_id, status, scheduled_at, created_at, updated_at)
                    VALUES (1, 1, 'running', 0, 0, 0)
                    """)
            let sendID = db.lastInsertedRowID
            var ids: [Int64] = []
            for index in 0..<count {
                var subscriber = Subscriber(email: "r\(index)@example.de", status: .active)
                try subscriber.insert(db)
                try db.execute(
                    sql:
                        "INSERT INTO deliveries (send_id, subscriber_id, domain, status, updated_at, sent_at) VALUES (?, ?, 'example.de', 'sent', 0, ?)",
                    arguments: [sendID, subscriber.id, start])
                ids.append(db.lastInsertedRowID)
            }
            return (sendID, ids)
        }
    }

    @Test func aHardBounceSuppressesAtOnce() throws {
        let anna = try subscriber("anna@example.de")
        let decision = try database.recordBounce(
            BounceInput(
                kind: .hard, deliveryID: try delivery(to: anna), address: try EmailAddress("anna@example.de"),
                status: "5.1.1", source: "dsn"),
            policy: policy, now: start)
        #expect(decision.action == .suppressed)
        #expect(try database.subscriber(id: anna.id!)?.status == .bounced)
        let events = try database.subscriberDetail(try EmailAddress("anna@example.de")).events.map(\.kind)
        #expect(events.contains("bounced"))
    }

    @Test func softBouncesSuppressOnlyAfterTheLimitWithinTheWindow() throws {
        let kurt = try subscriber("kurt@example.de")
        let address = try EmailAddress("kurt@example.de")
        let deliveryID = try delivery(to: kurt)
        func soft(_ days: Double) throws -> BounceDecision {
            try database.recordBounce(
                BounceInput(kind: .soft, deliveryID: deliveryID, address: address, status: "4.2.2", source: "dsn"),
                policy: policy,
                now: start.addingTimeInterval(days * 86_400))
        }
        #expect(try soft(0).softCount == 1)
        // 40 days later the first one has decayed.
        #expect(try soft(40).softCount == 1)
        #expect(try soft(41).action == .counted)
        let third = try soft(42)
        #expect(third.softCount == 3)
        #expect(third.action == .suppressed)
        #expect(try database.subscriber(id: kurt.id!)?.status == .bounced)
    }

    @Test func aSenderBlockedRejectionIsNotHeldAgainstTheRecipient() throws {
        let eva = try subscriber("eva@example.de")
        let deliveryID = try delivery(to: eva)
        for day in 0..<5 {
            let decision = try database.recordBounce(
                BounceInput(
                    kind: .senderBlocked, deliveryID: deliveryID, address: try EmailAddress("eva@example.de"),
                    status: "5.7.1", source: "smtp"),
                policy: policy, now: start.addingTimeInterval(Double(day) * 3_600))
            #expect(decision.action == .senderBlocked)
        }
        #expect(try database.subscriber(id: eva.id!)?.status == .active)
    }

    @Test func aComplaintUnsubscribesFromEveryList() throws {
        let paul = try subscriber("paul@example.de")
        let decision = try database.recordBounce(
            BounceInput(kind: .complaint, deliveryID: try delivery(to: paul), source: "arf"), policy: policy,
            now: start)
        #expect(decision.action == .unsubscribed)
        let detail = try database.subscriberDetail(try EmailAddress("paul@example.de"))
        #expect(detail.subscriber.status == .complained)
        #expect(detail.lists.allSatisfy { $0.status == .unsubscribed })
        #expect(paul.id == detail.subscriber.id)
    }

    @Test func aSendPausesItselfWhenItsHardBounceRateCrossesTheThreshold() throws {
        let (sendID, deliveries) = try runningSend(count: 40)
        // 2 of 40 = 5 %: not over the limit.
        for id in deliveries.prefix(2) {
            let decision = try database.recordBounce(
                BounceInput(kind: .hard, deliveryID: id, status: "5.1.1", source: "dsn"), policy: policy, now: start)
            #expect(decision.pausedSendID == nil)
        }
        let third = try database.recordBounce(
            BounceInput(kind: .hard, deliveryID: deliveries[2], status: "5.1.1", source: "dsn"), policy: policy,
            now: start)
        #expect(third.pausedSendID == sendID)
        let (status, reason) = try database.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT status, status_reason FROM sends WHERE id = ?", arguments: [sendID])!
            return (row[0] as String, row[1] as String?)
        }
        #expect(status == "paused")
        #expect(reason?.contains("hard-bounce rate") == true)
    }

    @Test func aBounceForAnUnknownDeliveryOrAddressIsRecordedUnverified() throws {
        let decision = try database.recordBounce(
            BounceInput(
                kind: .hard, deliveryID: 999_999, address: try EmailAddress("nobody@example.de"), source: "dsn"),
            policy: policy, now: start)
        #expect(decision.action == .unverified)
        #expect(try database.recentBounces(since: start.addingTimeInterval(-1)).count == 1)
    }

    // MARK: - The reason decides

    @Test func theReasonDecidesHowAFailureCountsAgainstTheAddress() {
        #expect(BounceReason.userUnknown.weight(permanent: true) == .hard)
        #expect(BounceReason.hostUnknown.weight(permanent: true) == .hard)
        #expect(BounceReason.userUnknown.weight(permanent: false) == .soft)
        for reason in [BounceReason.mailboxFull, .filtered, .expired, .networkError, .temporary, .messageTooLarge] {
            #expect(reason.weight(permanent: true) == .soft, "\(reason)")
        }
        for reason in [
            BounceReason.blocked, .spamDetected, .virusDetected, .rateLimited, .authenticationFailure, .senderRejected,
        ] {
            #expect(reason.weight(permanent: true) == BounceReason.Weight.none, "\(reason)")
        }
    }

    @Test func aSpamVerdictReportedAsHardIsTheSendersProblem() throws {
        let ida = try subscriber("ida@example.de")
        let decision = try database.recordBounce(
            BounceInput(
                kind: .hard, deliveryID: try delivery(to: ida), address: try EmailAddress("ida@example.de"),
                status: "5.0.0",
                diagnostic: "554 5.0.0 Message rejected as spam by content filter", source: "dsn"),
            policy: policy, now: start)
        #expect(decision.action == .senderBlocked)
        #expect(try database.subscriber(id: ida.id!)?.status == .active)
    }

    @Test func aTooManyConnectionsRefusalUnder571IsNotUserUnknown() throws {
        let jan = try subscriber("jan@example.de")
        let decision = try database.recordBounce(
            BounceInput(
                kind: .hard, deliveryID: try delivery(to: jan), address: try EmailAddress("jan@example.de"),
                status: "5.7.1",
                diagnostic: "550 5.7.1 Too many connections from your host, try again later", source: "smtp"),
            policy: policy, now: start)
        #expect(decision.action == .senderBlocked)
        #expect(try database.subscriber(id: jan.id!)?.status == .active)
    }

    @Test func aFilteredRejectionCountsSoftNotAsUserUnknown() throws {
        let lea = try subscriber("lea@example.de")
        let decision = try database.recordBounce(
            BounceInput(
                kind: .hard, deliveryID: try delivery(to: lea), address: try EmailAddress("lea@example.de"),
                status: "5.2.0",
                diagnostic: "550 5.2.0 Message filtered by the recipient's rules", source: "dsn"),
            policy: policy, now: start)
        #expect(decision.action == .counted)
        #expect(decision.softCount == 1)
        #expect(try database.subscriber(id: lea.id!)?.status == .active)
    }

    @Test func anUnknownUserStillSuppressesAtOnceWhateverElseTheTextSays() throws {
        let max = try subscriber("max@example.de")
        let decision = try database.recordBounce(
            BounceInput(
                kind: .hard, deliveryID: try delivery(to: max), address: try EmailAddress("max@example.de"),
                status: "5.1.1",
                diagnostic: "550 5.1.1 <max@example.de>: Recipient address rejected: User unknown (spam filter active)",
                source: "dsn"),
            policy: policy, now: start)
        #expect(decision.action == .suppressed)
        #expect(try database.subscriber(id: max.id!)?.status == .bounced)
    }

    @Test func aReportWithoutAVerifiedDeliveryIsRecordedUnverifiedAndActsOnNobody() throws {
        let opfer = try subscriber("opfer@example.de")
        let taeter = try subscriber("taeter@example.net")
        let address = try EmailAddress("opfer@example.de")
        // Address only (no VERP, or a forged one), three soft bounces, a complaint.
        for kind in [BounceRecord.Kind.hard, .soft, .soft, .soft, .complaint] {
            let decision = try database.recordBounce(
                BounceInput(kind: kind, address: address, status: "5.1.1", source: "dsn"), policy: policy, now: start)
            #expect(decision.action == .unverified)
            #expect(decision.softCount == nil)
        }
        // The attacker's own delivery naming the victim as its recipient.
        let decision = try database.recordBounce(
            BounceInput(kind: .hard, deliveryID: try delivery(to: taeter), address: address, source: "dsn"),
            policy: policy, now: start)
        #expect(decision.action == .unverified)
        #expect(try database.subscriber(id: opfer.id!)?.status == .active)
        #expect(try database.subscriber(id: taeter.id!)?.status == .active)
        let listed = try database.recentBounces(since: start.addingTimeInterval(-1))
        #expect(listed.count == 6)
        #expect(listed.allSatisfy { !$0.bounce.verified && $0.email == "opfer@example.de" })
        // Counted apart, so the status screen and the metrics show them.
        let snapshot = try database.read { db in try AppDatabase.snapshot(db, now: start, errorLimit: 1) }
        #expect(snapshot.bouncesTotalByKind == ["unverified": 6])
    }

    @Test func unverifiedReportsNeitherPauseASendNorCountAgainstItsDeliveries() throws {
        let (sendID, deliveries) = try runningSend(count: 40)
        for id in deliveries.prefix(10) {
            let decision = try database.recordBounce(
                BounceInput(
                    kind: .hard, deliveryID: id, address: try EmailAddress("someone-else@example.de"), source: "dsn"),
                policy: policy, now: start)
            #expect(decision.action == .unverified)
            #expect(decision.pausedSendID == nil)
        }
        let status = try database.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM sends WHERE id = ?", arguments: [sendID])
        }
        #expect(status == "running")
    }
}
