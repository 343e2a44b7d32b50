import Foundation
import OpenAPIRuntime
import RundbriefApp
import RundbriefStore

/// Lists (one list, and its change) and segments (with their live counts): each handler calls one
/// operation of the application layer, which holds the rules (admins change lists, editors may
/// manage segments).
extension AdminAPIHandler {
    func getList(_ input: Operations.GetList.Input) async throws -> Operations.GetList.Output {
        let slug = input.path.slug
        let summary = try await operating { try $0.list(slug: slug) }
        return .ok(.init(body: .json(Self.list(summary))))
    }

    func updateList(_ input: Operations.UpdateList.Input) async throws -> Operations.UpdateList.Output {
        guard case .json(let change) = input.body else { throw OperationError(.usage, "the body must be JSON") }
        let slug = input.path.slug
        let summary = try await operating { operations in
            // PATCH with nothing in it changes nothing (the CLI, by contrast, asks for a flag).
            if change.name != nil || change.description != nil || change._public != nil {
                try operations.updateList(
                    slug: slug, name: change.name, description: change.description, isPublic: change._public)
            }
            return try operations.list(slug: slug)
        }
        return .ok(.init(body: .json(Self.list(summary))))
    }

    func listSegments(_ input: Operations.ListSegments.Input) async throws -> Operations.ListSegments.Output {
        let list = input.query.list
        let segments = try await operating { try $0.segments(list: list) }
        return .ok(.init(body: .json(.init(items: segments.map { Self.segment($0) }))))
    }

    func createSegment(_ input: Operations.CreateSegment.Input) async throws -> Operations.CreateSegment.Output {
        guard case .json(let new) = input.body else { throw OperationError(.usage, "the body must be JSON") }
        let detail = try await operating {
            try $0.createSegment(slug: new.slug, list: new.list, expression: new._where, name: new.name)
        }
        return .created(.init(body: .json(Self.segment(detail))))
    }

    func countSegment(_ input: Operations.CountSegment.Input) async throws -> Operations.CountSegment.Output {
        guard case .json(let request) = input.body else { throw OperationError(.usage, "the body must be JSON") }
        let preview = try await operating { try $0.countMembers(list: request.list, matching: request._where) }
        return .ok(
            .init(
                body: .json(
                    .init(
                        list: preview.list, _where: preview.filter ?? "", count: preview.count,
                        warnings: preview.warnings))))
    }

    func getSegment(_ input: Operations.GetSegment.Input) async throws -> Operations.GetSegment.Output {
        let slug = input.path.slug
        let detail = try await operating { try $0.segment(slug: slug) }
        return .ok(.init(body: .json(Self.segment(detail))))
    }

    func updateSegment(_ input: Operations.UpdateSegment.Input) async throws -> Operations.UpdateSegment.Output {
        guard case .json(let change) = input.body else { throw OperationError(.usage, "the body must be JSON") }
        let slug = input.path.slug
        let detail = try await operating { operations in
            guard change.name != nil || change._where != nil else { return try operations.segment(slug: slug) }
            return try operations.updateSegment(slug: slug, name: change.name, expression: change._where)
        }
        return .ok(.init(body: .json(Self.segment(detail))))
    }

    func removeSegment(_ input: Operations.RemoveSegment.Input) async throws -> Operations.RemoveSegment.Output {
        let slug = input.path.slug
        _ = try await operating { try $0.removeSegment(slug: slug) }
        return .noContent(.init())
    }

    static func segment(_ summary: SegmentSummary, count: Int? = nil, warnings: [String]? = nil)
        -> Components.Schemas.Segment
    {
        .init(
            slug: summary.segment.slug, list: summary.list, name: summary.segment.name,
            _where: summary.segment.expression, createdAt: summary.segment.createdAt,
            updatedAt: summary.segment.updatedAt, count: count, warnings: warnings)
    }

    static func segment(_ detail: SegmentDetail) -> Components.Schemas.Segment {
        segment(detail.summary, count: detail.count, warnings: detail.warnings)
    }
}
