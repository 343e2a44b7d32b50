import Foundation
import GRDB
import RundbriefCore

extension AppDatabase {
    /// Inserts one queued delivery per member of the send's audience: the list's active members,
    /// narrowed by the filter the send recorded when it was scheduled.
    static func freezeAudience(of send: Send, now: Date, timeZone: TimeZone, in db: Database) throws {
        let filter = try String.fetchOne(
            db, sql: "SELECT segment_where FROM sends WHERE id = ?", arguments: [send.id]
        ).map { text in
            do {
                return try SegmentParser.parse(text)
            } catch {
                throw StoreError(.invalidInput, "send \(send.id ?? 0): its filter no longer reads: \(error)")
            }
        }
        SegmentQuery.prepare(db)
        let audience = audience(listID: send.listID, filter: filter, timeZone: timeZone)
        var arguments: StatementArguments = [send.id, now]
        arguments += audience.arguments
        try db.execute(
            sql: """
                INSERT INTO deliveries (send_id, subscriber_id, domain, status, updated_at)
                SELECT ?, s.id, lower(substr(s.email, instr(s.email, '@') + 1)), 'queued', ?
                FROM \(audience.from) WHERE \(audience.where)
                ORDER BY s.id
                """, arguments: arguments)
    }

    /// The slug of the segment a send used (if it still exists) and the filter it recorded.
    static func segmentOfSend(id: Int64, in db: Database) throws -> (String?, String?) {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT g.slug, s.segment_where FROM sends s LEFT JOIN segments g ON g.id = s.segment_id
                    WHERE s.id = ?
                    """, arguments: [id])
        else { return (nil, nil) }
        return (row["slug"], row["segment_where"])
    }
}
