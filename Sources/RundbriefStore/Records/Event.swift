public import Foundation
// Public only for this record's GRDB conformances: Swift refuses a public type's conformance through an
// internal import. Other modules still get no Database to use them on (AppDatabase keeps it package).
public import GRDB

/// One entry of the audit log: who subscribed, confirmed, unsubscribed, bounced — when and how.
public struct Event: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "events"

    public var id: Int64?
    public var subscriberID: Int64?
    public var listID: Int64?
    /// What happened: "subscribed", "confirmed", "unsubscribed", "imported", "bounced", "complained", "forgotten", ...
    public var kind: String
    /// Where it came from: "cli", "import", "web", "one-click", "bounce", "smtp", "mailbox".
    public var source: String
    /// Details as flat key/value pairs (IP, user agent, SMTP status, file name).
    public var detail: [String: String]
    public var createdAt: Date

    public init(
        id: Int64? = nil, subscriberID: Int64?, listID: Int64? = nil, kind: String, source: String,
        detail: [String: String] = [:], createdAt: Date = Date()
    ) {
        self.id = id
        self.subscriberID = subscriberID
        self.listID = listID
        self.kind = kind
        self.source = source
        self.detail = detail
        self.createdAt = createdAt
    }

    public enum CodingKeys: String, CodingKey {
        case id, kind, source, detail
        case subscriberID = "subscriber_id"
        case listID = "list_id"
        case createdAt = "created_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
