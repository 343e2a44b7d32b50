public import Foundation
import GRDB
import RundbriefCore

/// A list with its subscriber counts, as `lists list` shows it.
public struct ListSummary: Sendable, Codable, Equatable {
    public var list: MailingList
    public var active: Int
    public var pending: Int
    public var unsubscribed: Int
}

extension AppDatabase {
    /// Creates a list.
    /// - Throws: `StoreError` `.invalidInput` for a bad slug or empty name, `.alreadyExists` for a taken slug.
    @discardableResult
    public func createList(slug: String, name: String, description: String = "", now: Date = Date())
        throws -> MailingList
    {
        guard MailingList.isValidSlug(slug) else {
            throw StoreError(
                .invalidInput, "invalid list slug '\(slug)': use 1–64 characters a–z, 0–9 and '-'")
        }
        let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmedName.isEmpty, !trimmedName.contains(where: \.isNewline) else {
            throw StoreError(.invalidInput, "a list needs a one-line name")
        }
        return try write { db in
            if try MailingList.filter(Column("slug") == slug).fetchOne(db) != nil {
                throw StoreError(.alreadyExists, "list '\(slug)' exists already")
            }
            var list = MailingList(
                slug: slug, name: trimmedName, description: description, createdAt: now)
            try list.insert(db)
            return list
        }
    }

    /// The list with this slug.
    /// - Throws: `StoreError.notFound` naming the slug.
    public func list(slug: String) throws -> MailingList {
        try read { db in try Self.list(slug: slug, in: db) }
    }

    static func list(slug: String, in db: Database) throws -> MailingList {
        guard let list = try MailingList.filter(Column("slug") == slug).fetchOne(db) else {
            throw StoreError(
                .notFound, "no list '\(slug)' (create it with: rundbrief lists create \(slug) --name NAME)")
        }
        return list
    }

    /// Every list with its subscriber counts, by slug.
    public func listSummaries() throws -> [ListSummary] {
        try read { db in
            let lists = try MailingList.order(Column("slug")).fetchAll(db)
            return try lists.map { list in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT sc.status AS status, count(*) AS n FROM subscriptions sc
                        JOIN subscribers s ON s.id = sc.subscriber_id
                        WHERE sc.list_id = ? AND (sc.status != 'active' OR s.status = 'active')
                        GROUP BY sc.status
                        """, arguments: [list.id])
                var counts: [String: Int] = [:]
                for row in rows { counts[row["status"]] = row["n"] }
                return ListSummary(
                    list: list, active: counts["active"] ?? 0, pending: counts["pending"] ?? 0,
                    unsubscribed: counts["unsubscribed"] ?? 0)
            }
        }
    }
}
