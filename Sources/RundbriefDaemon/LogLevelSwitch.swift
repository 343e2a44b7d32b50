public import Logging
import Synchronization

/// The daemon-wide log level, shared by every `JournalLogHandler`, so a reload (SIGHUP) can change it
/// for loggers that already exist.
public final class LogLevelSwitch: Sendable {
    private let level: Mutex<Logger.Level>

    public init(_ level: Logger.Level) {
        self.level = Mutex(level)
    }

    /// The level loggers without their own override use.
    public var current: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }

    /// Parses a configuration value (`trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`).
    public static func parse(_ text: String) -> Logger.Level? {
        Logger.Level(rawValue: text.lowercased())
    }
}
