public import Foundation
// Public only for this record's GRDB conformances: Swift refuses a public type's conformance through an
// internal import. Other modules still get no Database to use them on (AppDatabase keeps it package).
public import GRDB
public import RundbriefCore

/// An edition going to a list at a time: the unit the scheduler starts and the sender works through.
public struct Send: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "sends"

    public var id: Int64?
    public var editionID: Int64
    public var listID: Int64
    public var status: SendStatus
    public var scheduledAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Whether the audience has been frozen into `deliveries` (it happens once, at start).
    public var audienceFrozen: Bool
    /// The edition as it was at start (JSON of ``Snapshot``): later edits do not change a running send.
    public var snapshot: String?
    /// Why the send is paused, failed or cancelled, for `send status` and the log.
    public var statusReason: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, editionID: Int64, listID: Int64, status: SendStatus, scheduledAt: Date,
        startedAt: Date? = nil, finishedAt: Date? = nil, audienceFrozen: Bool = false,
        snapshot: String? = nil, statusReason: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.editionID = editionID
        self.listID = listID
        self.status = status
        self.scheduledAt = scheduledAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.audienceFrozen = audienceFrozen
        self.snapshot = snapshot
        self.statusReason = statusReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public enum CodingKeys: String, CodingKey {
        case id, status, snapshot
        case editionID = "edition_id"
        case listID = "list_id"
        case scheduledAt = "scheduled_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case audienceFrozen = "audience_frozen"
        case statusReason = "status_reason"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The edition as it was frozen at the start of a send: later edits do not change a running send.
    public struct Snapshot: Sendable, Codable, Equatable {
        public var slug: String
        public var subject: String
        /// The whole source file as added (front matter and Markdown): what the send renders from.
        public var source: String

        public init(slug: String, subject: String, source: String) {
            self.slug = slug
            self.subject = subject
            self.source = source
        }
    }

    /// The decoded snapshot, `nil` before the send started.
    public var decodedSnapshot: Snapshot? {
        guard let snapshot else { return nil }
        return try? JSONDecoder().decode(Snapshot.self, from: Data(snapshot.utf8))
    }
}
