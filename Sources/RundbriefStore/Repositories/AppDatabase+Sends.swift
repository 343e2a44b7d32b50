public import Foundation
import GRDB
public import RundbriefCore

/// How many deliveries of a send are in each state.
public struct SendCounts: Sendable, Equatable, Codable {
    public var queued = 0
    public var sending = 0
    public var sent = 0
    public var deferred = 0
    public var failed = 0
    public var skipped = 0

    public init() {}

    public var total: Int { queued + sending + sent + deferred + failed + skipped }
    /// Deliveries that still need a transaction.
    public var remaining: Int { queued + sending + deferred }
}

/// A send with its edition, list and counts: what `send status` and `send list` show.
public struct SendReport: Sendable, Equatable {
    public var send: Send
    public var edition: String
    public var list: String
    public var counts: SendCounts
    /// The segment the send's audience came from (its slug), if any and not removed since.
    public var segment: String? = nil
    /// The filter the audience is (or was) frozen with; `nil` for the whole list.
    public var segmentWhere: String? = nil

    /// Messages accepted per second since the send started (to its end when finished).
    public func rate(now: Date) -> Double {
        guard let started = send.startedAt else { return 0 }
        let elapsed = (send.finishedAt ?? now).timeIntervalSince(started)
        return elapsed > 0 ? Double(counts.sent) / elapsed : 0
    }
}

extension AppDatabase {
    /// Schedules `edition` to go to `list` at `date`, to the members `audience` selects (all when `nil`),
    /// without the guard against a second send (tests and tools; people go through the guarded one).
    /// - Throws: `StoreError` `.notFound` for an unknown edition or list.
    public func scheduleSend(
        edition slug: String, list listSlug: String, at date: Date, now: Date = Date(),
        audience: AudienceFilter? = nil
    ) throws -> Send {
        switch try scheduleSend(edition: slug, list: listSlug, at: date, audience: audience, again: true, now: now) {
        case .changed(let send): return send
        case .sentBefore: throw StoreError(.invalidState, "the edition was sent to this audience before")
        }
    }

    /// One send with its counts.
    /// - Throws: `StoreError` `.notFound`.
    public func sendReport(id: Int64) throws -> SendReport {
        try read { db in try Self.report(id: id, in: db) }
    }

    /// Every send, newest first, with counts.
    public func sendReports() throws -> [SendReport] {
        try read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM sends ORDER BY id DESC").map {
                try Self.report(id: $0, in: db)
            }
        }
    }

    /// The delivery counts of a send.
    public func sendCounts(id: Int64) async throws -> SendCounts {
        try await read { db in try Self.counts(sendID: id, in: db) }
    }

    /// Pauses a scheduled or running send; the sender stops claiming and returns what it holds.
    /// - Throws: `StoreError` `.invalidState` when the send is finished or already paused.
    @discardableResult
    public func pauseSend(id: Int64, reason: String, now: Date = Date()) throws -> Send {
        try transition(id: id, from: [.scheduled, .running], to: .paused, reason: reason, now: now)
    }

    /// Resumes a paused send: a started one runs again, one that never started is due now.
    @discardableResult
    public func resumeSend(id: Int64, now: Date = Date()) throws -> Send {
        try write { db in
            var send = try Self.send(id: id, in: db)
            guard send.status == .paused else {
                throw StoreError(.invalidState, "send \(id) is \(send.status.rawValue), not paused")
            }
            send.status = send.audienceFrozen ? .running : .scheduled
            if !send.audienceFrozen { send.scheduledAt = now }
            send.statusReason = nil
            send.updatedAt = now
            try send.update(db)
            return send
        }
    }

    /// Cancels a send that has not finished (or that failed and will not be resumed); deliveries not
    /// yet sent stay unsent.
    @discardableResult
    public func cancelSend(id: Int64, now: Date = Date()) throws -> Send {
        try transition(
            id: id, from: [.scheduled, .running, .paused, .failed], to: .cancelled, reason: "cancelled by operator",
            now: now, finished: true)
    }

    /// Re-queues the failed deliveries of a finished send and sets it running again.
    /// - Returns: how many deliveries were re-queued (bounced subscribers are skipped when claimed).
    @discardableResult
    public func retryFailed(id: Int64, now: Date = Date()) throws -> Int {
        try write { db in
            var send = try Self.send(id: id, in: db)
            guard send.status == .done || send.status == .failed else {
                throw StoreError(
                    .invalidState, "send \(id) is \(send.status.rawValue); only a finished send can retry its failures")
            }
            try db.execute(
                sql: """
                    UPDATE deliveries SET status = 'queued', next_attempt_at = NULL, updated_at = ?
                    WHERE send_id = ? AND status = 'failed'
                    """, arguments: [now, id])
            let count = db.changesCount
            if count > 0 {
                send.status = .running
                send.finishedAt = nil
                send.statusReason = nil
                send.updatedAt = now
                try send.update(db)
            }
            return count
        }
    }

    /// Scheduled sends whose time has come.
    public func dueSends(now: Date) async throws -> [Send] {
        try await read { db in
            try Send.filter(Column("status") == SendStatus.scheduled.rawValue)
                .filter(Column("scheduled_at") <= now).order(Column("scheduled_at")).fetchAll(db)
        }
    }

    /// Sends in the paused state (the sender resumes those it paused itself for relay failures).
    public func pausedSends() async throws -> [Send] {
        try await read { db in
            try Send.filter(Column("status") == SendStatus.paused.rawValue).order(Column("id")).fetchAll(db)
        }
    }

    /// Sets a paused send running again, unless its pause reason changed meanwhile (an operator's
    /// pause or cancel wins). - Returns: whether it was resumed.
    public func resumePausedSend(id: Int64, reason: String?, now: Date) async throws -> Bool {
        try await write { db in
            var send = try Self.send(id: id, in: db)
            guard send.status == .paused, send.audienceFrozen, send.statusReason == reason else { return false }
            send.status = .running
            send.statusReason = nil
            send.updatedAt = now
            try send.update(db)
            return true
        }
    }

    /// Sends in the running state.
    public func runningSends() async throws -> [Send] {
        try await read { db in
            try Send.filter(Column("status") == SendStatus.running.rawValue).order(Column("id")).fetchAll(db)
        }
    }

    /// Starts a scheduled send: freezes its audience into `deliveries` (active subscribers with an
    /// active subscription, matching the send's filter if it has one) and snapshots the edition, in
    /// one transaction. A send that had started before (paused, then rescheduled) keeps its audience,
    /// snapshot and start time.
    /// - Parameter timeZone: where the days of the filter's `subscribed_before`/`_after` begin.
    /// - Returns: the running send; `nil` when it was no longer scheduled (paused or cancelled meanwhile).
    public func startSend(id: Int64, now: Date, timeZone: TimeZone = .gmt) async throws -> Send? {
        try await write { db in
            var send = try Self.send(id: id, in: db)
            guard send.status == .scheduled else { return nil }
            // A send that had started and was rescheduled goes on with the edition its first
            // recipients got.
            if !send.audienceFrozen {
                send.snapshot = try Self.snapshot(editionID: send.editionID, in: db)
                try Self.freezeAudience(of: send, now: now, timeZone: timeZone, in: db)
            }
            send.audienceFrozen = true
            send.status = .running
            send.startedAt = send.startedAt ?? now
            send.statusReason = nil
            send.updatedAt = now
            try send.update(db)
            return send
        }
    }

    /// Sets a send's status (the sender's pause after connection failures, done, failed).
    /// Only a running send changes: an operator's pause or cancel in the meantime wins.
    /// - Returns: whether the send was changed.
    @discardableResult
    public func finishOrPause(sendID: Int64, status: SendStatus, reason: String?, now: Date) async throws
        -> Bool
    {
        try await write { db in
            var send = try Self.send(id: sendID, in: db)
            guard send.status == .running else { return false }
            send.status = status
            send.statusReason = reason
            if status.isFinished { send.finishedAt = now }
            send.updatedAt = now
            try send.update(db)
            return true
        }
    }

    /// The mailing list of a send, for rendering.
    /// - Throws: `StoreError.notFound` when the list is gone.
    public func sendList(id: Int64) async throws -> MailingList {
        try await read { db in
            guard let list = try MailingList.fetchOne(db, key: id) else {
                throw StoreError(.notFound, "no list with id \(id)")
            }
            return list
        }
    }

    // MARK: - Helpers

    private func transition(
        id: Int64, from: Set<SendStatus>, to status: SendStatus, reason: String, now: Date,
        finished: Bool = false
    ) throws -> Send {
        try write { db in
            var send = try Self.send(id: id, in: db)
            guard from.contains(send.status) else {
                throw StoreError(
                    .invalidState, "send \(id) is \(send.status.rawValue); cannot make it \(status.rawValue)")
            }
            send.status = status
            send.statusReason = reason
            if finished { send.finishedAt = now }
            send.updatedAt = now
            try send.update(db)
            return send
        }
    }

    static func send(id: Int64, in db: Database) throws -> Send {
        guard let send = try Send.fetchOne(db, key: id) else {
            throw StoreError(.notFound, "no send with id \(id)")
        }
        return send
    }

    static func report(id: Int64, in db: Database) throws -> SendReport {
        let send = try send(id: id, in: db)
        let edition =
            try String.fetchOne(db, sql: "SELECT slug FROM editions WHERE id = ?", arguments: [send.editionID])
            ?? "?"
        let list =
            try String.fetchOne(db, sql: "SELECT slug FROM lists WHERE id = ?", arguments: [send.listID]) ?? "?"
        var report = SendReport(send: send, edition: edition, list: list, counts: try counts(sendID: id, in: db))
        (report.segment, report.segmentWhere) = try segmentOfSend(id: id, in: db)
        return report
    }

    static func counts(sendID: Int64, in db: Database) throws -> SendCounts {
        var counts = SendCounts()
        let rows = try Row.fetchAll(
            db, sql: "SELECT status, count(*) AS n FROM deliveries WHERE send_id = ? GROUP BY status",
            arguments: [sendID])
        for row in rows {
            let n: Int = row["n"]
            switch DeliveryStatus(rawValue: row["status"]) {
            case .queued: counts.queued = n
            case .sending: counts.sending = n
            case .sent: counts.sent = n
            case .deferred: counts.deferred = n
            case .failed: counts.failed = n
            case .skipped: counts.skipped = n
            case nil: break
            }
        }
        return counts
    }

    static func snapshot(editionID: Int64, in db: Database) throws -> String {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT slug, subject, source FROM editions WHERE id = ?
                    """, arguments: [editionID])
        else { throw StoreError(.notFound, "no edition with id \(editionID)") }
        let snapshot = Send.Snapshot(slug: row["slug"], subject: row["subject"], source: row["source"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(snapshot), as: UTF8.self)
    }
}
