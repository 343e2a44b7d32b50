public import Foundation
import GRDB
public import RundbriefCore

extension AppDatabase {
    /// Stores a segment of `list`.
    /// - Throws: `StoreError` `.invalidInput` for a bad slug or name, `.notFound` for the list,
    ///   `.alreadyExists` for a taken slug.
    @discardableResult
    public func createSegment(slug: String, list listSlug: String, name: String, expression: String, now: Date)
        throws -> SegmentSummary
    {
        guard MailingList.isValidSlug(slug) else {
            throw StoreError(.invalidInput, "invalid segment slug '\(slug)': use 1–64 characters a–z, 0–9 and '-'")
        }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, !name.contains(where: \.isNewline) else {
            throw StoreError(.invalidInput, "a segment needs a one-line name")
        }
        return try write { db in
            let list = try Self.list(slug: listSlug, in: db)
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM segments WHERE slug = ?", arguments: [slug]) == true {
                throw StoreError(.alreadyExists, "segment '\(slug)' exists already")
            }
            try db.execute(
                sql: """
                    INSERT INTO segments (slug, list_id, name, expression, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [slug, list.id, name, expression, now, now])
            return SegmentSummary(
                segment: Segment(
                    id: db.lastInsertedRowID, slug: slug, listID: list.id!, name: name, expression: expression,
                    createdAt: now, updatedAt: now),
                list: list.slug)
        }
    }

    /// Every segment, by slug.
    public func segments() throws -> [SegmentSummary] {
        try read { db in
            try Row.fetchAll(db, sql: Self.segmentSelect + " ORDER BY g.slug").map(Self.summary)
        }
    }

    /// The segment with this slug.
    /// - Throws: `StoreError.notFound` naming the slug.
    public func segment(slug: String) throws -> SegmentSummary {
        try read { db in try Self.segment(slug: slug, in: db) }
    }

    /// Changes a segment's name or filter; `nil` leaves a field as it is. Sends scheduled with the
    /// segment keep the filter text they were scheduled with.
    /// - Throws: `StoreError` `.notFound`, `.invalidInput` for an empty or multi-line name.
    @discardableResult
    public func updateSegment(slug: String, name: String?, expression: String?, now: Date) throws -> SegmentSummary {
        let name = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name, name.isEmpty || name.contains(where: \.isNewline) {
            throw StoreError(.invalidInput, "a segment needs a one-line name")
        }
        return try write { db in
            var summary = try Self.segment(slug: slug, in: db)
            if let name { summary.segment.name = name }
            if let expression { summary.segment.expression = expression }
            summary.segment.updatedAt = now
            try db.execute(
                sql: "UPDATE segments SET name = ?, expression = ?, updated_at = ? WHERE id = ?",
                arguments: [summary.segment.name, summary.segment.expression, now, summary.segment.id])
            return summary
        }
    }

    /// Removes a segment; sends that used it keep the filter text they were frozen with.
    /// - Throws: `StoreError` `.notFound`, or `.invalidState` naming a scheduled, running or paused
    ///   send that uses it.
    @discardableResult
    public func removeSegment(slug: String) throws -> SegmentSummary {
        try write { db in
            let summary = try Self.segment(slug: slug, in: db)
            if let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT id, status FROM sends WHERE segment_id = ? AND status IN ('scheduled', 'running', 'paused')
                    ORDER BY id LIMIT 1
                    """, arguments: [summary.segment.id])
            {
                let id: Int64 = row["id"]
                let status: String = row["status"]
                throw StoreError(
                    .invalidState,
                    "segment '\(slug)' is used by send \(id) (\(status)); cancel that send first (rundbrief send cancel \(id))"
                )
            }
            try db.execute(sql: "DELETE FROM segments WHERE id = ?", arguments: [summary.segment.id])
            return summary
        }
    }

    /// How many active members of the list (an active subscription, and an active subscriber) match
    /// `filter` now; all of them for `nil`.
    /// - Parameter timeZone: where the days of `subscribed_before` / `subscribed_after` begin.
    public func countAudience(listID: Int64, filter: SegmentExpression?, timeZone: TimeZone) throws -> Int {
        try read { db in
            SegmentQuery.prepare(db)
            let audience = Self.audience(listID: listID, filter: filter, timeZone: timeZone)
            return try Int.fetchOne(
                db, sql: "SELECT count(*) FROM \(audience.from) WHERE \(audience.where)", arguments: audience.arguments)
                ?? 0
        }
    }

    /// Which of `names` appear as an attribute on at least one member of the list (in any status).
    public func attributesInUse(listID: Int64, names: [String]) throws -> Set<String> {
        try read { db in
            var found: Set<String> = []
            for name in names {
                let exists = try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT 1 FROM subscriptions sc JOIN subscribers s ON s.id = sc.subscriber_id
                        WHERE sc.list_id = ? AND json_extract(s.attributes, ?) IS NOT NULL LIMIT 1
                        """, arguments: [listID, SegmentQuery.path(name)])
                if exists == true { found.insert(name) }
            }
            return found
        }
    }

    // MARK: - Helpers

    /// The FROM and WHERE of a send's audience: the list's active members matching `filter`.
    static func audience(listID: Int64, filter: SegmentExpression?, timeZone: TimeZone) -> (
        from: String, where: String, arguments: StatementArguments
    ) {
        var arguments: StatementArguments = [listID]
        var condition = "sc.list_id = ? AND sc.status = 'active' AND s.status = 'active'"
        if let filter {
            let query = SegmentQuery(filter, timeZone: timeZone)
            condition += " AND (\(query.sql))"
            arguments += query.arguments
        }
        return ("subscriptions sc JOIN subscribers s ON s.id = sc.subscriber_id", condition, arguments)
    }

    private static let segmentSelect = """
        SELECT g.id, g.slug, g.list_id, g.name, g.expression, g.created_at, g.updated_at, l.slug AS list_slug
        FROM segments g JOIN lists l ON l.id = g.list_id
        """

    static func segment(slug: String, in db: Database) throws -> SegmentSummary {
        guard let row = try Row.fetchOne(db, sql: segmentSelect + " WHERE g.slug = ?", arguments: [slug]) else {
            throw StoreError(
                .notFound,
                "no segment '\(slug)' (create it with: rundbrief segments create \(slug) --list LIST --where 'FILTER')")
        }
        return summary(row)
    }

    private static func summary(_ row: Row) -> SegmentSummary {
        SegmentSummary(
            segment: Segment(
                id: row["id"], slug: row["slug"], listID: row["list_id"], name: row["name"],
                expression: row["expression"], createdAt: row["created_at"], updatedAt: row["updated_at"]),
            list: row["list_slug"])
    }
}
