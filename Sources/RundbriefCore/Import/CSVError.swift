/// A record in a CSV file that cannot be read, with the line it starts on.
///
/// Reasons describe the file's shape ("unterminated quote"), never the record's content,
/// so import reports can be shown and logged without leaking subscriber data.
public struct CSVError: Error, Sendable, CustomStringConvertible {
    /// The 1-based physical line where the offending record starts (0 when the file cannot be opened).
    public var line: Int
    /// A short explanation in plain words.
    public var reason: String
    /// The same in German, for the console's German pages.
    public var german: String

    public init(line: Int, reason: String, german: String) {
        self.line = line
        self.reason = reason
        self.german = german
    }

    public var description: String {
        line > 0 ? "CSV line \(line): \(reason)" : "CSV: \(reason)"
    }
}
