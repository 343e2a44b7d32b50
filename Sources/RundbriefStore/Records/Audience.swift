/// Who a send goes to: what the guards against double sends compare.
///
/// Today a send goes to a whole list. When sends gain segments (a named filter, or an expression),
/// they belong here too, so that "the same edition to the same audience" stays one equality.
public struct Audience: Sendable, Equatable {
    public var listID: Int64

    public init(listID: Int64) {
        self.listID = listID
    }
}

extension Send {
    /// The audience this send goes (or went) to.
    public var audience: Audience { Audience(listID: listID) }
}
