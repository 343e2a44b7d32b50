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
            // The results between two bounces are written by one statement; a bounce goes through the
            // bounce policy right after its own row, in the order the results came, as one by one.
            var start = results.startIndex
            for (index, result) in zip(results.indices, results) where result.kind == .bounced {
                try Self.record(results[start..<index], now: stamp, in: db)
                try Self.record(result, now: stamp, in: db)
                let blocked = result.enhancedStatus?.hasPrefix("5.7.") ?? false
                let input = BounceInput(
                    kind: blocked ? .senderBlocked : .hard, deliveryID: result.deliveryID,
                    status: result.enhancedStatus ?? result.code.map(String.init), diagnostic: result.reply,
                    source: "smtp")
                _ = try Self.recordBounce(input, policy: bouncePolicy, now: now, in: db)
                start = index + 1
            }
            try Self.record(results[start...], now: stamp, in: db)
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

    /// What a result makes of its row: the new status, whether it counts an attempt, the next attempt.
    private static func change(for kind: Delivery.Result.Kind) -> (DeliveryStatus, Bool, Date?) {
        switch kind {
        case .sent: (.sent, true, nil)
        case .deferred(let until): (.deferred, true, until)
        case .failed, .bounced: (.failed, true, nil)
        case .returned(let until): (until == nil ? .queued : .deferred, false, until)
        }
    }

    /// Writes `results` with one statement: their values as a JSON array of rows, joined to the
    /// deliveries by id (one cached statement per batch instead of one execution per result).
    private static func record(_ results: ArraySlice<Delivery.Result>, now: DatabaseValue, in db: Database) throws {
        guard results.count > 1 else {
            if let only = results.first { try record(only, now: now, in: db) }
            return
        }
        var rows = "["
        rows.reserveCapacity(results.count * 96)
        for result in results {
            let (status, attempted, next) = change(for: result.kind)
            if rows.utf8.count > 1 { rows += "," }
            rows += "[\(result.deliveryID),\"\(status.rawValue)\",\(attempted ? 1 : 0),"
            rows += JSONText.string(next.flatMap { String.fromDatabaseValue($0.databaseValue) })
            rows += ","
            rows += result.code.map { String($0) } ?? "null"
            rows += ","
            rows += JSONText.string(result.enhancedStatus)
            rows += ","
            rows += JSONText.string(result.reply)
            rows += "]"
        }
        rows += "]"
        try db.cachedStatement(
            sql: """
                UPDATE deliveries SET status = r.status, attempts = attempts + r.attempted,
                  next_attempt_at = r.next, last_code = coalesce(r.code, last_code),
                  last_status = coalesce(r.enhanced, last_status), last_reply = coalesce(r.reply, last_reply),
                  updated_at = ?1, sent_at = CASE WHEN r.status = 'sent' THEN ?1 ELSE sent_at END
                FROM (
                  SELECT value ->> 0 AS id, value ->> 1 AS status, value ->> 2 AS attempted, value ->> 3 AS next,
                         value ->> 4 AS code, value ->> 5 AS enhanced, value ->> 6 AS reply
                  FROM json_each(?2)
                ) AS r
                WHERE deliveries.id = r.id
                """
        ).execute(arguments: [now, rows])
    }

    private static func record(_ result: Delivery.Result, now: DatabaseValue, in db: Database) throws {
        let (status, attempted, next) = change(for: result.kind)
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

/// JSON text for the values the store hands SQLite's JSON functions.
enum JSONText {
    /// `text` as a JSON string (RFC 8259: quotation mark, reverse solidus and control characters
    /// escaped), or `null`.
    static func string(_ text: String?) -> String {
        guard let text else { return "null" }
        // Replies and status codes rarely hold anything to escape: then the text goes in whole.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
        else { return "\"" + text + "\"" }
        var out = "\""
        out.unicodeScalars.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
