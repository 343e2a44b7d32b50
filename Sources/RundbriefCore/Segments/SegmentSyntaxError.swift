/// A mistake in a segment filter: where it is (1-based column, in characters) and what was expected.
public struct SegmentSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The column of the mistake, counting characters from 1.
    public let column: Int
    /// What is wrong and what was expected there, for editors.
    public let message: String

    public init(column: Int, _ message: String) {
        self.column = column
        self.message = message
    }

    /// `column 12: expected a text in double quotes after = (found Unna)`.
    public var description: String { "column \(column): \(message)" }
}
