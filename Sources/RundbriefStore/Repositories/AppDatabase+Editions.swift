public import Foundation
import GRDB
public import RundbriefCore

extension AppDatabase {
    /// What ``saveEdition(_:seenRevision:by:now:)`` did.
    public enum EditionSave: Sendable {
        /// Stored: the edition as saved, and whether it was new (or came back after removal).
        case saved(Edition, created: Bool)
        /// Not stored: the edition changed since the revision the caller saw (or was created, or
        /// removed); this is the edition as it is now.
        case changedMeanwhile(Edition)
    }

    /// Stores an edition, or updates the one with the same slug (also a removed one, which comes back).
    /// - Returns: the stored edition and whether it was new.
    @discardableResult
    public func saveEdition(_ edition: Edition, now: Date = Date()) throws -> (edition: Edition, created: Bool) {
        switch try saveEdition(edition, seenRevision: nil, by: edition.updatedBy, now: now) {
        case .saved(let stored, let created): (stored, created)
        case .changedMeanwhile(let current): (current, false)
        }
    }

    /// Stores an edition if it is still as the caller saw it, checked in the same transaction as the write.
    /// - Parameters:
    ///   - seenRevision: nil saves whatever is there (a file is the truth); 0 only creates (a current
    ///     edition with the slug is a conflict); n only updates revision n of a current edition.
    ///   - by: who saves, as the audit log names them.
    /// - Throws: `StoreError.notFound` when revision n > 0 is given and no edition has the slug.
    public func saveEdition(_ edition: Edition, seenRevision: Int64?, by: String, now: Date) throws -> EditionSave {
        try write { db in
            var stored = edition
            stored.removedAt = nil
            stored.updatedBy = by
            stored.updatedAt = now
            if let existing = try Edition.filter(Column("slug") == edition.slug).fetchOne(db) {
                if let seen = seenRevision {
                    let current = existing.removedAt == nil
                    if seen == 0 ? current : (!current || existing.revision != seen) {
                        return .changedMeanwhile(existing)
                    }
                }
                stored.id = existing.id
                stored.createdAt = existing.removedAt == nil ? existing.createdAt : now
                stored.revision = existing.revision + 1
                try stored.update(db)
                return .saved(stored, created: existing.removedAt != nil)
            }
            if let seen = seenRevision, seen > 0 {
                throw StoreError(.notFound, "no edition '\(edition.slug)'")
            }
            stored.createdAt = now
            stored.revision = 1
            try stored.insert(db)
            return .saved(stored, created: true)
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

    /// Editions not removed, newest (highest id) first, `limit` at a time: those with an id below
    /// `before` (all when nil), and whether more follow.
    public func editions(before: Int64?, limit: Int) throws -> (editions: [Edition], more: Bool) {
        try read { db in
            var request = Edition.filter(Column("removed_at") == nil)
            if let before { request = request.filter(Column("id") < before) }
            let rows = try request.order(Column("id").desc).limit(limit + 1).fetchAll(db)
            return (Array(rows.prefix(limit)), rows.count > limit)
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
    public func removeEdition(_ slug: String, by: String = "", now: Date = Date()) throws -> Edition {
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
            edition.updatedBy = by
            edition.revision += 1
            try edition.update(db)
            return edition
        }
    }
}
