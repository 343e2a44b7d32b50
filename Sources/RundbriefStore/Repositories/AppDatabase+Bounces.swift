public import Foundation
import GRDB
public import RundbriefCore

/// The suppression policy's knobs (from the `[bounces]` configuration section).
public struct BouncePolicy: Sendable, Equatable {
    public var softLimit: Int
    public var softWindowDays: Int
    public var pauseHardBounceRate: Double
    public var pauseComplaintRate: Double
    public var pauseMinimumSample: Int

    public init(
        softLimit: Int = 3, softWindowDays: Int = 30, pauseHardBounceRate: Double = 0.05,
        pauseComplaintRate: Double = 0.003, pauseMinimumSample: Int = 200
    ) {
        self.softLimit = softLimit
        self.softWindowDays = softWindowDays
        self.pauseHardBounceRate = pauseHardBounceRate
        self.pauseComplaintRate = pauseComplaintRate
        self.pauseMinimumSample = pauseMinimumSample
    }

    public init(_ section: RundbriefCore.Configuration.BouncesSection) {
        self.init(
            softLimit: section.softLimit, softWindowDays: section.softWindowDays,
            pauseHardBounceRate: section.pauseHardBounceRate, pauseComplaintRate: section.pauseComplaintRate,
            pauseMinimumSample: section.pauseMinimumSample)
    }
}

/// A bounce or complaint to record: which delivery and which reported address, what, and where from.
///
/// Only `deliveryID` can make it act: set it only for a delivery the caller verified (a signed VERP
/// address or Message-ID, or our own SMTP transaction). `address` is the recipient the report names;
/// when both are given they must agree.
public struct BounceInput: Sendable, Equatable {
    public var kind: BounceRecord.Kind
    public var deliveryID: Int64?
    public var address: EmailAddress?
    public var status: String?
    public var diagnostic: String?
    public var source: String

    public init(
        kind: BounceRecord.Kind, deliveryID: Int64? = nil, address: EmailAddress? = nil, status: String? = nil,
        diagnostic: String? = nil, source: String
    ) {
        self.kind = kind
        self.deliveryID = deliveryID
        self.address = address
        self.status = status
        self.diagnostic = diagnostic
        self.source = source
    }
}

/// What the policy decided for one bounce: each decision is also an event and a log line.
public struct BounceDecision: Sendable, Equatable, Codable {
    public enum Action: String, Sendable, Codable {
        /// No subscriber matched: recorded, nothing else to do.
        case unmatched
        /// Not from a verified delivery of ours, or naming another recipient than that delivery's:
        /// recorded (and counted) as an unverified report, never acted on.
        case unverified
        /// The address was suppressed (status bounced).
        case suppressed
        /// A soft bounce was counted; the address stays active.
        case counted
        /// The complaint unsubscribed the address from every list.
        case unsubscribed
        /// Our sender was refused: recorded, the recipient keeps their status.
        case senderBlocked = "sender-blocked"
        /// The subscriber was already suppressed or gone.
        case alreadySuppressed = "already-suppressed"
    }

    public var action: Action
    public var subscriberID: Int64?
    public var bounceID: Int64
    /// Soft bounces counted in the window, including this one.
    public var softCount: Int?
    /// The send paused because its bounce or complaint rate crossed the threshold.
    public var pausedSendID: Int64?
}

extension AppDatabase {
    /// Records a bounce or complaint and applies the suppression policy, in one transaction.
    ///
    /// Only a verified report acts: one for a delivery of ours (`input.deliveryID`) that names no other
    /// recipient than that delivery's subscriber. Anybody can mail the bounce address, so everything
    /// else (no delivery, or extra recipients beside it) is recorded with `verified = false`, listed and
    /// counted, and changes nobody's status.
    ///
    /// Hard bounce → the address is suppressed now. Soft bounces → suppressed after `softLimit` within
    /// `softWindowDays`; only soft bounces newer than the subscriber's last delivery that did not bounce
    /// count, so older ones decay and a good delivery resets the count. A sender-blocked rejection (5.7.x
    /// policy) is not held against the recipient. A complaint unsubscribes from every list. A running send
    /// whose hard-bounce or complaint rate crosses the threshold is paused.
    public func recordBounce(_ input: BounceInput, policy: BouncePolicy, now: Date = Date()) throws -> BounceDecision {
        try write { db in try Self.recordBounce(input, policy: policy, now: now, in: db) }
    }

    /// `recordBounce` inside a transaction the caller already holds (the sender records SMTP-time rejections
    /// together with the delivery outcome).
    static func recordBounce(_ input: BounceInput, policy: BouncePolicy, now: Date, in db: Database) throws
        -> BounceDecision
    {
        // The failure's reason decides how it counts: a block or spam verdict is not the recipient's fault.
        let input = input.weighedByReason()
        let match = try verifiedMatch(input, in: db)
        var subscriberID = match.subscriberID
        if !match.verified, let address = input.address {
            // Shown beside the report in `bounce list`; it does not act.
            subscriberID = try Int64.fetchOne(
                db, sql: "SELECT id FROM subscribers WHERE email = ?", arguments: [address.value])
        }
        var record = BounceRecord(
            subscriberID: subscriberID, deliveryID: match.deliveryID, kind: input.kind, source: input.source,
            status: input.status, diagnostic: input.diagnostic.map { String($0.prefix(1_000)) },
            verified: match.verified, createdAt: now)
        try record.insert(db)
        let bounceID = record.id!
        var decision = BounceDecision(
            action: match.verified ? .unmatched : .unverified, subscriberID: subscriberID, bounceID: bounceID)
        guard match.verified, let subscriberID, var subscriber = try Subscriber.fetchOne(db, key: subscriberID) else {
            return decision
        }
        let sendID = match.sendID
        let detail = ["status": input.status ?? "", "source": input.source, "bounce": "\(bounceID)"]
        switch input.kind {
        case .senderBlocked:
            decision.action = .senderBlocked
        case .complaint:
            if subscriber.status == .complained {
                decision.action = .alreadySuppressed
            } else {
                _ = try unsubscribe(
                    subscriberID: subscriberID, list: nil, source: "complaint", detail: detail, now: now, in: db)
                subscriber = try Subscriber.fetchOne(db, key: subscriberID)!
                subscriber.status = .complained
                subscriber.updatedAt = now
                try subscriber.update(db)
                var event = Event(
                    subscriberID: subscriberID, kind: "complained", source: input.source, detail: detail, createdAt: now
                )
                try event.insert(db)
                decision.action = .unsubscribed
            }
        case .hard:
            decision.action = try suppress(&subscriber, reason: "hard bounce", detail: detail, now: now, db: db)
        case .soft:
            let count = try softBounceCount(subscriberID: subscriberID, policy: policy, now: now, db: db)
            decision.softCount = count
            decision.action = .counted
            if count >= policy.softLimit {
                decision.action = try suppress(
                    &subscriber, reason: "\(count) soft bounces within \(policy.softWindowDays) days", detail: detail,
                    now: now, db: db)
            }
        }
        if let sendID, input.kind == .hard || input.kind == .complaint {
            decision.pausedSendID = try pauseIfRatesExceeded(sendID: sendID, policy: policy, now: now, db: db)
        }
        return decision
    }

    /// The delivery `input` names, and whether the report is verified: the delivery exists and the
    /// reported address (if any) is its subscriber's.
    private static func verifiedMatch(_ input: BounceInput, in db: Database) throws -> (
        verified: Bool, deliveryID: Int64?, sendID: Int64?, subscriberID: Int64?
    ) {
        guard let id = input.deliveryID,
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT d.send_id, d.subscriber_id, s.email FROM deliveries d
                    LEFT JOIN subscribers s ON s.id = d.subscriber_id WHERE d.id = ?
                    """, arguments: [id])
        else { return (false, nil, nil, nil) }
        let sendID: Int64 = row[0]
        let subscriberID: Int64? = row[1]
        let email: String? = row[2]
        guard let address = input.address else { return (true, id, sendID, subscriberID) }
        // The address as stored is normalised like the reported one; NOCASE compares like the column does.
        guard let email, email.lowercased() == address.value.lowercased() else { return (false, id, sendID, nil) }
        return (true, id, sendID, subscriberID)
    }

    private static func suppress(
        _ subscriber: inout Subscriber, reason: String, detail: [String: String], now: Date, db: Database
    ) throws -> BounceDecision.Action {
        guard subscriber.status == .active || subscriber.status == .pending else { return .alreadySuppressed }
        subscriber.status = .bounced
        subscriber.updatedAt = now
        try subscriber.update(db)
        var detail = detail
        detail["reason"] = reason
        var event = Event(
            subscriberID: subscriber.id, kind: "bounced", source: "bounce", detail: detail, createdAt: now)
        try event.insert(db)
        return .suppressed
    }

    /// Soft bounces in the window that came after the last delivery that was accepted and did not bounce.
    private static func softBounceCount(subscriberID: Int64, policy: BouncePolicy, now: Date, db: Database) throws
        -> Int
    {
        let windowStart = now.addingTimeInterval(-Double(policy.softWindowDays) * 86_400)
        // A delivery counts as good once a day has passed without a bounce for it.
        let lastGood = try Date.fetchOne(
            db,
            sql: """
                SELECT max(d.sent_at) FROM deliveries d
                WHERE d.subscriber_id = ? AND d.status = 'sent' AND d.sent_at < ?
                  AND NOT EXISTS (SELECT 1 FROM bounces b WHERE b.delivery_id = d.id AND b.verified)
                """,
            arguments: [subscriberID, now.addingTimeInterval(-86_400)])
        let since = max(windowStart, lastGood ?? windowStart)
        return try Int.fetchOne(
            db,
            sql:
                "SELECT count(*) FROM bounces WHERE subscriber_id = ? AND kind = 'soft' AND verified AND created_at > ?",
            arguments: [subscriberID, since]) ?? 0
    }

    /// Pauses a running send whose hard-bounce or complaint rate is over the threshold.
    private static func pauseIfRatesExceeded(sendID: Int64, policy: BouncePolicy, now: Date, db: Database) throws
        -> Int64?
    {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT s.status,
                      (SELECT count(*) FROM deliveries WHERE send_id = s.id AND status IN ('sent', 'failed')) AS attempted,
                      (SELECT count(*) FROM bounces b JOIN deliveries d ON d.id = b.delivery_id
                         WHERE d.send_id = s.id AND b.kind = 'hard' AND b.verified) AS hard,
                      (SELECT count(*) FROM bounces b JOIN deliveries d ON d.id = b.delivery_id
                         WHERE d.send_id = s.id AND b.kind = 'complaint' AND b.verified) AS complaints
                    FROM sends s WHERE s.id = ?
                    """, arguments: [sendID]),
            (row["status"] as String) == SendStatus.running.rawValue
        else { return nil }
        let attempted: Int = row["attempted"]
        guard attempted >= policy.pauseMinimumSample, attempted > 0 else { return nil }
        let hardRate = Double(row["hard"] as Int) / Double(attempted)
        let complaintRate = Double(row["complaints"] as Int) / Double(attempted)
        let reason: String
        if hardRate > policy.pauseHardBounceRate {
            reason = String(
                format: "hard-bounce rate %.1f%% is over the limit of %.1f%%", hardRate * 100,
                policy.pauseHardBounceRate * 100)
        } else if complaintRate > policy.pauseComplaintRate {
            reason = String(
                format: "complaint rate %.2f%% is over the limit of %.2f%%", complaintRate * 100,
                policy.pauseComplaintRate * 100)
        } else {
            return nil
        }
        try db.execute(
            sql:
                "UPDATE sends SET status = 'paused', status_reason = ?, updated_at = ? WHERE id = ? AND status = 'running'",
            arguments: [reason, now, sendID])
        return db.changesCount > 0 ? sendID : nil
    }

    /// Recent bounces and complaints with the subscriber's address, newest first; with `sendID`, only
    /// those that name a delivery of that send.
    public func recentBounces(since: Date, limit: Int = 200, sendID: Int64? = nil) throws -> [RecentBounce] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT b.*, s.email AS email FROM bounces b LEFT JOIN subscribers s ON s.id = b.subscriber_id
                    WHERE b.created_at >= ?
                      AND (? IS NULL OR b.delivery_id IN (SELECT id FROM deliveries WHERE send_id = ?))
                    ORDER BY b.id DESC LIMIT ?
                    """, arguments: [since, sendID, sendID, limit]
            ).map { row in RecentBounce(bounce: try BounceRecord(row: row), email: row["email"]) }
        }
    }
}

/// A bounce as `bounce list` shows it.
public struct RecentBounce: Sendable, Equatable, Encodable {
    public var bounce: BounceRecord
    public var email: String?

    private enum ExtraKeys: String, CodingKey { case email }

    public func encode(to encoder: any Encoder) throws {
        try bounce.encode(to: encoder)
        var container = encoder.container(keyedBy: ExtraKeys.self)
        try container.encode(email, forKey: .email)
    }
}

extension AppDatabase {
    /// The delivery of `sendID` to `subscriberID` (what a signed Message-ID names), if there is one.
    public func deliveryID(sendID: Int64, subscriberID: Int64) throws -> Int64? {
        try read { db in
            try Int64.fetchOne(
                db, sql: "SELECT id FROM deliveries WHERE send_id = ? AND subscriber_id = ?",
                arguments: [sendID, subscriberID])
        }
    }
}
