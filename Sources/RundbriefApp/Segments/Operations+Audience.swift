import Foundation
import RundbriefCore
import RundbriefStore

extension Operations {
    /// What `send schedule --dry-run` shows: the audience the send would have if it started now,
    /// after the checks scheduling makes of the time, the edition (rendered once) and the audience.
    /// An earlier send of the same edition to the same audience is named in `alreadySent` (the real
    /// schedule refuses it without `again`), not thrown. Changes nothing.
    public func previewSend(edition: String, list: String, at time: String, audience: SendAudience)
        throws(OperationError) -> AudiencePreview
    {
        _ = try futureTime(time)
        try renderSample(edition: edition, list: list)
        let resolved = try resolveAudience(audience, list: list)
        let earlier = try storing {
            try database.sendBefore(edition: edition, list: list, filter: resolved.filter?.expression)
        }
        return AudiencePreview(
            edition: edition, list: list, audience: audience, filter: resolved.filter?.expression,
            count: resolved.count, warnings: resolved.warnings,
            alreadySent: earlier.map { alreadySent(edition: edition, list: list, earlier: $0) })
    }

    /// The filter a send to `list` records for `audience`, checked: the segment exists and belongs
    /// to the list, the filter reads, and somebody matches now.
    /// - Throws: ``OperationError`` `.notFound` (list, segment), `.invalid` (a segment of another
    ///   list, a syntax error, an audience that matches nobody).
    func resolveAudience(_ audience: SendAudience, list: String) throws(OperationError) -> (
        filter: AudienceFilter?, count: Int, warnings: [String]
    ) {
        let mailingList = try storing { try database.list(slug: list) }
        let listID = mailingList.id!
        let filter: AudienceFilter
        switch audience {
        case .wholeList:
            return (nil, try count(listID: listID, filter: nil), [])
        case .segment(let slug):
            let summary = try storing { try database.segment(slug: slug) }
            guard summary.segment.listID == listID else {
                throw OperationError(
                    .invalid, "segment '\(slug)' belongs to the list \(summary.list), not to \(list)")
            }
            filter = AudienceFilter(segmentID: summary.segment.id, expression: summary.segment.expression)
        case .filter(let text):
            filter = AudienceFilter(
                segmentID: nil, expression: text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let expression = try Self.parseFilter(filter.expression)
        let count = try count(listID: listID, filter: expression)
        guard count > 0 else {
            let what = if case .segment(let slug) = audience { "segment '\(slug)'" } else { "the filter" }
            throw OperationError(
                .invalid, "\(what) matches no active member of \(list) now; nothing to send")
        }
        return (filter, count, try unknownAttributeWarnings(listID: listID, list: list, filter: expression))
    }
}
