import Foundation
import RundbriefCore
public import RundbriefStore

extension Operations {
    /// Schedules `edition` to go to `list` at `time` ("YYYY-MM-DD HH:MM" in `delivery.timezone`, or "now"),
    /// to the list's active members that `audience` selects (see `resolveAudience`).
    ///
    /// Refused (nothing changes): a time in the past; an edition that cannot be rendered (the template's
    /// file and line are named); an edition that already has a scheduled, running, paused or done send
    /// to the same audience (list and filter), unless `again`.
    public func scheduleSend(
        edition: String, list: String, at time: String, audience: SendAudience = .wholeList, again: Bool = false
    ) throws(OperationError) -> SendReport {
        let date = try futureTime(time)
        let filter = try resolveAudience(audience, list: list).filter
        try renderSample(edition: edition, list: list)
        let outcome = try storing {
            try database.scheduleSend(
                edition: edition, list: list, at: date, audience: filter, again: again, now: now)
        }
        let send: Send
        switch outcome {
        case .changed(let scheduled): send = scheduled
        case .sentBefore(let earlier): throw alreadySent(edition: edition, list: list, earlier: earlier)
        }
        let report = try storing { try database.sendReport(id: send.id!) }
        audit.record(
            "send.scheduled",
            fields: [
                "send.id": "\(report.send.id!)", "edition": edition, "list": list,
                "at": ISO8601DateFormatter().string(from: date), "audience": audience.description,
                "again": again ? "yes" : "no",
            ], listID: report.send.listID, at: now)
        return report
    }

    /// Moves a scheduled or paused send to `time`; a paused send that had started goes on from where
    /// it stopped. Refused for a running or finished send and for a time in the past.
    @discardableResult
    public func rescheduleSend(id: Int64, at time: String) throws(OperationError) -> Send {
        let date = try futureTime(time)
        let send = try storing { try database.rescheduleSend(id: id, at: date, now: now) }
        audit.record(
            "send.rescheduled",
            fields: ["send.id": "\(id)", "at": ISO8601DateFormatter().string(from: date)], listID: send.listID,
            at: now)
        return send
    }

    /// Every send, newest first, with counts.
    public func sends() throws(OperationError) -> [SendReport] {
        try storing { try database.sendReports() }
    }

    /// One send with its counts.
    public func send(id: Int64) throws(OperationError) -> SendReport {
        try storing { try database.sendReport(id: id) }
    }

    /// Pauses a scheduled or running send; the daemon finishes the messages in flight and stops.
    @discardableResult
    public func pauseSend(id: Int64) throws(OperationError) -> Send {
        let send = try storing { try database.pauseSend(id: id, reason: "paused by operator", now: now) }
        audit.record(
            "send.paused", fields: ["send.id": "\(id)", "list.id": "\(send.listID)"], listID: send.listID, at: now)
        return send
    }

    /// Resumes a paused send (also one held back because it was overdue), or one that failed before
    /// its first message once the cause is fixed (it goes with the edition as it is now). Refused when
    /// the edition went to the same audience in another send meanwhile, unless `again`.
    @discardableResult
    public func resumeSend(id: Int64, again: Bool = false) throws(OperationError) -> Send {
        let outcome = try storing { try database.resumeSend(id: id, again: again, now: now) }
        let send: Send
        switch outcome {
        case .changed(let resumed): send = resumed
        case .sentBefore(let other):
            throw OperationError(
                .conflict,
                "edition \(other.edition) went to list \(other.list) in send \(other.send.id ?? 0) "
                    + "(\(other.send.status.rawValue)) since send \(id) was paused; add --again to resume it anyway")
        }
        audit.record(
            "send.resumed",
            fields: [
                "send.id": "\(id)", "list.id": "\(send.listID)", "status": send.status.rawValue,
                "again": again ? "yes" : "no",
            ], listID: send.listID, at: now)
        return send
    }

    /// Cancels a send; messages not yet sent are not sent.
    @discardableResult
    public func cancelSend(id: Int64) throws(OperationError) -> Send {
        let send = try storing { try database.cancelSend(id: id, now: now) }
        audit.record(
            "send.cancelled", fields: ["send.id": "\(id)", "list.id": "\(send.listID)"], listID: send.listID, at: now)
        return send
    }

    /// Queues the failed deliveries of a finished send again; returns how many.
    public func retryFailedDeliveries(sendID id: Int64) throws(OperationError) -> Int {
        let report = try storing { try database.sendReport(id: id) }
        if report.send.status == .failed,
            report.counts.sent + report.counts.failed + report.counts.deferred + report.counts.sending == 0
        {
            throw OperationError(
                .conflict,
                "send \(id) failed before its first message (\(report.send.statusReason ?? "no reason recorded")); "
                    + "fix the cause, then start it again with `rundbrief send resume \(id)`")
        }
        let count = try storing { try database.retryFailed(id: id, now: now) }
        audit.record("send.retried", fields: ["send.id": "\(id)", "count": "\(count)"], at: now)
        return count
    }
}

extension Operations {
    /// `time` as a date, refused when it lies in the past ("now", and a time within the current
    /// minute, are not).
    func futureTime(_ time: String) throws(OperationError) -> Date {
        let zone = configuration.delivery.timezone
        let date = try SendTime.parse(time, timeZone: zone, now: now)
        guard date.addingTimeInterval(60) > now else {
            throw OperationError(
                .invalid,
                "\(time) is in the past (it is now \(SendTime.format(now, timeZone: zone))); give a later time, or \"now\""
            )
        }
        return date
    }

    func alreadySent(edition: String, list: String, earlier: SendReport) -> OperationError {
        let zone = configuration.delivery.timezone
        let when =
            switch earlier.send.status {
            case .done: "sent \(SendTime.format(earlier.send.finishedAt ?? earlier.send.scheduledAt, timeZone: zone))"
            case .scheduled: "scheduled for \(SendTime.format(earlier.send.scheduledAt, timeZone: zone))"
            default: earlier.send.status.rawValue
            }
        return OperationError(
            .conflict,
            "edition \(edition) already has send \(earlier.send.id ?? 0) to list \(list) (\(when)); "
                + "add --again to send it again")
    }
}
