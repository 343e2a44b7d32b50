/// Who a send goes to: what the guards against double sends compare. Two sends have the same audience
/// when they go to the same list with the same filter (the text of the segment's or `--where`
/// expression at scheduling time; `nil` for the whole list).
public struct Audience: Sendable, Equatable {
    public var listID: Int64
    public var filter: String?

    public init(listID: Int64, filter: String? = nil) {
        self.listID = listID
        self.filter = filter
    }
}
