import Foundation
import GRDB

extension AppDatabase {
    /// Subscribers whose address or name contains `text` (case-insensitive), in id order, after the
    /// subscriber with id `after`: one page of a search that stays stable while subscribers are added.
    /// - Returns: at most `limit` subscribers and whether more follow.
    public func searchSubscribers(containing text: String, after: Int64, limit: Int) throws
        -> (subscribers: [Subscriber], more: Bool)
    {
        let pattern = "%" + Self.escapedForLike(text) + "%"
        let found = try read { db in
            try Subscriber.fetchAll(
                db,
                sql: """
                    SELECT * FROM subscribers
                    WHERE id > ? AND (? = '' OR email LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\')
                    ORDER BY id LIMIT ?
                    """, arguments: [after, text, pattern, pattern, limit + 1])
        }
        return (Array(found.prefix(limit)), found.count > limit)
    }

    /// `text` with LIKE's wildcards taken literally.
    static func escapedForLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
