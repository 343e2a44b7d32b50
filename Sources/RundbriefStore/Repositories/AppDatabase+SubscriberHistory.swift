public import Foundation
import GRDB
public import RundbriefCore

/// One message a send addressed to a subscriber, as their history shows it.
public struct SubscriberDelivery: Sendable, Equatable {
    public var sendID: Int64
    public var edition: String
    public var status: DeliveryStatus
    public var lastReply: String?
    public var sentAt: Date?
    public var updatedAt: Date
}

/// A subscriber's deliveries and bounces, newest first, at most `historyLimit` of each.
public struct SubscriberHistory: Sendable, Equatable {
    public var deliveries: [SubscriberDelivery]
    public var bounces: [BounceRecord]
}

/// A bounce with the address it was about (nil once forgotten or unverified) and its send.
public struct BounceEntry: Sendable, Equatable {
    public var bounce: BounceRecord
    public var email: String?
    public var sendID: Int64?
}

/// One page of recorded bounces and complaints, newest first.
public struct BouncePage: Sendable {
    public var bounces: [BounceEntry]
    /// Whether older bounces follow the last one.
    public var more: Bool
}

extension AppDatabase {
    /// The most deliveries and bounces a subscriber's history shows.
    public static let historyLimit = 100

    /// The newest deliveries and bounces of subscriber `id`.
    public func subscriberHistory(id: Int64) throws -> SubscriberHistory {
        try read { db in
            let deliveries = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.send_id, e.slug, d.status, d.last_reply, d.sent_at, d.updated_at
                    FROM deliveries d JOIN sends s ON s.id = d.send_id JOIN editions e ON e.id = s.edition_id
                    WHERE d.subscriber_id = ? ORDER BY d.id DESC LIMIT ?
                    """, arguments: [id, Self.historyLimit]
            ).map { row in
                SubscriberDelivery(
                    sendID: row[0], edition: row[1], status: DeliveryStatus(rawValue: row[2]) ?? .failed,
                    lastReply: row[3], sentAt: row[4], updatedAt: row[5])
            }
            let bounces = try BounceRecord.fetchAll(
                db, sql: "SELECT * FROM bounces WHERE subscriber_id = ? ORDER BY id DESC LIMIT ?",
                arguments: [id, Self.historyLimit])
            return SubscriberHistory(deliveries: deliveries, bounces: bounces)
        }
    }

    /// Changes a subscriber's name and attributes (nil leaves either as it is) and records an
    /// `updated` event naming which fields changed.
    /// - Returns: the subscriber afterwards.
    /// - Throws: `StoreError.notFound` for an unknown id.
    public func updateSubscriber(
        id: Int64, name: String?, attributes: [String: String]?, source: String, detail: [String: String],
        now: Date
    ) throws -> Subscriber {
        try write { db in
            guard var subscriber = try Subscriber.fetchOne(db, key: id) else {
                throw StoreError(.notFound, "no subscriber with that address")
            }
            var changed: [String] = []
            if let name, name != subscriber.name {
                subscriber.name = name
                changed.append("name")
            }
            if let attributes, attributes != subscriber.attributes {
                subscriber.attributes = attributes
                changed.append("attributes")
            }
            guard !changed.isEmpty else { return subscriber }
            subscriber.updatedAt = now
            try subscriber.update(db)
            var fields = detail
            fields["changed"] = changed.joined(separator: ",")
            var event = Event(
                subscriberID: id, kind: "updated", source: source, detail: fields, createdAt: now)
            try event.insert(db)
            return subscriber
        }
    }

    /// Bounces and complaints, newest first, older than bounce `before` (nil: from the newest).
    /// - Parameters:
    ///   - kind: only this kind.
    ///   - sendID: only bounces of this send's deliveries.
    public func bouncePage(kind: BounceRecord.Kind?, sendID: Int64?, before: Int64?, limit: Int) throws
        -> BouncePage
    {
        let found = try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT b.*, s.email AS email, d.send_id AS send_id FROM bounces b
                    LEFT JOIN subscribers s ON s.id = b.subscriber_id LEFT JOIN deliveries d ON d.id = b.delivery_id
                    WHERE (? IS NULL OR b.id < ?) AND (? IS NULL OR b.kind = ?)
                      AND (? IS NULL OR d.send_id = ?)
                    ORDER BY b.id DESC LIMIT ?
                    """,
                arguments: [before, before, kind?.rawValue, kind?.rawValue, sendID, sendID, limit + 1]
            ).map { row in
                BounceEntry(bounce: try BounceRecord(row: row), email: row["email"], sendID: row["send_id"])
            }
        }
        return BouncePage(bounces: Array(found.prefix(limit)), more: found.count > limit)
    }
}
