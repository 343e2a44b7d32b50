public import Foundation
import GRDB
import RundbriefCore

/// What undoing a web unsubscribe did.
public enum UndoOutcome: Sendable, Equatable {
    /// The memberships that unsubscribe ended are active again.
    case restored
    /// Nothing to undo: something happened since (a bounce, a complaint, another unsubscribe or
    /// sign-up), the subscriber is bounced or complained, or the undo was used already.
    case nothingToUndo
    /// The subscriber was erased.
    case unknownSubscriber
}

extension AppDatabase {
    /// Undoes the web unsubscribe made at `unsubscribedAt` (to the second, as tokens carry it), and
    /// only while it is still the subscriber's latest event: the memberships it ended come back,
    /// and a subscriber it made `unsubscribed` becomes `active` again. Bounced and complained
    /// subscribers are never revived, and an unsubscribe that changed nothing has nothing to undo.
    public func undoUnsubscribe(
        subscriberID: Int64, list listID: Int64?, unsubscribedAt: Date, now: Date
    ) async throws -> UndoOutcome {
        try await write { db in
            guard var subscriber = try Subscriber.fetchOne(db, key: subscriberID) else {
                return .unknownSubscriber
            }
            let until = unsubscribedAt.addingTimeInterval(1)
            guard subscriber.status == .active || subscriber.status == .unsubscribed,
                let latest = try Event.filter(Column("subscriber_id") == subscriberID)
                    .order(Column("id").desc).fetchOne(db),
                latest.kind == "unsubscribed", latest.listID == listID,
                latest.createdAt >= unsubscribedAt, latest.createdAt < until
            else { return .nothingToUndo }
            var sql = """
                UPDATE subscriptions SET status = 'active', updated_at = ?
                WHERE subscriber_id = ? AND status = 'unsubscribed' AND updated_at >= ? AND updated_at < ?
                """
            var arguments: StatementArguments = [now, subscriberID, unsubscribedAt, until]
            if let listID {
                sql += " AND list_id = ?"
                arguments += [listID]
            }
            try db.execute(sql: sql, arguments: arguments)
            var changed = db.changesCount > 0
            // Only someone who had confirmed goes back to active (never an unconfirmed sign-up).
            if listID == nil, subscriber.status == .unsubscribed, subscriber.consentAt != nil {
                subscriber.status = .active
                subscriber.updatedAt = now
                try subscriber.update(db)
                changed = true
            }
            guard changed else { return .nothingToUndo }
            var event = Event(
                subscriberID: subscriberID, listID: listID, kind: "unsubscribe-undone", source: "web",
                detail: [:], createdAt: now)
            try event.insert(db)
            return .restored
        }
    }
}
