public import Foundation
import GRDB
import RundbriefCore

/// What a guarded change of a send did: the change, or the earlier send of the same edition to the
/// same audience that stopped it.
public enum GuardedSendChange: Sendable, Equatable {
    case changed(Send)
    case sentBefore(SendReport)
}

extension AppDatabase {
    /// Schedules `edition` to go to `list` at `date`, unless the edition already has a scheduled,
    /// running, paused or done send to the same audience (then nothing changes and that send is
    /// returned); `again` schedules it anyway. Both happen in one transaction, so two editors cannot
    /// both get through.
    /// - Throws: `StoreError` `.notFound` for an unknown edition or list.
    public func scheduleSend(
        edition slug: String, list listSlug: String, at date: Date, audience filter: AudienceFilter? = nil,
        again: Bool, now: Date
    ) throws -> GuardedSendChange {
        try write { db in
            guard
                let editionID = try Int64.fetchOne(
                    db, sql: "SELECT id FROM editions WHERE slug = ? AND removed_at IS NULL", arguments: [slug])
            else { throw StoreError(.notFound, "no edition \(slug)") }
            let list = try Self.list(slug: listSlug, in: db)
            var send = Send(
                editionID: editionID, listID: list.id!, status: .scheduled, scheduledAt: date,
                createdAt: now, updatedAt: now)
            let audience = Audience(listID: list.id!, filter: filter?.expression)
            if !again,
                let earlier = try Self.sends(
                    of: editionID, to: audience, in: [.scheduled, .running, .paused, .done], db: db
                ).first
            {
                return .sentBefore(try Self.report(id: earlier.id!, in: db))
            }
            try send.insert(db)
            if let filter {
                try db.execute(
                    sql: "UPDATE sends SET segment_id = ?, segment_where = ? WHERE id = ?",
                    arguments: [filter.segmentID, filter.expression, send.id])
            }
            return .changed(send)
        }
    }

    /// The earliest scheduled, running, paused or done send of `edition` to `list` with the filter
    /// `expression` (`nil`: the whole list): the send that would stop a schedule without `again`.
    /// `nil` when there is none (or the edition or list does not exist).
    public func sendBefore(edition slug: String, list listSlug: String, filter expression: String?) throws
        -> SendReport?
    {
        try read { db in
            guard
                let editionID = try Int64.fetchOne(
                    db, sql: "SELECT id FROM editions WHERE slug = ? AND removed_at IS NULL", arguments: [slug]),
                let listID = try Int64.fetchOne(db, sql: "SELECT id FROM lists WHERE slug = ?", arguments: [listSlug])
            else { return nil }
            let audience = Audience(listID: listID, filter: expression)
            guard
                let earlier = try Self.sends(
                    of: editionID, to: audience, in: [.scheduled, .running, .paused, .done], db: db
                ).first
            else { return nil }
            return try Self.report(id: earlier.id!, in: db)
        }
    }

    /// Moves a scheduled or paused send to `date`; a paused one becomes scheduled again (one that had
    /// started goes on with the recipients it has not reached yet).
    /// - Throws: `StoreError` `.notFound`, `.invalidState` for a running or finished send.
    public func rescheduleSend(id: Int64, at date: Date, now: Date) throws -> Send {
        try write { db in
            var send = try Self.send(id: id, in: db)
            guard send.status == .scheduled || send.status == .paused else {
                throw StoreError(
                    .invalidState,
                    "send \(id) is \(send.status.rawValue); only a scheduled or paused send can be rescheduled")
            }
            send.status = .scheduled
            send.scheduledAt = date
            send.statusReason = nil
            send.updatedAt = now
            try send.update(db)
            return send
        }
    }

    /// Resumes a paused send, or a failed one that failed before its first message (a template, the
    /// edition or the configuration): it starts again with the edition as it is now. Unless `again`,
    /// a send whose edition went to the same audience in another send started since it was scheduled
    /// is not resumed (that send is returned).
    /// - Throws: `StoreError` `.invalidState` for any other send.
    public func resumeSend(id: Int64, again: Bool, now: Date) throws -> GuardedSendChange {
        try write { db in
            var send = try Self.send(id: id, in: db)
            switch send.status {
            case .paused:
                break
            case .failed:
                guard try Self.attemptedCount(sendID: id, in: db) == 0 else {
                    throw StoreError(
                        .invalidState,
                        "send \(id) failed after messages went out; `rundbrief send retry-failed \(id)` sends the failed ones again"
                    )
                }
            default:
                throw StoreError(.invalidState, "send \(id) is \(send.status.rawValue), not paused or failed")
            }
            if !again,
                let other = try Self.sends(
                    of: send.editionID, to: try Self.audience(of: send, in: db), in: [.running, .paused, .done], db: db
                ).first(where: { $0.id != id && $0.audienceFrozen && ($0.startedAt ?? .distantPast) > send.createdAt })
            {
                return .sentBefore(try Self.report(id: other.id!, in: db))
            }
            if send.status == .failed {
                // Nothing went out: the edition as fixed since is what goes.
                if send.audienceFrozen { send.snapshot = try Self.snapshot(editionID: send.editionID, in: db) }
                send.finishedAt = nil
            }
            send.status = send.audienceFrozen ? .running : .scheduled
            if !send.audienceFrozen { send.scheduledAt = now }
            send.statusReason = nil
            send.updatedAt = now
            try send.update(db)
            return .changed(send)
        }
    }

    /// Deliveries of a send that reached an SMTP transaction (sent, failed, deferred or in flight).
    static func attemptedCount(sendID: Int64, in db: Database) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT count(*) FROM deliveries WHERE send_id = ? AND (attempts > 0 OR status <> 'queued')",
            arguments: [sendID]) ?? 0
    }

    /// The sends of an edition to `audience` in one of `statuses`, oldest first.
    private static func sends(of editionID: Int64, to audience: Audience, in statuses: Set<SendStatus>, db: Database)
        throws -> [Send]
    {
        try Send.filter(Column("edition_id") == editionID)
            .filter(statuses.map(\.rawValue).contains(Column("status")))
            .filter(Column("list_id") == audience.listID)
            .filter(sql: "segment_where IS ?", arguments: [audience.filter])
            .order(Column("id")).fetchAll(db)
    }

    /// The audience a stored send goes (or went) to: its list and the filter it was scheduled with.
    static func audience(of send: Send, in db: Database) throws -> Audience {
        let filter = try String.fetchOne(
            db, sql: "SELECT segment_where FROM sends WHERE id = ?", arguments: [send.id])
        return Audience(listID: send.listID, filter: filter)
    }
}
