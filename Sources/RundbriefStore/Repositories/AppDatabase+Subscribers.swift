public import Foundation
import GRDB
public import RundbriefCore

/// A subscriber's membership as `subscribers show` prints it.
public struct ListMembership: Sendable, Codable, Equatable {
    public var list: String
    public var status: SubscriptionStatus
    public var since: Date

    public enum CodingKeys: String, CodingKey {
        case list, status, since
    }
}

/// Everything stored about one subscriber: the GDPR export.
///
/// As JSON it is one object: the subscriber's own fields (`email`, `status`, ...) with `lists` and `events`.
public struct SubscriberDetail: Sendable, Encodable, Equatable {
    public var subscriber: Subscriber
    public var lists: [ListMembership]
    public var events: [Event]

    private enum ExtraKeys: String, CodingKey { case lists, events }

    public func encode(to encoder: any Encoder) throws {
        try subscriber.encode(to: encoder)
        var container = encoder.container(keyedBy: ExtraKeys.self)
        try container.encode(lists, forKey: .lists)
        try container.encode(events, forKey: .events)
    }
}

/// How a subscriber came to be added.
public struct Consent: Sendable, Equatable {
    public var method: String
    public var ip: String?
    public var userAgent: String?
    public var at: Date

    public init(method: String, ip: String? = nil, userAgent: String? = nil, at: Date = Date()) {
        self.method = method
        self.ip = ip
        self.userAgent = userAgent
        self.at = at
    }
}

extension AppDatabase {
    /// Adds `address` to the list, creating the subscriber if needed.
    ///
    /// An address that unsubscribed, bounced, complained or was forgotten is not added again:
    /// only the person can come back, through the sign-up form.
    /// - Throws: `StoreError` `.notFound` (list), `.invalidState` (suppressed or sticky status).
    @discardableResult
    public func addSubscriber(
        _ address: EmailAddress, name: String = "", list listSlug: String,
        status: SubscriberStatus = .active,
        attributes: [String: String] = [:], consent: Consent, source: String = "cli"
    ) throws -> Subscriber {
        try write { db in
            let list = try Self.list(slug: listSlug, in: db)
            if try Self.isSuppressed(address.value, in: db) {
                throw StoreError(
                    .invalidState, "this address was erased or blocked and cannot be added again")
            }
            var subscriber = try Subscriber.filter(Column("email") == address.value).fetchOne(db)
            if let existing = subscriber, existing.status.isSticky {
                throw StoreError(
                    .invalidState,
                    "the subscriber is \(existing.status.rawValue); only they can subscribe again, through the sign-up form"
                )
            }
            if subscriber == nil {
                var new = Subscriber(
                    email: address.value, name: name, status: status, attributes: attributes,
                    consentAt: consent.at,
                    consentMethod: consent.method, consentIP: consent.ip, consentUserAgent: consent.userAgent,
                    createdAt: consent.at, updatedAt: consent.at)
                try new.insert(db)
                subscriber = new
            } else if var existing = subscriber {
                if !name.isEmpty { existing.name = name }
                existing.attributes.merge(attributes) { _, new in new }
                if existing.status == .pending && status == .active {
                    existing.status = .active
                    existing.consentAt = consent.at
                    existing.consentMethod = consent.method
                }
                existing.updatedAt = consent.at
                try existing.update(db)
                subscriber = existing
            }
            let subscriberID = subscriber!.id!
            let membershipStatus: SubscriptionStatus = status == .active ? .active : .pending
            // An active membership is never downgraded to pending by a second sign-up.
            try db.execute(
                sql: """
                    INSERT INTO subscriptions (subscriber_id, list_id, status, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (subscriber_id, list_id) DO UPDATE SET
                      status = CASE WHEN status = 'active' THEN 'active' ELSE excluded.status END,
                      updated_at = excluded.updated_at
                    """,
                arguments: [subscriberID, list.id, membershipStatus.rawValue, consent.at, consent.at])
            var detail = ["method": consent.method]
            if let ip = consent.ip { detail["ip"] = ip }
            var event = Event(
                subscriberID: subscriberID, listID: list.id, kind: "subscribed", source: source,
                detail: detail, createdAt: consent.at)
            try event.insert(db)
            return subscriber!
        }
    }

    /// The subscriber with this address, if any.
    public func subscriber(_ address: EmailAddress) throws -> Subscriber? {
        try read { db in try Subscriber.filter(Column("email") == address.value).fetchOne(db) }
    }

    /// The subscriber with this id, if any.
    public func subscriber(id: Int64) throws -> Subscriber? {
        try read { db in try Subscriber.fetchOne(db, key: id) }
    }

    /// Everything stored about `address`: data, memberships and event history.
    /// - Throws: `StoreError.notFound` when the address is unknown.
    public func subscriberDetail(_ address: EmailAddress) throws -> SubscriberDetail {
        try read { db in
            guard let subscriber = try Subscriber.filter(Column("email") == address.value).fetchOne(db)
            else {
                throw StoreError(.notFound, "no subscriber with that address")
            }
            let lists = try Row.fetchAll(
                db,
                sql: """
                    SELECT l.slug, sc.status, sc.updated_at FROM subscriptions sc JOIN lists l ON l.id = sc.list_id
                    WHERE sc.subscriber_id = ? ORDER BY l.slug
                    """, arguments: [subscriber.id]
            ).map { row in
                ListMembership(list: row[0], status: row[1], since: row[2])
            }
            let events = try Event.filter(Column("subscriber_id") == subscriber.id).order(Column("id"))
                .fetchAll(db)
            return SubscriberDetail(subscriber: subscriber, lists: lists, events: events)
        }
    }

    /// Calls `body` for each subscriber matching the filters, in id order, streaming from SQLite
    /// so memory does not grow with the list.
    /// - Parameters:
    ///   - listSlug: only members of this list (without `status`: those not unsubscribed from it).
    ///   - status: with a list, the status *in that list*, counted as `lists list` counts it:
    ///     `active` (active in the list and overall), `pending`, `unsubscribed` (from this list, whatever
    ///     the overall status), `bounced`/`complained` (overall: these end every membership's mail).
    ///     Without a list, the overall status.
    ///   - body: called with the subscriber and, with a list, their membership status in it.
    public func forEachSubscriberWithMembership(
        list listSlug: String? = nil, status: SubscriberStatus? = nil,
        _ body: (Subscriber, SubscriptionStatus?) throws -> Void
    ) throws {
        try read { db in
            var sql = "SELECT s.*, NULL AS membership FROM subscribers s"
            var arguments: StatementArguments = []
            var conditions: [String] = []
            if let listSlug {
                let list = try Self.list(slug: listSlug, in: db)
                sql = "SELECT s.*, sc.status AS membership FROM subscribers s"
                sql += " JOIN subscriptions sc ON sc.subscriber_id = s.id AND sc.list_id = ?"
                _ = arguments.append(contentsOf: [list.id])
                switch status {
                case nil: conditions.append("sc.status != 'unsubscribed'")
                case .active: conditions.append("sc.status = 'active' AND s.status = 'active'")
                case .pending: conditions.append("sc.status = 'pending'")
                case .unsubscribed: conditions.append("sc.status = 'unsubscribed'")
                case .bounced, .complained:
                    conditions.append("s.status = ?")
                    _ = arguments.append(contentsOf: [status!.rawValue])
                }
            } else if let status {
                conditions.append("s.status = ?")
                _ = arguments.append(contentsOf: [status.rawValue])
            }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY s.id"
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() {
                try body(try Subscriber(row: row), row["membership"])
            }
        }
    }

    /// As `forEachSubscriberWithMembership`, for callers that need only the subscriber.
    public func forEachSubscriber(
        list listSlug: String? = nil, status: SubscriberStatus? = nil, _ body: (Subscriber) throws -> Void
    ) throws {
        try forEachSubscriberWithMembership(list: listSlug, status: status) { subscriber, _ in try body(subscriber) }
    }

    /// Unsubscribes `address` from one list, or from everything when `list` is nil. For an unsubscribe
    /// through a token, `tokenSendID` (or, for tokens without one, `tokenIssued`) names the send whose
    /// report counts it.
    /// - Returns: false when there was nothing to change (already unsubscribed).
    @discardableResult
    public func unsubscribe(
        subscriberID: Int64, list listID: Int64?, source: String, detail: [String: String] = [:],
        now: Date = Date(), tokenIssued: Date? = nil, tokenSendID: Int64? = nil
    ) throws -> Bool {
        try write { db in
            var detail = detail
            if let send = try tokenSendID
                ?? tokenIssued.flatMap({ try Self.send(ofTokenIssued: $0, subscriberID: subscriberID, in: db) })
            {
                detail["send"] = String(send)
            }
            return try Self.unsubscribe(
                subscriberID: subscriberID, list: listID, source: source, detail: detail, now: now, in: db)
        }
    }

    static func unsubscribe(
        subscriberID: Int64, list listID: Int64?, source: String, detail: [String: String], now: Date,
        in db: Database
    ) throws -> Bool {
        guard var subscriber = try Subscriber.fetchOne(db, key: subscriberID) else {
            throw StoreError(.notFound, "no subscriber with id \(subscriberID)")
        }
        var changed = false
        if let listID {
            try db.execute(
                sql:
                    "UPDATE subscriptions SET status = 'unsubscribed', updated_at = ? WHERE subscriber_id = ? AND list_id = ? AND status != 'unsubscribed'",
                arguments: [now, subscriberID, listID])
            changed = db.changesCount > 0
        } else {
            try db.execute(
                sql:
                    "UPDATE subscriptions SET status = 'unsubscribed', updated_at = ? WHERE subscriber_id = ? AND status != 'unsubscribed'",
                arguments: [now, subscriberID])
            changed = db.changesCount > 0
            if subscriber.status == .active || subscriber.status == .pending {
                subscriber.status = .unsubscribed
                subscriber.updatedAt = now
                try subscriber.update(db)
                changed = true
            }
        }
        if changed {
            var event = Event(
                subscriberID: subscriberID, listID: listID, kind: "unsubscribed", source: source,
                detail: detail, createdAt: now)
            try event.insert(db)
        }
        return changed
    }

    /// Removes `address` from one list, or from all lists when `list` is nil (the subscriber is kept,
    /// as unsubscribed, so an import cannot add them back; `forget` erases).
    /// - Throws: `StoreError.notFound` for an unknown address or list.
    /// - Parameters:
    ///   - source, detail: where the change came from, for its `unsubscribed` event.
    @discardableResult
    public func removeSubscriber(
        _ address: EmailAddress, list listSlug: String?, source: String = "cli", detail: [String: String] = [:],
        now: Date = Date()
    ) throws -> Bool {
        try write { db in
            guard let subscriber = try Subscriber.filter(Column("email") == address.value).fetchOne(db)
            else {
                throw StoreError(.notFound, "no subscriber with that address")
            }
            let listID = try listSlug.map { try Self.list(slug: $0, in: db).id! }
            return try Self.unsubscribe(
                subscriberID: subscriber.id!, list: listID, source: source, detail: detail, now: now, in: db)
        }
    }

    /// GDPR erasure: deletes the subscriber, their memberships and deliveries' link to them, and keeps
    /// only a hashed suppression entry so an import cannot bring the address back.
    /// - Parameters:
    ///   - source, detail: where the erasure came from, for its anonymous `forgotten` event.
    /// - Returns: whether a subscriber with this address existed (the hash is recorded all the same).
    @discardableResult
    public func forgetSubscriber(
        _ address: EmailAddress, source: String = "cli", detail: [String: String] = [:], now: Date = Date()
    ) throws -> Bool {
        try write { db in
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO suppressions (email_hash, reason, created_at) VALUES (?, 'forgotten', ?)",
                arguments: [SuppressionHash.of(address.value), now])
            guard let subscriber = try Subscriber.filter(Column("email") == address.value).fetchOne(db)
            else {
                return false
            }
            // Events keep their kind and time for the statistics; details may hold IPs: clear them.
            try db.execute(
                sql: "UPDATE events SET detail = '{}' WHERE subscriber_id = ?", arguments: [subscriber.id])
            try db.execute(
                sql: "UPDATE bounces SET diagnostic = NULL WHERE subscriber_id = ?",
                arguments: [subscriber.id])
            _ = try Subscriber.deleteOne(db, key: subscriber.id)
            var event = Event(subscriberID: nil, kind: "forgotten", source: source, detail: detail, createdAt: now)
            try event.insert(db)
            return true
        }
    }

    /// Whether `normalisedEmail` was erased or blocked.
    public func isSuppressed(_ address: EmailAddress) throws -> Bool {
        try read { db in try Self.isSuppressed(address.value, in: db) }
    }

    static func isSuppressed(_ normalisedEmail: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM suppressions WHERE email_hash = ?)",
            arguments: [SuppressionHash.of(normalisedEmail)]) ?? false
    }
}

extension AppDatabase {
    /// Every attribute key any subscriber has, sorted (the export's extra columns).
    public func attributeKeys() throws -> [String] {
        try read { db in
            try String.fetchAll(
                db,
                sql:
                    "SELECT DISTINCT j.key FROM subscribers, json_each(subscribers.attributes) AS j ORDER BY j.key"
            )
        }
    }
}
