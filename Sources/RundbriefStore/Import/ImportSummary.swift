/// What an import did, row by row counted.
public struct ImportSummary: Sendable, Codable, Equatable {
    /// New subscribers, or known subscribers newly added to the list.
    public var imported = 0
    /// Known members of the list whose name, attributes or status changed.
    public var updated = 0
    /// Known members of the list whose row brought nothing new.
    public var unchanged = 0
    /// Rows not applied on purpose: duplicates within the file, erased or unsubscribed addresses.
    public var skipped = 0
    /// Rows that could not be read: malformed CSV, invalid addresses.
    public var rejected = 0

    public init() {}

    /// The summary line the CLI prints at the end.
    public var line: String {
        "imported \(imported), updated \(updated), unchanged \(unchanged), skipped \(skipped), rejected \(rejected)"
    }
}

/// One row the import did not apply, with its line in the file.
public struct ImportProblem: Sendable, Equatable {
    public enum Severity: Sendable, Equatable { case skipped, rejected }
    public var line: Int
    public var severity: Severity
    public var reason: String
    /// The same in German, for the console's German pages.
    public var german: String
    /// The row's address when it could be read (a rejected row may have none).
    public var address: String?

    public init(line: Int, severity: Severity, reason: String, german: String, address: String? = nil) {
        self.line = line
        self.severity = severity
        self.reason = reason
        self.german = german
        self.address = address
    }
}

/// What became of one row the import applied.
public enum ImportLineOutcome: String, Sendable, Equatable {
    case imported, updated, unchanged
}
