public import Foundation
// Public only for this record's GRDB conformances: Swift refuses a public type's conformance through an
// internal import. Other modules still get no Database to use them on (AppDatabase keeps it package).
public import GRDB

/// One recorded bounce or complaint.
public struct BounceRecord: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "bounces"

    public enum Kind: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
        /// The address does not exist or permanently refuses mail.
        case hard
        /// A temporary failure: mailbox full, greylisting, over quota.
        case soft
        /// The recipient reported the message as spam.
        case complaint
        /// The receiving side refused *our* sender (policy, blocklist): not held against the recipient.
        case senderBlocked = "sender-blocked"
    }

    public var id: Int64?
    public var subscriberID: Int64?
    public var deliveryID: Int64?
    public var kind: Kind
    /// Where it came from: "smtp", "dsn", "arf", "mailbox", "ingest".
    public var source: String
    public var status: String?
    public var diagnostic: String?
    /// Whether the report came through a verified delivery of ours and named its subscriber; only
    /// verified reports act (see `AppDatabase.recordBounce`).
    public var verified: Bool
    public var createdAt: Date

    public init(
        id: Int64? = nil, subscriberID: Int64?, deliveryID: Int64?, kind: Kind, source: String, status: String?,
        diagnostic: String?, verified: Bool = true, createdAt: Date = Date()
    ) {
        self.id = id
        self.subscriberID = subscriberID
        self.deliveryID = deliveryID
        self.kind = kind
        self.source = source
        self.status = status
        self.diagnostic = diagnostic
        self.verified = verified
        self.createdAt = createdAt
    }

    public enum CodingKeys: String, CodingKey {
        case id, kind, source, status, diagnostic, verified
        case subscriberID = "subscriber_id"
        case deliveryID = "delivery_id"
        case createdAt = "created_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
