import Logging
import RundbriefDaemon
import RundbriefMail

/// Sets up swift-log for the daemon, once per process: journal lines on stderr, one shared level.
enum LoggingBootstrap {
    /// The level every logger follows; a reload changes it.
    static let level = LogLevelSwitch(.info)

    /// Bootstraps logging with the configured level (config `log.level`).
    /// - Returns: the level that applies (info when `configured` is not a level).
    @discardableResult
    static func bootstrap(configured: String) -> Logger.Level {
        let parsed = LogLevelSwitch.parse(configured) ?? .info
        level.current = parsed
        let format: JournalLogHandler.Format = JournalStream.isJournal() ? .journal : .plain
        LoggingSystem.bootstrap { label in
            JournalLogHandler(label: label, format: format, levelSwitch: level)
        }
        return parsed
    }
}
