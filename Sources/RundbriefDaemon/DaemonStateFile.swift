public import Foundation
import RundbriefCore
import RundbriefStore

#if canImport(Glibc)
    import Glibc
#endif

/// The running daemon's heartbeat: a small JSON file next to the database, rewritten at every status
/// update and removed at a clean stop, so `rundbrief status` can tell whether a daemon is up without
/// talking to it (and without systemd).
public struct DaemonStateFile: Sendable {
    /// What the daemon last wrote.
    public struct State: Sendable, Codable, Equatable {
        public var pid: Int32
        public var version: String
        public var startedAt: Date
        public var updatedAt: Date
        public var listen: String
        public var activity: String
        /// How often the daemon rewrites the file; older than three of these means it stalled.
        public var intervalSeconds: Double

        public init(
            pid: Int32, version: String, startedAt: Date, updatedAt: Date, listen: String,
            activity: String, intervalSeconds: Double
        ) {
            self.pid = pid
            self.version = version
            self.startedAt = startedAt
            self.updatedAt = updatedAt
            self.listen = listen
            self.activity = activity
            self.intervalSeconds = intervalSeconds
        }
    }

    public let path: String

    /// The state file of the daemon that serves `databasePath`.
    public init(databasePath: String) {
        self.path = databasePath + ".daemon.json"
    }

    /// Replaces the file atomically (write aside, rename), so a reader never sees half a file.
    public func write(_ state: State) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        try PrivateFile.write(encoder.encode(state), to: path)
    }

    /// The last state written, or nil when there is none (no daemon, or it stopped cleanly).
    public func read() -> State? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(State.self, from: data)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Whether a process with this id exists (EPERM means it exists but belongs to another user).
    public static func processExists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
