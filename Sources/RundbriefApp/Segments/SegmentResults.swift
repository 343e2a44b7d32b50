public import RundbriefStore

/// A segment as shown by `segments show`: with how many active members of its list match now.
public struct SegmentDetail: Sendable, Equatable {
    public var summary: SegmentSummary
    /// Active members of the list (active subscription, active subscriber) who match now.
    public var count: Int
    /// Attribute names the filter reads that no member of the list has (a typo, or simply
    /// missing on everyone).
    public var warnings: [String]
}

/// The audience a send would have now: what `send schedule --dry-run` prints.
public struct AudiencePreview: Sendable, Equatable {
    public var edition: String
    public var list: String
    public var audience: SendAudience
    /// The filter text the send would record; `nil` for the whole list.
    public var filter: String?
    /// Active members who would receive it if it started now.
    public var count: Int
    public var warnings: [String]
    /// The refusal the real schedule would give because the edition already has a send to this
    /// audience (it goes through only with `again`); `nil` when there is none.
    public var alreadySent: OperationError? = nil
}
