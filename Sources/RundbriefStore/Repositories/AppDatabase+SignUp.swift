public import Foundation
import GRDB
public import RundbriefCore

/// What a web sign-up request did to the store.
public enum SignUpOutcome: Sendable, Equatable {
    /// The address may be sent one confirmation mail for this subscriber and these lists.
    case awaitingConfirmation(subscriberID: Int64, listIDs: [Int64])
    /// The address was erased or blocked: nothing was stored and no mail may be sent.
    case suppressed
}

/// What confirming a subscription did.
public enum ConfirmOutcome: Sendable, Equatable {
    /// The subscription became active now.
    case confirmed
    /// It was active already (a confirmation link followed twice).
    case alreadyActive
    /// The subscriber no longer exists (erased after the link was sent).
    case unknownSubscriber
}

extension AppDatabase {
    /// Records a sign-up from the web form for one or several public lists: a new subscriber is
    /// created `pending`, an existing one keeps their status and name (an unconfirmed request must
    /// not change a stranger's data), and each list membership becomes `pending` unless it is active
    /// already. A suppressed (erased or blocked) address stores nothing but an anonymous
    /// `signup-suppressed` event.
    /// - Throws: `StoreError.notFound` for an unknown or private list (the same answer for both, so a
    ///   private list's slug cannot be probed), `.invalidInput` for no list at all.
    public func signUp(
        _ address: EmailAddress, name: String, lists listSlugs: [String], detail: [String: String],
        now: Date
    ) async throws -> SignUpOutcome {
        try await write { db in
            var lists: [MailingList] = []
            for slug in listSlugs where !lists.contains(where: { $0.slug == slug }) {
                let list = try MailingList.filter(Column("slug") == slug && Column("public") == true).fetchOne(db)
                guard let list else { throw StoreError(.notFound, "no public list '\(slug)'") }
                lists.append(list)
            }
            guard !lists.isEmpty else { throw StoreError(.invalidInput, "a sign-up names at least one list") }
            if try Self.isSuppressed(address.value, in: db) {
                for list in lists {
                    var event = Event(
                        subscriberID: nil, listID: list.id, kind: "signup-suppressed", source: "web",
                        detail: detail, createdAt: now)
                    try event.insert(db)
                }
                return .suppressed
            }
            var subscriber = try Subscriber.filter(Column("email") == address.value).fetchOne(db)
            if subscriber == nil {
                var new = Subscriber(
                    email: address.value, name: name, status: .pending, createdAt: now, updatedAt: now)
                try new.insert(db)
                subscriber = new
            }
            let subscriberID = subscriber!.id!
            for list in lists {
                let listID = list.id!
                let membership = try Subscription.fetchOne(
                    db, key: ["subscriber_id": subscriberID, "list_id": listID])
                if membership == nil || membership?.status == .unsubscribed {
                    try Self.setMembership(subscriberID, listID, .pending, now, db)
                }
                var event = Event(
                    subscriberID: subscriberID, listID: listID, kind: "signup-requested", source: "web",
                    detail: detail, createdAt: now)
                try event.insert(db)
            }
            return .awaitingConfirmation(subscriberID: subscriberID, listIDs: lists.map { $0.id! })
        }
    }

    /// Whether the subscriber is active on every one of `listIDs` (or, with none, active at all):
    /// a read-only check so a confirmation page followed twice does not write.
    public func isActive(subscriberID: Int64, lists listIDs: [Int64]) async throws -> Bool {
        try await read { db in
            guard let subscriber = try Subscriber.fetchOne(db, key: subscriberID),
                subscriber.status == .active
            else { return false }
            for listID in listIDs {
                let membership = try Subscription.fetchOne(
                    db, key: ["subscriber_id": subscriberID, "list_id": listID])
                guard membership?.status == .active else { return false }
            }
            return true
        }
    }

    /// Whether the subscriber is active on the list (or, with no list, active at all).
    public func isActive(subscriberID: Int64, list listID: Int64?) async throws -> Bool {
        try await isActive(subscriberID: subscriberID, lists: listID.map { [$0] } ?? [])
    }

    /// Makes a subscription active with the consent record of the person who confirmed it.
    ///
    /// Each of `listIDs` (one confirmation may name several lists) becomes active; with none, only the
    /// subscriber's own status (undoing an unsubscribe is `undoUnsubscribe`). The subscriber becomes
    /// active whatever their status was: confirming is the person's own act.
    /// - Parameter tokenIssued: when the confirmation token was made; a token older than the subscriber
    ///   answers `.unknownSubscriber` (see `Subscriber.accepts(tokenIssuedAt:)`).
    public func confirm(
        subscriberID: Int64, lists listIDs: [Int64], consent: Consent, tokenIssued: Date
    ) async throws -> ConfirmOutcome {
        try await write { db in
            guard var subscriber = try Subscriber.fetchOne(db, key: subscriberID),
                subscriber.accepts(tokenIssuedAt: tokenIssued)
            else {
                return .unknownSubscriber
            }
            var changed = false
            var activated: [Int64] = []
            for listID in listIDs
            where try Self.activate(subscriberID: subscriberID, listID: listID, at: consent.at, db) {
                activated.append(listID)
                changed = true
            }
            if subscriber.status != .active {
                subscriber.status = .active
                changed = true
            }
            guard changed else { return .alreadyActive }
            subscriber.consentAt = consent.at
            subscriber.consentMethod = consent.method
            subscriber.consentIP = consent.ip
            subscriber.consentUserAgent = consent.userAgent
            subscriber.updatedAt = consent.at
            try subscriber.update(db)
            var detail = ["method": consent.method]
            if let ip = consent.ip { detail["ip"] = ip }
            if let userAgent = consent.userAgent { detail["user_agent"] = userAgent }
            // One event per list confirmed, so each list's history shows its consent.
            let eventLists: [Int64?] = activated.isEmpty ? (listIDs.isEmpty ? [nil] : listIDs) : activated
            for listID in eventLists {
                var event = Event(
                    subscriberID: subscriberID, listID: listID, kind: "confirmed", source: "web",
                    detail: detail, createdAt: consent.at)
                try event.insert(db)
            }
            return .confirmed
        }
    }

    private static func activate(subscriberID: Int64, listID: Int64, at now: Date, _ db: Database)
        throws -> Bool
    {
        guard try MailingList.fetchOne(db, key: listID) != nil else { return false }
        let membership = try Subscription.fetchOne(
            db, key: ["subscriber_id": subscriberID, "list_id": listID])
        if membership?.status == .active { return false }
        try setMembership(subscriberID, listID, .active, now, db)
        return true
    }

    /// Inserts or updates one membership (GRDB's `upsert` needs a rowid, which the table has not).
    private static func setMembership(
        _ subscriberID: Int64, _ listID: Int64, _ status: SubscriptionStatus, _ now: Date, _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO subscriptions (subscriber_id, list_id, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (subscriber_id, list_id) DO UPDATE SET
                  status = excluded.status, updated_at = excluded.updated_at
                """, arguments: [subscriberID, listID, status.rawValue, now, now])
    }

    /// Unsubscribes from one list or from all, as `unsubscribe(subscriberID:…)`, but answers
    /// `false` instead of throwing when the subscriber was erased (there is nothing left to stop)
    /// or the token (issued at `tokenIssued`) is older than the subscriber. The unsubscribe counts in
    /// the report of the send the token came from (`tokenSendID`, or for older tokens the send that
    /// started when it was issued).
    public func unsubscribeIfKnown(
        subscriberID: Int64, list listID: Int64?, source: String, detail: [String: String], now: Date,
        tokenIssued: Date, tokenSendID: Int64? = nil
    ) async throws -> Bool {
        try await write { db in
            guard let subscriber = try Subscriber.fetchOne(db, key: subscriberID),
                subscriber.accepts(tokenIssuedAt: tokenIssued)
            else { return false }
            var detail = detail
            if let send = try tokenSendID ?? Self.send(ofTokenIssued: tokenIssued, subscriberID: subscriberID, in: db) {
                detail["send"] = String(send)
            }
            return try Self.unsubscribe(
                subscriberID: subscriberID, list: listID, source: source, detail: detail, now: now, in: db)
        }
    }

    /// The subscriber with this id, read off the concurrency pool.
    public func fetchSubscriber(id: Int64) async throws -> Subscriber? {
        try await read { db in try Subscriber.fetchOne(db, key: id) }
    }

    /// Every public list, by name: what the sign-up form offers and the archive shows. Private
    /// lists are never on a public page.
    public func publicLists() async throws -> [MailingList] {
        try await read { db in
            try MailingList.filter(Column("public") == true).order(Column("name"), Column("slug")).fetchAll(db)
        }
    }

    /// The list with this id, if any.
    public func list(id: Int64) async throws -> MailingList? {
        try await read { db in try MailingList.fetchOne(db, key: id) }
    }

    /// Runs a trivial query: the health check's proof that the database answers.
    public func ping() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}
