public import Foundation
import GRDB
public import RundbriefCore

extension AppDatabase {
    /// Stores an edition, or updates the one with the same slug (also a removed one, which comes back).
    /// - Returns: the stored edition and whether it was new.
    @discardableResult
    public func saveEdition(_ edition: Edition, now: Date = Date()) throws -> (edition: Edition, created: Bool) {
        try write { db in
            var stored = edition
            stored.removedAt = nil
            if let existing = try Edition.filter(Column("slug") == edition.slug).fetchOne(db) {
                stored.id = existing.id
                stored.createdAt = existing.removedAt == nil ? existing.createdAt : now
                stored.updatedAt = now
                try stored.update(db)
                return (stored, existing.removedAt != nil)
            }
            stored.createdAt = now
            stored.updatedAt = now
            try stored.insert(db)
            return (stored, true)
        }
    }

    /// The edition with this slug (or numeric id); removed editions are not found.
    /// - Throws: `StoreError.notFound`.
    public func edition(_ slugOrID: String) throws -> Edition {
        try read { db in try Self.edition(slugOrID, in: db) }
    }

    static func edition(_ slugOrID: String, in db: Database) throws -> Edition {
        let current = Edition.filter(Column("removed_at") == nil)
        if let edition = try current.filter(Column("slug") == slugOrID).fetchOne(db) { return edition }
        if let id = Int64(slugOrID), let edition = try current.filter(key: id).fetchOne(db) { return edition }
        throw StoreError(.notFound, "no edition '\(slugOrID)' (add it with: rundbrief edition add FILE)")
    }

    /// Every edition not removed, newest first.
    public func editions() throws -> [Edition] {
        try read { db in
            try Edition.filter(Column("removed_at") == nil)
                .order(Column("created_at").desc, Column("id").desc).fetchAll(db)
        }
    }

    /// The sends of the edition with this slug that are in one of `statuses`, oldest first.
    public func sends(ofEdition slug: String, in statuses: [SendStatus]) throws -> [Send] {
        try read { db in
            try Send.fetchAll(
                db,
                sql: """
                    SELECT sends.* FROM sends JOIN editions ON editions.id = sends.edition_id
                    WHERE editions.slug = ? AND sends.status IN (\(statuses.map { _ in "?" }.joined(separator: ",")))
                    ORDER BY sends.id
                    """,
                arguments: StatementArguments([slug] + statuses.map(\.rawValue)))
        }
    }

    /// Takes the edition away from lists and sends; the rows of its finished sends keep naming it.
    /// - Throws: `StoreError` `.notFound`, or `.invalidState` (naming the send) while a scheduled,
    ///   running or paused send uses it — checked in the same transaction as the removal.
    @discardableResult
    public func removeEdition(_ slug: String, now: Date = Date()) throws -> Edition {
        try write { db in
            var edition = try Self.edition(slug, in: db)
            if let send = try Send.fetchOne(
                db,
                sql: """
                    SELECT * FROM sends WHERE edition_id = ? AND status IN ('scheduled', 'running', 'paused')
                    ORDER BY id LIMIT 1
                    """, arguments: [edition.id])
            {
                throw StoreError(
                    .invalidState,
                    "edition \(edition.slug) is used by send \(send.id ?? 0) (\(send.status.rawValue)); "
                        + "cancel that send first: rundbrief send cancel \(send.id ?? 0)")
            }
            edition.removedAt = now
            edition.updatedAt = now
            try edition.update(db)
            return edition
        }
    }
}
