public import Foundation

/// A named filter over the members of one list (`kommune = "Unna"`), usable as a send's audience.
public struct Segment: Sendable, Equatable, Codable {
    public var id: Int64
    public var slug: String
    public var listID: Int64
    public var name: String
    /// The filter as the editor wrote it (checked by `SegmentParser` before it was stored).
    public var expression: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, slug: String, listID: Int64, name: String, expression: String, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.slug = slug
        self.listID = listID
        self.name = name
        self.expression = expression
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A segment with the slug of its list.
public struct SegmentSummary: Sendable, Equatable {
    public var segment: Segment
    public var list: String

    public init(segment: Segment, list: String) {
        self.segment = segment
        self.list = list
    }
}

/// Who a send goes to, when not the whole list: the filter text, and the segment it came from.
public struct AudienceFilter: Sendable, Equatable {
    /// The segment the filter was taken from; `nil` for an ad-hoc `--where`.
    public var segmentID: Int64?
    /// The filter text (parsed again when the audience is frozen).
    public var expression: String

    public init(segmentID: Int64?, expression: String) {
        self.segmentID = segmentID
        self.expression = expression
    }
}
