public import Foundation
public import GRDB

/// A newsletter: one install can run several, and subscribers belong to each separately.
public struct MailingList: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "lists"

    public var id: Int64?
    public var slug: String
    public var name: String
    public var description: String
    /// Whether the public pages (sign-up form, archive) offer and show the list; a private list is
    /// reached only by the command line and the console, and a sign-up naming it is refused.
    public var isPublic: Bool
    public var createdAt: Date

    public init(
        id: Int64? = nil, slug: String, name: String, description: String = "", isPublic: Bool = true,
        createdAt: Date = Date()
    ) {
        self.id = id
        self.slug = slug
        self.name = name
        self.description = description
        self.isPublic = isPublic
        self.createdAt = createdAt
    }

    public enum CodingKeys: String, CodingKey {
        case id, slug, name, description
        case isPublic = "public"
        case createdAt = "created_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// Whether `slug` is acceptable: 1–64 characters of a–z, 0–9 and '-'.
    public static func isValidSlug(_ slug: String) -> Bool {
        !slug.isEmpty && slug.utf8.count <= 64
            && slug.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D
            }
    }
}
