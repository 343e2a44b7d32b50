public import Foundation
import GRDB
public import RundbriefCore

/// What one claim found: the send's current status and the deliveries now marked `sending`.
public struct DeliveryClaim: Sendable {
    /// The send's status when claiming; nothing is claimed unless it is `running`.
    public var sendStatus: SendStatus
    public var deliveries: [Delivery.Claimed]
    /// Deliveries marked `skipped` in this claim (the subscriber left or bounced after the start).
    public var skipped: Int
}

extension AppDatabase {
    /// Puts a send's `sending` rows back in the queue: after a crash they are in an unknown state,
    /// and sending them again (a possible duplicate) is better than losing them.
    /// - Returns: how many rows went back.
    @discardableResult
    public func requeueInFlight(sendID: Int64, now: Date) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE deliveries SET status = 'queued', next_attempt_at = NULL, updated_at = ?
                    WHERE send_id = ? AND status = 'sending'
                    """, arguments: [now, sendID])
            return db.changesCount
        }
    }

    /// Claims up to `limit` deliveries that are due (queued, or deferred until now) and marks them
    /// `sending`, in one transaction; those whose subscriber is no longer active on the list are
    /// marked `skipped` instead.
    public func claimDeliveries(sendID: Int64, listID: Int64, limit: Int, now: Date) async throws
        -> DeliveryClaim
    {
        try await write { db in
            let status =
                try String.fetchOne(db, sql: "SELECT status FROM sends WHERE id = ?", arguments: [sendID])
                .flatMap(SendStatus.init(rawValue:)) ?? .cancelled
            guard status == .running else {
                return DeliveryClaim(sendStatus: status, deliveries: [], skipped: 0)
            }
            var rows = try Self.dueRows(
                sendID: sendID, listID: listID, status: "deferred", limit: limit, now: now, in: db)
            if rows.count < limit {
                rows += try Self.dueRows(
                    sendID: sendID, listID: listID, status: "queued", limit: limit - rows.count, now: nil, in: db)
            }
            return try Self.mark(rows, sendStatus: status, now: now, in: db)
        }
    }

    /// When the next deferred delivery of a send becomes due, `nil` if none is deferred.
    public func nextDeferredAttempt(sendID: Int64) async throws -> Date? {
        try await read { db in
            try Date.fetchOne(
                db,
                sql: "SELECT min(next_attempt_at) FROM deliveries WHERE send_id = ? AND status = 'deferred'",
                arguments: [sendID])
        }
    }

    /// Records what became of claimed deliveries, in one transaction.
    ///
    /// A bounced delivery also goes through the bounce policy: a hard bounce suppresses the subscriber.
    /// - Parameter bouncePolicy: applied to SMTP-time rejections (5.7.x policy refusals count as
    ///   sender-blocked, not against the recipient); it may pause the send when the bounce rate is too high.
    public func recordResults(_ results: [Delivery.Result], bouncePolicy: BouncePolicy, now: Date) async throws {
        guard !results.isEmpty else { return }
        // The time as SQLite stores it, formatted once for the batch rather than twice per row.
        let stamp = now.databaseValue
        try await write { db in
            for result in results {
                try Self.record(result, now: stamp, in: db)
                if result.kind == .bounced {
                    let blocked = result.enhancedStatus?.hasPrefix("5.7.") ?? false
                    let input = BounceInput(
                        kind: blocked ? .senderBlocked : .hard, deliveryID: result.deliveryID,
                        status: result.enhancedStatus ?? result.code.map(String.init), diagnostic: result.reply,
                        source: "smtp")
                    _ = try Self.recordBounce(input, policy: bouncePolicy, now: now, in: db)
                }
            }
        }
    }

    // MARK: - Helpers

    private struct DueRow {
        var id: Int64
        var subscriberID: Int64?
        var attempts: Int
        var domain: String
        var email: String?
        var name: String?
        var attributes: String?
        var mailable: Bool
    }

    private static func dueRows(
        sendID: Int64, listID: Int64, status: String, limit: Int, now: Date?, in db: Database
    ) throws -> [DueRow] {
        // No ORDER BY: the index (send_id, status, next_attempt_at) already yields rows in a stable
        // order, and sorting a million queued rows on every claim would cost more than the send.
        let due = now == nil ? "d.next_attempt_at IS NULL" : "d.next_attempt_at <= ?"
        var arguments: StatementArguments = [listID, sendID, status]
        if let now { arguments += [now] }
        arguments += [limit]
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT d.id, d.subscriber_id, d.attempts, d.domain, s.email, s.name, s.attributes,
                       (s.status = 'active' AND sc.status = 'active') AS mailable
                FROM deliveries d
                LEFT JOIN subscribers s ON s.id = d.subscriber_id
                LEFT JOIN subscriptions sc ON sc.subscriber_id = d.subscriber_id AND sc.list_id = ?
                WHERE d.send_id = ? AND d.status = ? AND \(due)
                LIMIT ?
                """, arguments: arguments)
        return rows.map {
            DueRow(
                id: $0["id"], subscriberID: $0["subscriber_id"], attempts: $0["attempts"],
                domain: $0["domain"], email: $0["email"], name: $0["name"], attributes: $0["attributes"],
                mailable: ($0["mailable"] as Bool?) ?? false)
        }
    }

    private static func mark(_ rows: [DueRow], sendStatus: SendStatus, now: Date, in db: Database) throws
        -> DeliveryClaim
    {
        let skipping = try db.cachedStatement(
            sql: "UPDATE deliveries SET status = 'skipped', next_attempt_at = NULL, updated_at = ? WHERE id = ?")
        var claimed: [Delivery.Claimed] = []
        claimed.reserveCapacity(rows.count)
        var skipped = 0
        // The claimed rows are marked in one statement: their ids as a JSON array.
        var sendingIDs = "["
        let decoder = JSONDecoder()
        for row in rows {
            guard row.mailable, let subscriberID = row.subscriberID, let email = row.email else {
                try skipping.execute(arguments: [now, row.id])
                skipped += 1
                continue
            }
            if sendingIDs.utf8.count > 1 { sendingIDs += "," }
            sendingIDs += String(row.id)
            claimed.append(
                Delivery.Claimed(
                    id: row.id, subscriberID: subscriberID, email: email, name: row.name ?? "",
                    attributes: decodeAttributes(row.attributes, with: decoder), domain: row.domain,
                    attempts: row.attempts))
        }
        if !claimed.isEmpty {
            try db.cachedStatement(
                sql: """
                    UPDATE deliveries SET status = 'sending', updated_at = ?
                    WHERE id IN (SELECT value FROM json_each(?))
                    """
            ).execute(arguments: [now, sendingIDs + "]"])
        }
        return DeliveryClaim(sendStatus: sendStatus, deliveries: claimed, skipped: skipped)
    }

    private static func decodeAttributes(_ json: String?, with decoder: JSONDecoder) -> [String: String] {
        guard let json, json != "{}" else { return [:] }
        return (try? decoder.decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }

    private static func record(_ result: Delivery.Result, now: DatabaseValue, in db: Database) throws {
        let (status, attempted, next): (DeliveryStatus, Bool, Date?) =
            switch result.kind {
            case .sent: (.sent, true, nil)
            case .deferred(let until): (.deferred, true, until)
            case .failed, .bounced: (.failed, true, nil)
            case .returned(let until): (until == nil ? .queued : .deferred, false, until)
            }
        let statement = try db.cachedStatement(
            sql: """
                UPDATE deliveries SET status = ?, attempts = attempts + ?, next_attempt_at = ?,
                  last_code = coalesce(?, last_code), last_status = coalesce(?, last_status),
                  last_reply = coalesce(?, last_reply), updated_at = ?,
                  sent_at = CASE WHEN ? THEN ? ELSE sent_at END
                WHERE id = ?
                """)
        try statement.execute(arguments: [
            status.rawValue, attempted ? 1 : 0, next, result.code, result.enhancedStatus, result.reply, now,
            status == .sent, now, result.deliveryID,
        ])
    }

}

extension AppDatabase {
    /// Every delivery of a send, in id order (for tests and small reports: it loads them all).
    public func deliveries(sendID: Int64) throws -> [Delivery] {
        try read { db in
            try Delivery.filter(Column("send_id") == sendID).order(Column("id")).fetchAll(db)
        }
    }

    /// How many verified hard bounces are recorded for a subscriber.
    public func hardBounceCount(subscriberID: Int64) throws -> Int {
        try read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM bounces WHERE subscriber_id = ? AND kind = 'hard' AND verified",
                arguments: [subscriberID]) ?? 0
        }
    }
}
