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
    /// - Parameter isPublic: whether the sign-up form offers it and the archive shows it.
    /// - Throws: `StoreError` `.invalidInput` for a bad slug or empty name, `.alreadyExists` for a taken slug.
    @discardableResult
    public func createList(
        slug: String, name: String, description: String = "", isPublic: Bool = true, now: Date = Date()
    ) throws -> MailingList {
        guard MailingList.isValidSlug(slug) else {
            throw StoreError(
                .invalidInput, "invalid list slug '\(slug)': use 1–64 characters a–z, 0–9 and '-'")
        }
        let trimmedName = try Self.listName(name)
        return try write { db in
            if try MailingList.filter(Column("slug") == slug).fetchOne(db) != nil {
                throw StoreError(.alreadyExists, "list '\(slug)' exists already")
            }
            var list = MailingList(
                slug: slug, name: trimmedName, description: description, isPublic: isPublic, createdAt: now)
            try list.insert(db)
            return list
        }
    }

    /// Changes a list's name, description or visibility; `nil` leaves a field as it is.
    /// - Throws: `StoreError` `.notFound` for an unknown slug, `.invalidInput` for an empty name.
    @discardableResult
    public func updateList(slug: String, name: String?, description: String?, isPublic: Bool?) throws
        -> MailingList
    {
        let trimmedName = try name.map(Self.listName)
        return try write { db in
            var list = try Self.list(slug: slug, in: db)
            if let trimmedName { list.name = trimmedName }
            if let description { list.description = description }
            if let isPublic { list.isPublic = isPublic }
            try list.update(db)
            return list
        }
    }

    private static func listName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.contains(where: \.isNewline) else {
            throw StoreError(.invalidInput, "a list needs a one-line name")
        }
        return trimmed
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
