public import Foundation
// Public only for this record's GRDB conformances: Swift refuses a public type's conformance through an
// internal import. Other modules still get no Database to use them on (AppDatabase keeps it package).
public import GRDB
public import RundbriefCore

/// A person on one or more lists.
public struct Subscriber: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "subscribers"

    public var id: Int64?
    /// The normalised address (`EmailAddress.value`).
    public var email: String
    public var name: String
    public var status: SubscriberStatus
    /// Free-form attributes (extra CSV columns, sign-up form fields), stored as JSON.
    public var attributes: [String: String]
    public var consentAt: Date?
    /// How consent was given: "double-opt-in", "import", "cli".
    public var consentMethod: String?
    public var consentIP: String?
    public var consentUserAgent: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, email: String, name: String = "", status: SubscriberStatus,
        attributes: [String: String] = [:], consentAt: Date? = nil, consentMethod: String? = nil,
        consentIP: String? = nil, consentUserAgent: String? = nil, createdAt: Date = Date(),
        updatedAt: Date = Date()
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.status = status
        self.attributes = attributes
        self.consentAt = consentAt
        self.consentMethod = consentMethod
        self.consentIP = consentIP
        self.consentUserAgent = consentUserAgent
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public enum CodingKeys: String, CodingKey {
        case id, email, name, status, attributes
        case consentAt = "consent_at"
        case consentMethod = "consent_method"
        case consentIP = "consent_ip"
        case consentUserAgent = "consent_user_agent"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// Whether a token issued at `issued` may act for this subscriber: never one made before the
    /// subscriber existed (it was made for someone who had this id before, or for a restored copy).
    /// Tokens carry whole seconds, so the creation time is compared to the second.
    public func accepts(tokenIssuedAt issued: Date) -> Bool {
        issued.timeIntervalSince1970 >= createdAt.timeIntervalSince1970.rounded(.down)
    }

    /// The address's domain, for per-domain delivery limits.
    public var domain: String {
        email.split(separator: "@", omittingEmptySubsequences: false).last.map(String.init) ?? ""
    }
}

/// A subscriber's membership of one list.
public struct Subscription: Sendable, Codable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "subscriptions"

    public var subscriberID: Int64
    public var listID: Int64
    public var status: SubscriptionStatus
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        subscriberID: Int64, listID: Int64, status: SubscriptionStatus, createdAt: Date = Date(),
        updatedAt: Date = Date()
    ) {
        self.subscriberID = subscriberID
        self.listID = listID
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public enum CodingKeys: String, CodingKey {
        case subscriberID = "subscriber_id"
        case listID = "list_id"
        case status
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension SubscriberStatus: DatabaseValueConvertible {}
extension SubscriptionStatus: DatabaseValueConvertible {}
extension SendStatus: DatabaseValueConvertible {}
extension DeliveryStatus: DatabaseValueConvertible {}
