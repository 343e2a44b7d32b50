/// A configuration problem, naming where it is: the file and line, or the environment variable, and the key.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// "config/dev.toml:12" or "environment RUNDBRIEF_SMTP_URL", or just the file.
    public var location: String
    /// "smtp.url", or empty when the whole file is at fault.
    public var key: String
    public var message: String
    /// The other problems found in the same run (`check-config` reports them all at once).
    public var more: [ConfigurationError] = []

    public init(location: String, key: String = "", message: String) {
        self.location = location
        self.key = key
        self.message = message
    }

    /// This problem and the others found with it.
    public var all: [ConfigurationError] { [self] + more.flatMap(\.all) }

    /// One line per problem.
    public var description: String {
        all.map { $0.key.isEmpty ? "\($0.location): \($0.message)" : "\($0.location): \($0.key): \($0.message)" }
            .joined(separator: "\n")
    }
}
