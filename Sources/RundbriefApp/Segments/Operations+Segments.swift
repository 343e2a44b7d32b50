import Foundation
import RundbriefCore
public import RundbriefStore

extension Operations {
    /// Stores a segment: a named filter over the members of `list`.
    /// - Parameters:
    ///   - expression: the filter, e.g. `kommune = "Unna" and rolle != "Presse"`.
    ///   - name: shown to editors; the slug when `nil`.
    /// - Returns: the segment with its count now, and a warning for each attribute name the filter
    ///   reads that no member of the list has.
    /// - Throws: ``OperationError`` `.invalid` for a syntax error (with its column) or a bad slug,
    ///   `.notFound` for the list, `.conflict` for a taken slug.
    public func createSegment(slug: String, list: String, expression: String, name: String? = nil)
        throws(OperationError) -> SegmentDetail
    {
        let text = expression.trimmingCharacters(in: .whitespacesAndNewlines)
        let filter = try Self.parseFilter(text)
        let summary = try storing {
            try database.createSegment(slug: slug, list: list, name: name ?? slug, expression: text, now: now)
        }
        let detail = try detail(summary, filter: filter)
        audit.record(
            "segment.created",
            fields: ["segment.id": "\(summary.segment.id)", "segment": slug, "list": list, "count": "\(detail.count)"],
            listID: summary.segment.listID, at: now)
        return detail
    }

    /// Every segment, by slug; only those of `list` when one is named.
    /// - Throws: ``OperationError`` `.notFound` for an unknown list.
    public func segments(list: String? = nil) throws(OperationError) -> [SegmentSummary] {
        guard let list else { return try storing { try database.segments() } }
        _ = try storing { try database.list(slug: list) }
        return try storing { try database.segments() }.filter { $0.list == list }
    }

    /// One segment with its count of matching active members now.
    public func segment(slug: String) throws(OperationError) -> SegmentDetail {
        let summary = try storing { try database.segment(slug: slug) }
        return try detail(summary, filter: try Self.parseFilter(summary.segment.expression))
    }

    /// Changes a segment's name or filter; `nil` leaves a field as it is. Sends already scheduled with
    /// it keep the filter they were scheduled with.
    /// - Returns: the segment with its count now and the same warnings as
    ///   ``createSegment(slug:list:expression:name:)``.
    /// - Throws: ``OperationError`` `.usage` when nothing is to change, `.invalid` for a syntax error
    ///   (with its column) or an empty name, `.notFound`.
    public func updateSegment(slug: String, name: String? = nil, expression: String? = nil)
        throws(OperationError) -> SegmentDetail
    {
        guard name != nil || expression != nil else {
            throw OperationError(.usage, "nothing to change: give a name or a filter")
        }
        let text = expression?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let text { _ = try Self.parseFilter(text) }
        let summary = try storing { try database.updateSegment(slug: slug, name: name, expression: text, now: now) }
        let detail = try detail(summary, filter: try Self.parseFilter(summary.segment.expression))
        var changed: [String] = []
        if name != nil { changed.append("name") }
        if text != nil { changed.append("where") }
        audit.record(
            "segment.updated",
            fields: [
                "segment.id": "\(summary.segment.id)", "segment": slug, "changed": changed.joined(separator: ","),
                "count": "\(detail.count)",
            ], listID: summary.segment.listID, at: now)
        return detail
    }

    /// Removes a segment.
    /// - Throws: ``OperationError`` `.conflict` while a scheduled, running or paused send uses it.
    @discardableResult
    public func removeSegment(slug: String) throws(OperationError) -> SegmentSummary {
        let summary = try storing { try database.removeSegment(slug: slug) }
        audit.record(
            "segment.removed", fields: ["segment.id": "\(summary.segment.id)", "segment": slug],
            listID: summary.segment.listID, at: now)
        return summary
    }

    /// How many active members of `list` an ad-hoc filter matches now, with the same warnings as
    /// ``createSegment(slug:list:expression:name:)``.
    public func countMembers(list: String, matching expression: String) throws(OperationError) -> AudiencePreview {
        let text = expression.trimmingCharacters(in: .whitespacesAndNewlines)
        let filter = try Self.parseFilter(text)
        let mailingList = try storing { try database.list(slug: list) }
        let count = try count(listID: mailingList.id!, filter: filter)
        return AudiencePreview(
            edition: "", list: list, audience: .filter(text), filter: text, count: count,
            warnings: try unknownAttributeWarnings(listID: mailingList.id!, list: list, filter: filter))
    }

    // MARK: - Helpers

    /// `text` parsed, or an error for editors naming the column.
    static func parseFilter(_ text: String) throws(OperationError) -> SegmentExpression {
        do {
            return try SegmentParser.parse(text)
        } catch {
            throw OperationError(.invalid, "invalid filter at \(error)")
        }
    }

    /// The zone whose days `subscribed_before` and `subscribed_after` mean.
    var filterTimeZone: TimeZone { TimeZone(identifier: configuration.delivery.timezone) ?? .gmt }

    func count(listID: Int64, filter: SegmentExpression?) throws(OperationError) -> Int {
        try storing { try database.countAudience(listID: listID, filter: filter, timeZone: filterTimeZone) }
    }

    func unknownAttributeWarnings(listID: Int64, list: String, filter: SegmentExpression) throws(OperationError)
        -> [String]
    {
        let names = filter.attributeNames
        guard !names.isEmpty else { return [] }
        let used = try storing { try database.attributesInUse(listID: listID, names: names) }
        return names.filter { !used.contains($0) }.map {
            "no member of \(list) has the attribute \($0) (a typo, or missing on everyone?)"
        }
    }

    private func detail(_ summary: SegmentSummary, filter: SegmentExpression) throws(OperationError) -> SegmentDetail {
        SegmentDetail(
            summary: summary, count: try count(listID: summary.segment.listID, filter: filter),
            warnings: try unknownAttributeWarnings(
                listID: summary.segment.listID, list: summary.list, filter: filter))
    }
}
