import Foundation
import OpenAPIRuntime
import RundbriefApp
import RundbriefCore
import RundbriefStore

/// Subscribers and bounces: each handler calls one operation of the application layer, which holds
/// the rules (editors read, admins change).
extension AdminAPIHandler {
    func addSubscriber(_ input: Operations.AddSubscriber.Input) async throws -> Operations.AddSubscriber.Output {
        guard case .json(let new) = input.body else { throw OperationError(.usage, "the body must be JSON") }
        let attributes = (new.attributes?.additionalProperties ?? [:]).map { "\($0.key)=\($0.value)" }
        let profile = try await operating { operations in
            let subscriber = try operations.addSubscriber(
                new.email, list: new.list, name: new.name ?? "", status: new.status?.rawValue ?? "active",
                attributes: attributes)
            return try operations.subscriberProfile(subscriber.email)
        }
        return .created(.init(body: .json(Self.profile(profile))))
    }

    func getSubscriber(_ input: Operations.GetSubscriber.Input) async throws -> Operations.GetSubscriber.Output {
        let reference = input.path.subscriber
        let profile = try await operating { try $0.subscriberProfile(Self.address(reference, $0)) }
        return .ok(.init(body: .json(Self.profile(profile))))
    }

    func updateSubscriber(_ input: Operations.UpdateSubscriber.Input) async throws
        -> Operations.UpdateSubscriber.Output
    {
        guard case .json(let changes) = input.body else { throw OperationError(.usage, "the body must be JSON") }
        let reference = input.path.subscriber
        let profile = try await operating { operations in
            let subscriber = try operations.updateSubscriber(
                Self.address(reference, operations), name: changes.name,
                attributes: changes.attributes?.additionalProperties)
            return try operations.subscriberProfile(subscriber.email)
        }
        return .ok(.init(body: .json(Self.profile(profile))))
    }

    func forgetSubscriber(_ input: Operations.ForgetSubscriber.Input) async throws
        -> Operations.ForgetSubscriber.Output
    {
        let reference = input.path.subscriber
        _ = try await operating { operations in
            try operations.forgetSubscriber(Self.address(reference, operations))
        }
        return .noContent(.init())
    }

    func unsubscribeSubscriber(_ input: Operations.UnsubscribeSubscriber.Input) async throws
        -> Operations.UnsubscribeSubscriber.Output
    {
        let reference = input.path.subscriber
        let list = input.query.list
        let changed = try await operating { operations in
            try operations.unsubscribe(Self.address(reference, operations), list: list)
        }
        return .ok(.init(body: .json(.init(changed: changed))))
    }

    func importSubscribers(_ input: Operations.ImportSubscribers.Input) async throws
        -> Operations.ImportSubscribers.Output
    {
        guard case .csv(let body) = input.body else { throw OperationError(.usage, "the body must be text/csv") }
        // The guard has already refused a body over the import's limit and buffered the rest.
        let csv = try await [UInt8](collecting: body, upTo: AdminAPI.importMaxBodyBytes)
        let query = input.query
        let report = try await operating { operations in
            try operations.importSubscribers(
                csv: csv, list: query.list, status: query.status?.rawValue ?? "active",
                sourceName: query.filename ?? "upload.csv")
        }
        let summary = report.summary
        return .ok(
            .init(
                body: .json(
                    .init(
                        imported: summary.imported, updated: summary.updated, unchanged: summary.unchanged,
                        skipped: summary.skipped, rejected: summary.rejected, everyLine: report.everyLine,
                        lines: report.lines.map {
                            .init(
                                line: $0.line, address: $0.address, outcome: .init(rawValue: $0.outcome) ?? .rejected,
                                reason: $0.reason)
                        }))))
    }

    func exportSubscribers(_ input: Operations.ExportSubscribers.Input) async throws
        -> Operations.ExportSubscribers.Output
    {
        let query = input.query
        let csv = try await operating { operations in
            var bytes: [UInt8] = []
            try operations.exportSubscribers(list: query.list, status: query.status?.rawValue, format: .csv) {
                bytes.append(contentsOf: $0.utf8)
            }
            return bytes
        }
        return .ok(.init(body: .csv(HTTPBody(csv))))
    }

    func listBounces(_ input: Operations.ListBounces.Input) async throws -> Operations.ListBounces.Output {
        let query = input.query
        let page = try await operating {
            try $0.bounces(
                kind: query.kind?.rawValue, sendID: query.send, cursor: query.cursor, limit: query.limit ?? 100)
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: page.bounces.map { Self.bounce($0.bounce, email: $0.email, sendID: $0.sendID) },
                        nextCursor: page.nextCursor))))
    }

    /// The address a path names (an address or an id): a path naming neither names nobody (404).
    static func address(_ reference: String, _ operations: RundbriefApp.Operations) throws(OperationError) -> String {
        do {
            return try operations.subscriberAddress(reference).value
        } catch  where error.kind == .invalid {
            throw OperationError(.notFound, "no subscriber with that address")
        }
    }

    static func bounce(_ bounce: BounceRecord, email: String?, sendID: Int64?) -> Components.Schemas.Bounce {
        .init(
            id: bounce.id ?? 0, kind: .init(rawValue: bounce.kind.rawValue) ?? .hard, source: bounce.source,
            email: email, sendId: sendID, status: bounce.status, diagnostic: bounce.diagnostic,
            verified: bounce.verified, createdAt: bounce.createdAt)
    }

    static func profile(_ profile: SubscriberProfile) -> Components.Schemas.SubscriberProfile {
        let subscriber = profile.detail.subscriber
        return .init(
            id: subscriber.id ?? 0, email: subscriber.email, name: subscriber.name,
            status: .init(rawValue: subscriber.status.rawValue) ?? .pending,
            attributes: .init(additionalProperties: subscriber.attributes), consentAt: subscriber.consentAt,
            consentMethod: subscriber.consentMethod, createdAt: subscriber.createdAt, updatedAt: subscriber.updatedAt,
            lists: profile.detail.lists.map { .init(list: $0.list, status: $0.status.rawValue, since: $0.since) },
            events: profile.detail.events.map {
                .init(
                    kind: $0.kind, source: $0.source, listId: $0.listID, createdAt: $0.createdAt,
                    detail: .init(additionalProperties: $0.detail))
            },
            deliveries: profile.history.deliveries.map {
                .init(
                    sendId: $0.sendID, edition: $0.edition, status: $0.status.rawValue, lastReply: $0.lastReply,
                    sentAt: $0.sentAt, updatedAt: $0.updatedAt)
            },
            bounces: profile.history.bounces.map { bounce($0, email: subscriber.email, sendID: nil) })
    }
}
