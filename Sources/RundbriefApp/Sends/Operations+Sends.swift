import Foundation
import RundbriefCore
public import RundbriefStore

extension Operations {
    /// Schedules `edition` to go to `list` at `time` ("YYYY-MM-DD HH:MM" in `delivery.timezone`, or "now"),
    /// to the list's active members that `audience` selects (see `resolveAudience`).
    public func scheduleSend(edition: String, list: String, at time: String, audience: SendAudience = .wholeList)
        throws(OperationError) -> SendReport
    {
        let date = try SendTime.parse(time, timeZone: configuration.delivery.timezone, now: now)
        let filter = try resolveAudience(audience, list: list).filter
        let report = try storing {
            let send = try database.scheduleSend(edition: edition, list: list, at: date, now: now, audience: filter)
            return try database.sendReport(id: send.id!)
        }
        audit.record(
            "send.scheduled",
            fields: [
                "send.id": "\(report.send.id!)", "edition": edition, "list": list,
                "at": ISO8601DateFormatter().string(from: date), "audience": audience.description,
            ], listID: report.send.listID, at: now)
        return report
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

    /// Resumes a paused send (also one held back because it was overdue).
    @discardableResult
    public func resumeSend(id: Int64) throws(OperationError) -> Send {
        let send = try storing { try database.resumeSend(id: id, now: now) }
        audit.record(
            "send.resumed", fields: ["send.id": "\(id)", "list.id": "\(send.listID)", "status": send.status.rawValue],
            listID: send.listID, at: now)
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
        let count = try storing { try database.retryFailed(id: id, now: now) }
        audit.record("send.retried", fields: ["send.id": "\(id)", "count": "\(count)"], at: now)
        return count
    }
}
