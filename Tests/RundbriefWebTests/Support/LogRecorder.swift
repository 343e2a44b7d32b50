import Logging
import Synchronization

/// Keeps what is logged (message and metadata, one line each), to wait for a message or check one.
final class LogRecorder: LogHandler, Sendable {
    private let messages = Mutex<[String]>([])

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }

    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        let metadata = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        messages.withLock { $0.append(([event.message.description] + metadata).joined(separator: " ")) }
    }

    var lines: [String] { messages.withLock { $0 } }

    func contains(_ text: String) -> Bool {
        messages.withLock { $0.contains { $0.contains(text) } }
    }
}
