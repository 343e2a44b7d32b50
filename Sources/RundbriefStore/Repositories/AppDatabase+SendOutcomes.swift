public import Foundation
import GRDB
public import RundbriefCore

/// What came back after a send, each attributed to it: bounces and complaints through the verified
/// delivery they name (VERP or signed Message-ID), unsubscribes through the send id in the token of
/// the message's unsubscribe link.
public struct SendOutcomes: Sendable, Equatable, Codable {
    /// Recipients with a verified hard bounce (at SMTP time or reported later).
    public var bouncedHard = 0
    /// Recipients with a verified soft bounce.
    public var bouncedSoft = 0
    /// Recipients who marked the message as spam (a verified complaint).
    public var complained = 0
    /// Recipients who unsubscribed through this send's message.
    public var unsubscribed = 0

    public init() {}
}

/// One recipient of a send as `send deliveries` lists it.
public struct DeliveryLine: Sendable, Equatable {
    public var deliveryID: Int64
    /// `nil` once the subscriber was forgotten.
    public var email: String?
    public var status: DeliveryStatus
    public var attempts: Int
    public var lastCode: Int?
    public var lastStatus: String?
    public var lastReply: String?
    /// The kind of the latest verified bounce or complaint for this delivery (`hard`, `soft`, `complaint`).
    public var bounce: String?
    public var updatedAt: Date
}

/// Which deliveries `send deliveries` lists.
public enum DeliveryFilter: String, Sendable, CaseIterable {
    case failed, deferred
    /// With a verified hard or soft bounce (at SMTP time or reported later).
    case bounced
}

extension AppDatabase {
    /// The bounces, complaints and unsubscribes attributed to a send.
    /// - Throws: `StoreError` `.notFound` for an unknown send.
    public func sendOutcomes(id: Int64) throws -> SendOutcomes {
        try read { db in
            _ = try Self.send(id: id, in: db)
            var outcomes = SendOutcomes()
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT b.kind, count(DISTINCT b.delivery_id) FROM bounces b JOIN deliveries d ON d.id = b.delivery_id
                    WHERE d.send_id = ? AND b.verified GROUP BY b.kind
                    """, arguments: [id])
            for row in rows {
                let count: Int = row[1]
                switch row[0] as String {
                case "hard": outcomes.bouncedHard = count
                case "soft": outcomes.bouncedSoft = count
                case "complaint": outcomes.complained = count
                default: break
                }
            }
            outcomes.unsubscribed =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(DISTINCT subscriber_id) FROM events
                        WHERE kind = 'unsubscribed' AND json_extract(detail, '$.send') = ?
                        """, arguments: [String(id)]) ?? 0
            return outcomes
        }
    }

    /// The recipients of a send with their last SMTP reply, in delivery order: those after the
    /// delivery id `after`, at most `limit` of them (all when `nil`).
    /// - Throws: `StoreError` `.notFound` for an unknown send.
    public func deliveryLines(
        sendID: Int64, filter: DeliveryFilter?, after: Int64 = 0, limit: Int? = nil
    ) throws -> [DeliveryLine] {
        try read { db in
            _ = try Self.send(id: sendID, in: db)
            let bounce = """
                (SELECT b.kind FROM bounces b WHERE b.delivery_id = d.id AND b.verified
                   AND b.kind IN ('hard', 'soft', 'complaint') ORDER BY b.id DESC LIMIT 1)
                """
            let condition: String =
                switch filter {
                case nil: ""
                case .failed: "AND d.status = 'failed'"
                case .deferred: "AND d.status = 'deferred'"
                case .bounced:
                    "AND EXISTS (SELECT 1 FROM bounces b WHERE b.delivery_id = d.id AND b.verified AND b.kind IN ('hard', 'soft'))"
                }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id, s.email, d.status, d.attempts, d.last_code, d.last_status, d.last_reply, d.updated_at,
                      \(bounce) AS bounce
                    FROM deliveries d LEFT JOIN subscribers s ON s.id = d.subscriber_id
                    WHERE d.send_id = ? AND d.id > ? \(condition) ORDER BY d.id LIMIT ?
                    """, arguments: [sendID, after, limit ?? -1]
            ).map { row in
                DeliveryLine(
                    deliveryID: row[0], email: row[1], status: DeliveryStatus(rawValue: row[2]) ?? .queued,
                    attempts: row[3], lastCode: row[4], lastStatus: row[5], lastReply: row[6], bounce: row["bounce"],
                    updatedAt: row[7])
            }
        }
    }

    /// The send an unsubscribe token without a send id came from: a send's tokens are issued at its
    /// start, to the second, and the subscriber has a delivery in it. `nil` when none matches.
    /// (Runs on every unsubscribe: the few sends of that second are checked through the deliveries'
    /// `(send_id, subscriber_id)` key, never by scanning deliveries.)
    static func send(ofTokenIssued issued: Date, subscriberID: Int64, in db: Database) throws -> Int64? {
        let second = issued.timeIntervalSince1970.rounded(.down)
        return try Int64.fetchOne(
            db,
            sql: """
                SELECT s.id FROM sends s
                WHERE s.started_at >= ? AND s.started_at < ?
                  AND EXISTS (SELECT 1 FROM deliveries d WHERE d.send_id = s.id AND d.subscriber_id = ?)
                ORDER BY s.id DESC LIMIT 1
                """,
            arguments: [
                Date(timeIntervalSince1970: second), Date(timeIntervalSince1970: second + 1), subscriberID,
            ])
    }
}
