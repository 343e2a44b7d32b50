public import Foundation
import GRDB

extension AppDatabase {
    /// Stores an edition, or updates the one with the same slug.
    /// - Returns: the stored edition and whether it was new.
    @discardableResult
    public func saveEdition(_ edition: Edition, now: Date = Date()) throws -> (edition: Edition, created: Bool) {
        try write { db in
            var stored = edition
            if let existing = try Edition.filter(Column("slug") == edition.slug).fetchOne(db) {
                stored.id = existing.id
                stored.createdAt = existing.createdAt
                stored.updatedAt = now
                try stored.update(db)
                return (stored, false)
            }
            stored.createdAt = now
            stored.updatedAt = now
            try stored.insert(db)
            return (stored, true)
        }
    }

    /// The edition with this slug (or numeric id).
    /// - Throws: `StoreError.notFound`.
    public func edition(_ slugOrID: String) throws -> Edition {
        try read { db in try Self.edition(slugOrID, in: db) }
    }

    static func edition(_ slugOrID: String, in db: Database) throws -> Edition {
        if let edition = try Edition.filter(Column("slug") == slugOrID).fetchOne(db) { return edition }
        if let id = Int64(slugOrID), let edition = try Edition.fetchOne(db, key: id) { return edition }
        throw StoreError(.notFound, "no edition '\(slugOrID)' (add it with: rundbrief edition add FILE)")
    }

    /// Every edition, newest first.
    public func editions() throws -> [Edition] {
        try read { db in
            try Edition.order(Column("created_at").desc, Column("id").desc).fetchAll(db)
        }
    }
}
