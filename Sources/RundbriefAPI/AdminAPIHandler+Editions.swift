import Foundation
import OpenAPIRuntime
import RundbriefApp
import RundbriefStore

/// The editions of the admin API: each handler calls one operation of the application layer.
extension AdminAPIHandler {
    func listEditions(_ input: Operations.ListEditions.Input) async throws -> Operations.ListEditions.Output {
        let query = input.query
        let page = try await operating { try $0.editions(cursor: query.cursor, limit: query.limit ?? 100) }
        return .ok(.init(body: .json(.init(items: page.editions.map(Self.summary), nextCursor: page.nextCursor))))
    }

    func createEdition(_ input: Operations.CreateEdition.Input) async throws -> Operations.CreateEdition.Output {
        guard case .json(let new) = input.body else { throw OperationError(.usage, "the body must be JSON") }
        let saved = try await operating { try $0.saveEdition(source: new.source, slug: nil, seenRevision: 0) }
        return .created(.init(body: .json(Self.edition(saved.edition))))
    }

    func getEdition(_ input: Operations.GetEdition.Input) async throws -> Operations.GetEdition.Output {
        let slug = input.path.slug
        return .ok(.init(body: .json(Self.edition(try await operating { try $0.edition(slug) }))))
    }

    func updateEdition(_ input: Operations.UpdateEdition.Input) async throws -> Operations.UpdateEdition.Output {
        guard case .json(let update) = input.body else { throw OperationError(.usage, "the body must be JSON") }
        let slug = input.path.slug
        let saved = try await operating {
            _ = try $0.edition(slug)
            return try $0.saveEdition(source: update.source, slug: slug, seenRevision: update.revision)
        }
        return .ok(.init(body: .json(Self.edition(saved.edition))))
    }

    func removeEdition(_ input: Operations.RemoveEdition.Input) async throws -> Operations.RemoveEdition.Output {
        let slug = input.path.slug
        _ = try await operating { try $0.removeEdition(slug) }
        return .noContent(.init())
    }

    func previewEdition(_ input: Operations.PreviewEdition.Input) async throws -> Operations.PreviewEdition.Output {
        let (slug, query) = (input.path.slug, input.query)
        let text = query.format == .text
        let body = try await operating { try $0.previewEdition(slug, subscriber: query.subscriber, text: text) }
        return .ok(.init(body: text ? .plainText(HTTPBody(body)) : .html(HTTPBody(body))))
    }

    func testSendEdition(_ input: Operations.TestSendEdition.Input) async throws -> Operations.TestSendEdition.Output {
        guard case .json(let request) = input.body else { throw OperationError(.usage, "the body must be JSON") }
        guard let key = APIPrincipal.current else {
            throw OperationError(.unauthorized, "an API key is needed: Authorization: Bearer KEY")
        }
        let results = try await makeOperations(.apiKey(name: key.name), key.role)
            .testSend(input.path.slug, to: request.to)
        return .ok(
            .init(
                body: .json(
                    .init(items: results.map { .init(address: $0.address, delivered: $0.delivered, reply: $0.reply) }))
            ))
    }

    static func summary(_ edition: Edition) -> Components.Schemas.EditionSummary {
        .init(
            id: edition.id ?? 0, slug: edition.slug, subject: edition.subject, preheader: edition.preheader,
            list: edition.listSlug, template: edition.template, revision: edition.revision,
            updatedBy: edition.updatedBy, createdAt: edition.createdAt, updatedAt: edition.updatedAt)
    }

    static func edition(_ edition: Edition) -> Components.Schemas.Edition {
        .init(
            id: edition.id ?? 0, slug: edition.slug, subject: edition.subject, preheader: edition.preheader,
            list: edition.listSlug, template: edition.template, revision: edition.revision,
            updatedBy: edition.updatedBy, createdAt: edition.createdAt, updatedAt: edition.updatedAt,
            source: edition.source)
    }
}
