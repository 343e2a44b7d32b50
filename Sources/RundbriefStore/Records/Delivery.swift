public import Foundation
// Public only for this record's GRDB conformances: Swift refuses a public type's conformance through an
// internal import. Other modules still get no Database to use them on (AppDatabase keeps it package).
public import GRDB
public import RundbriefCore

/// One recipient's message within a send: the durable ledger the sender works through.
public struct Delivery: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "deliveries"

    public var id: Int64?
    public var sendID: Int64
    /// `nil` once the subscriber was forgotten (GDPR erasure).
    public var subscriberID: Int64?
    /// The recipient's domain, for per-domain limits.
    public var domain: String
    public var status: DeliveryStatus
    /// SMTP transactions tried so far (throttling and connection failures do not count).
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastCode: Int?
    public var lastStatus: String?
    public var lastReply: String?
    public var updatedAt: Date
    public var sentAt: Date?

    public enum CodingKeys: String, CodingKey {
        case id, domain, status, attempts
        case sendID = "send_id"
        case subscriberID = "subscriber_id"
        case nextAttemptAt = "next_attempt_at"
        case lastCode = "last_code"
        case lastStatus = "last_status"
        case lastReply = "last_reply"
        case updatedAt = "updated_at"
        case sentAt = "sent_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// A delivery claimed for sending, with what its message needs from the subscriber.
    public struct Claimed: Sendable, Equatable {
        public var id: Int64
        public var subscriberID: Int64
        public var email: String
        public var name: String
        public var attributes: [String: String]
        public var domain: String
        /// Transactions tried before this one.
        public var attempts: Int

        public init(
            id: Int64, subscriberID: Int64, email: String, name: String,
            attributes: [String: String], domain: String, attempts: Int
        ) {
            self.id = id
            self.subscriberID = subscriberID
            self.email = email
            self.name = name
            self.attributes = attributes
            self.domain = domain
            self.attempts = attempts
        }
    }

    /// What became of one claimed delivery, as the sender records it.
    public struct Result: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// The relay accepted the message.
            case sent
            /// A 4xx reply: try again at the given time.
            case deferred(until: Date)
            /// Given up (a 4xx after the maximum age).
            case failed
            /// A 5xx on RCPT/DATA: failed, and the subscriber is bounced.
            case bounced
            /// Not attempted, or the relay could not be used (throttled, connection failure, stopping):
            /// back in the queue without counting an attempt; `until` delays the next claim.
            case returned(until: Date?)
        }

        public var deliveryID: Int64
        public var subscriberID: Int64
        public var kind: Kind
        public var code: Int?
        public var enhancedStatus: String?
        public var reply: String?

        public init(
            deliveryID: Int64, subscriberID: Int64, kind: Kind, code: Int? = nil,
            enhancedStatus: String? = nil, reply: String? = nil
        ) {
            self.deliveryID = deliveryID
            self.subscriberID = subscriberID
            self.kind = kind
            self.code = code
            self.enhancedStatus = enhancedStatus
            self.reply = reply
        }
    }
}
