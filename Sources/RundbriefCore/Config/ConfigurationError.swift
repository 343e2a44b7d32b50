/// A configuration problem, naming where it is: the file and line, or the environment variable, and the key.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// "config/dev.toml:12" or "environment RUNDBRIEF_SMTP_URL", or just the file.
    public var location: String
    /// "smtp.url", or empty when the whole file is at fault.
    public var key: String
    public var message: String

    public init(location: String, key: String = "", message: String) {
        self.location = location
        self.key = key
        self.message = message
    }

    public var description: String {
        key.isEmpty ? "\(location): \(message)" : "\(location): \(key): \(message)"
    }
}
