import Foundation
import OpenAPIRuntime
import RundbriefApp
import RundbriefCore
import RundbriefStore

/// Sends: schedule (with the guards of `send schedule`), reschedule, report and deliveries, each one
/// operation of the application layer.
extension AdminAPIHandler {
    func scheduleSend(_ input: Operations.ScheduleSend.Input) async throws -> Operations.ScheduleSend.Output {
        guard case .json(let new) = input.body else { throw OperationError(.usage, "the body must be JSON") }
        return try await refusingAsInvalid { try await schedule(new) }
    }

    /// A request the document accepts but the operation calls malformed (both `segment` and `where`,
    /// an unreadable time) is refused input (422): 400 is for requests that do not match the document.
    private func refusingAsInvalid<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let error as OperationError where error.kind == .usage {
            throw OperationError(.invalid, error.message)
        }
    }

    private func schedule(_ new: Components.Schemas.NewSend) async throws -> Operations.ScheduleSend.Output {
        // What the request names comes first: an unknown edition or list is 404 whatever else is wrong.
        try await operating { operations in
            _ = try operations.edition(new.edition)
            guard try operations.lists().contains(where: { $0.list.slug == new.list }) else {
                throw OperationError(
                    .notFound, "no list '\(new.list)' (create it with: rundbrief lists create \(new.list) --name NAME)")
            }
        }
        let audience = try SendAudience(segment: new.segment, where: new._where)
        if new.dryRun == true {
            let preview = try await operating {
                try $0.previewSend(edition: new.edition, list: new.list, at: new.at, audience: audience)
            }
            var segment: String?
            if case .segment(let slug) = preview.audience { segment = slug }
            return .ok(
                .init(
                    body: .json(
                        .init(
                            edition: preview.edition, list: preview.list, segment: segment, _where: preview.filter,
                            count: preview.count, warnings: preview.warnings,
                            alreadySent: preview.alreadySent?.message))))
        }
        let (report, now) = try await operating {
            (
                try $0.scheduleSend(
                    edition: new.edition, list: new.list, at: new.at, audience: audience, again: new.again ?? false),
                $0.now
            )
        }
        return .created(.init(body: .json(Self.send(report, now: now))))
    }

    func rescheduleSend(_ input: Operations.RescheduleSend.Input) async throws -> Operations.RescheduleSend.Output {
        guard case .json(let time) = input.body else { throw OperationError(.usage, "the body must be JSON") }
        let id = input.path.id
        let (report, now) = try await refusingAsInvalid {
            try await operating { operations in
                _ = try operations.send(id: id)  // an unknown send is 404 whatever the time says
                try operations.rescheduleSend(id: id, at: time.at)
                return (try operations.send(id: id), operations.now)
            }
        }
        return .ok(.init(body: .json(Self.send(report, now: now))))
    }

    func getSendReport(_ input: Operations.GetSendReport.Input) async throws -> Operations.GetSendReport.Output {
        let id = input.path.id
        let results = try await operating { try $0.sendResults(id: id) }
        let report = results.report
        let counts = report.counts
        let outcomes = results.outcomes
        return .ok(
            .init(
                body: .json(
                    .init(
                        id: report.send.id ?? id, status: .init(rawValue: report.send.status.rawValue) ?? .failed,
                        edition: report.edition, list: report.list, total: counts.total, sent: counts.sent,
                        deferred: counts.deferred, failed: counts.failed, skipped: counts.skipped,
                        bouncedHard: outcomes.bouncedHard, bouncedSoft: outcomes.bouncedSoft,
                        complained: outcomes.complained, unsubscribed: outcomes.unsubscribed,
                        rates: .init(additionalProperties: results.rates)))))
    }

    func listSendDeliveries(_ input: Operations.ListSendDeliveries.Input) async throws
        -> Operations.ListSendDeliveries.Output
    {
        let id = input.path.id
        let query = input.query
        let filter = query.status.flatMap { DeliveryFilter(rawValue: $0.rawValue) }
        let page = try await operating {
            try $0.deliveries(
                sendID: id, filter: filter, unmasked: query.unmasked ?? false, cursor: query.cursor,
                limit: query.limit ?? 100)
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: page.lines.map {
                            .init(
                                id: $0.deliveryID, email: $0.email,
                                status: .init(rawValue: $0.status.rawValue) ?? .queued, attempts: $0.attempts,
                                code: $0.lastCode, enhancedStatus: $0.lastStatus, reply: $0.lastReply,
                                bounce: $0.bounce, updatedAt: $0.updatedAt)
                        }, nextCursor: page.nextCursor))))
    }
}
