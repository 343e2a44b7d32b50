/// Who a send goes to: the list's active members, or those of them a segment or a filter selects.
public enum SendAudience: Sendable, Equatable, CustomStringConvertible {
    case wholeList
    /// A stored segment, by slug (it must belong to the send's list).
    case segment(String)
    /// An ad-hoc filter in the segment language.
    case filter(String)

    /// From the command line's `--segment` and `--where`, which exclude each other.
    /// - Throws: ``OperationError`` `.usage` when both are given.
    public init(segment: String?, where filter: String?) throws(OperationError) {
        switch (segment, filter) {
        case (nil, nil): self = .wholeList
        case (let slug?, nil): self = .segment(slug)
        case (nil, let text?): self = .filter(text)
        case (.some, .some):
            throw OperationError(.usage, "give either --segment or --where, not both")
        }
    }

    public var description: String {
        switch self {
        case .wholeList: "all"
        case .segment(let slug): "segment:\(slug)"
        case .filter: "filter"
        }
    }
}
