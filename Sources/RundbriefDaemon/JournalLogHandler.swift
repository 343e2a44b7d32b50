import Foundation
public import Logging
import RundbriefCore

#if canImport(Glibc)
    import Glibc
#endif

/// A swift-log handler for a daemon under systemd: one event per line on standard error.
///
/// When stderr is the journal (see `JournalStream`), each line starts with a `<N>` syslog priority
/// that journald turns into the entry's level, and carries no timestamp (the journal adds it).
/// Otherwise lines are plain text with an ISO 8601 time and the level, without colours.
/// Metadata follows the message as sorted `key=value` pairs. Values of secret-looking keys are never
/// written; at info level and above, address-like words are masked (`a***@example.de`).
public struct JournalLogHandler: LogHandler {
    /// How lines are written.
    public enum Format: Sendable {
        /// `<6>message key=value`, for journald.
        case journal
        /// `2025-08-28T10:00:00Z info label: message key=value`.
        case plain
    }

    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let format: Format
    private let levelSwitch: LogLevelSwitch
    private var ownLevel: Logger.Level?
    private let write: @Sendable (String) -> Void

    /// - Parameters:
    ///   - label: the logger's label, shown in plain format.
    ///   - format: `.journal` when stderr is the journal.
    ///   - levelSwitch: the shared level; setting `logLevel` on one logger overrides it for that logger.
    ///   - write: where finished lines go (standard error by default; tests capture them).
    public init(
        label: String, format: Format, levelSwitch: LogLevelSwitch,
        write: @escaping @Sendable (String) -> Void = JournalLogHandler.writeToStandardError
    ) {
        self.label = label
        self.format = format
        self.levelSwitch = levelSwitch
        self.write = write
    }

    public var logLevel: Logger.Level {
        get { ownLevel ?? levelSwitch.current }
        set { ownLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        if let error = event.error { merged["error"] = "\(error)" }
        write(line(level: event.level, message: event.message.description, metadata: merged) + "\n")
    }

    /// The text of one event, without the line end.
    func line(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        // Full addresses only when this logger was asked for debug detail.
        let masks = logLevel > .debug
        var text = Self.oneLine(masks ? LogRedaction.addresses(in: message) : message)
        for key in metadata.keys.sorted() {
            text += " " + key + "=" + Self.value(metadata[key]!, key: key, masks: masks)
        }
        switch format {
        case .journal:
            return "<\(Self.priority(level))>" + text
        case .plain:
            return Date().formatted(.iso8601) + " \(level) \(label): " + text
        }
    }

    /// The syslog priority journald maps to a level (sd-daemon.h's SD_* values).
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func value(_ value: Logger.Metadata.Value, key: String, masks: Bool) -> String {
        guard !LogRedaction.isSecretKey(key) else { return "[redacted]" }
        let raw = oneLine(masks ? LogRedaction.addresses(in: "\(value)") : "\(value)")
        let needsQuotes = raw.isEmpty || raw.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" })
        return needsQuotes ? "\"" + raw.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : raw
    }

    /// Keeps an event on one line: a message with a line break would read as two events.
    static func oneLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .joined(separator: "\\n")
    }

    /// Writes a line with as few `write(2)` calls as possible, so concurrent lines do not interleave.
    public static let writeToStandardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
