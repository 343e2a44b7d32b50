public import Foundation
// Public only for this record's GRDB conformances: Swift refuses a public type's conformance through an
// internal import. Other modules still get no Database to use them on (AppDatabase keeps it package).
public import GRDB

/// An edition as stored by `rundbrief edition add`: its source and the front matter fields sends need.
public struct Edition: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "editions"

    public var id: Int64?
    public var slug: String
    public var subject: String
    public var preheader: String
    /// The slug of the list the edition is written for.
    public var listSlug: String
    public var template: String
    /// The Markdown body (without front matter).
    public var markdown: String
    /// Further front matter keys, as text.
    public var frontMatter: [String: String]
    /// The whole file as added: front matter and Markdown.
    public var source: String
    public var sourcePath: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// When `edition remove` took it away; nil while it is in use.
    public var removedAt: Date?
    /// Counts the saves, from 1: an editor's save names the revision it started from, and a save
    /// that did not see a later one is refused.
    public var revision: Int64 = 1
    /// Who saved it last, as the audit log names them (`anna@example.org`, `cli:jan`).
    public var updatedBy: String = ""

    public init(
        id: Int64? = nil, slug: String, subject: String, preheader: String, listSlug: String, template: String,
        markdown: String, frontMatter: [String: String], source: String, sourcePath: String?,
        createdAt: Date = Date(), updatedAt: Date = Date()
    ) {
        self.id = id
        self.slug = slug
        self.subject = subject
        self.preheader = preheader
        self.listSlug = listSlug
        self.template = template
        self.markdown = markdown
        self.frontMatter = frontMatter
        self.source = source
        self.sourcePath = sourcePath
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public enum CodingKeys: String, CodingKey {
        case id, slug, subject, preheader, template, markdown, source
        case listSlug = "list_slug"
        case frontMatter = "front_matter"
        case sourcePath = "source_path"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case removedAt = "removed_at"
        case revision
        case updatedBy = "updated_by"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
