import Foundation
import OpenAPIRuntime
import RundbriefApp
import RundbriefCore
import RundbriefStore

/// The generated `APIProtocol`, answered by the application layer: each handler builds the
/// operations for the authenticated key and calls one operation. Refusals are thrown as
/// `OperationError` and become problems in ``APIGuard``.
struct AdminAPIHandler: APIProtocol {
    let makeOperations: @Sendable (Actor, Role) -> RundbriefApp.Operations

    /// Runs `work` off the concurrency pool with the operations of the key that called.
    func operating<T: Sendable>(_ work: @escaping @Sendable (RundbriefApp.Operations) throws -> T) async throws -> T {
        guard let key = APIPrincipal.current else {
            throw OperationError(.unauthorized, "an API key is needed: Authorization: Bearer KEY")
        }
        let operations = makeOperations(.apiKey(name: key.name), key.role)
        return try await offPool { try work(operations) }
    }

    func getStatus(_ input: Operations.GetStatus.Input) async throws -> Operations.GetStatus.Output {
        let overview = try await operating { try $0.statusOverview() }
        let snapshot = overview.snapshot
        return .ok(
            .init(
                body: .json(
                    .init(
                        subscribersByStatus: .init(additionalProperties: snapshot.subscribersByStatus),
                        queueDepth: snapshot.queueDepth,
                        sends: snapshot.sends.map(Self.progress),
                        needingAttention: overview.needingAttention.map(Self.send),
                        bouncesByKind: .init(additionalProperties: snapshot.bouncesByKind),
                        bouncesSince: snapshot.bouncesSince,
                        recentErrors: snapshot.recentErrors.map {
                            .init(
                                sendId: $0.sendID, status: $0.status, code: $0.code, enhancedStatus: $0.enhancedStatus,
                                reply: $0.reply, at: $0.at)
                        }))))
    }

    func listLists(_ input: Operations.ListLists.Input) async throws -> Operations.ListLists.Output {
        let lists = try await operating { try $0.lists() }
        return .ok(.init(body: .json(.init(items: lists.map(Self.list)))))
    }

    func createList(_ input: Operations.CreateList.Input) async throws -> Operations.CreateList.Output {
        guard case .json(let new) = input.body else { throw OperationError(.usage, "the body must be JSON") }
        let created = try await operating { operations in
            let list = try operations.createList(
                slug: new.slug, name: new.name, description: new.description ?? "", isPublic: new._public ?? true)
            guard let summary = try operations.lists().first(where: { $0.list.id == list.id }) else {
                throw OperationError(.notFound, "list '\(list.slug)' was removed meanwhile")
            }
            return summary
        }
        return .created(.init(body: .json(Self.list(created))))
    }

    func listSends(_ input: Operations.ListSends.Input) async throws -> Operations.ListSends.Output {
        let (reports, now) = try await operating { (try $0.sends(), $0.now) }
        return .ok(.init(body: .json(.init(items: reports.map { Self.send($0, now: now) }))))
    }

    func getSend(_ input: Operations.GetSend.Input) async throws -> Operations.GetSend.Output {
        let id = input.path.id
        let (report, now) = try await operating { (try $0.send(id: id), $0.now) }
        return .ok(.init(body: .json(Self.send(report, now: now))))
    }

    func pauseSend(_ input: Operations.PauseSend.Input) async throws -> Operations.PauseSend.Output {
        .ok(.init(body: .json(try await changing(input.path.id) { try $0.pauseSend(id: $1) })))
    }

    func resumeSend(_ input: Operations.ResumeSend.Input) async throws -> Operations.ResumeSend.Output {
        .ok(.init(body: .json(try await changing(input.path.id) { try $0.resumeSend(id: $1) })))
    }

    func cancelSend(_ input: Operations.CancelSend.Input) async throws -> Operations.CancelSend.Output {
        .ok(.init(body: .json(try await changing(input.path.id) { try $0.cancelSend(id: $1) })))
    }

    func searchSubscribers(_ input: Operations.SearchSubscribers.Input) async throws
        -> Operations.SearchSubscribers.Output
    {
        let query = input.query
        let page = try await operating {
            try $0.searchSubscribers(query: query.q ?? "", cursor: query.cursor, limit: query.limit ?? 100)
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: page.subscribers.map {
                            .init(
                                id: $0.id ?? 0, email: $0.email, name: $0.name,
                                status: .init(rawValue: $0.status.rawValue) ?? .pending, createdAt: $0.createdAt)
                        }, nextCursor: page.nextCursor))))
    }

    /// Changes a send through an operation and answers with its state afterwards.
    private func changing(
        _ id: Int64, _ change: @escaping @Sendable (RundbriefApp.Operations, Int64) throws -> Send
    ) async throws -> Components.Schemas.Send {
        let (report, now) = try await operating { operations in
            _ = try change(operations, id)
            return (try operations.send(id: id), operations.now)
        }
        return Self.send(report, now: now)
    }

    static func list(_ summary: ListSummary) -> Components.Schemas.List {
        .init(
            slug: summary.list.slug, _public: summary.list.isPublic, name: summary.list.name,
            description: summary.list.description, createdAt: summary.list.createdAt, active: summary.active,
            pending: summary.pending,
            unsubscribed: summary.unsubscribed)
    }

    static func send(_ report: SendReport) -> Components.Schemas.Send { send(report, now: Date()) }

    static func send(_ report: SendReport, now: Date) -> Components.Schemas.Send {
        let counts = report.counts
        return .init(
            id: report.send.id ?? 0, status: .init(rawValue: report.send.status.rawValue) ?? .failed,
            reason: report.send.statusReason, edition: report.edition, list: report.list,
            scheduledAt: report.send.scheduledAt, startedAt: report.send.startedAt,
            finishedAt: report.send.finishedAt, queued: counts.queued, sending: counts.sending, sent: counts.sent,
            deferred: counts.deferred, failed: counts.failed, skipped: counts.skipped, total: counts.total,
            rate: (report.rate(now: now) * 10).rounded() / 10)
    }

    static func progress(_ send: SendOverview) -> Components.Schemas.SendProgress {
        .init(
            id: send.id, status: send.status, edition: send.editionSlug, subject: send.subject, list: send.listSlug,
            scheduledAt: send.scheduledAt, startedAt: send.startedAt, done: send.done, total: send.total,
            deliveries: .init(additionalProperties: send.deliveries))
    }
}
