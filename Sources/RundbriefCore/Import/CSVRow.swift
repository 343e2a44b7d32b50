/// One record of a CSV file.
public struct CSVRow: Sendable, Equatable {
    /// The 1-based physical line where the record starts (a quoted field may span further lines).
    public var line: Int
    /// The record's fields, unquoted and decoded as UTF-8.
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}
