import Foundation
public import RundbriefStore

/// One page of a subscriber search.
public struct SubscriberSearchPage: Sendable {
    public var subscribers: [Subscriber]
    /// Hand it back as `cursor` for the next page; nil on the last page.
    public var nextCursor: String?
}

extension Operations {
    /// The most subscribers one page holds.
    public static let subscriberPageLimit = 500

    /// Subscribers whose address or name contains `query`, a page at a time.
    /// - Parameters:
    ///   - cursor: the previous page's `nextCursor`; nil for the first page.
    ///   - limit: 1 to ``subscriberPageLimit``.
    public func searchSubscribers(query: String, cursor: String?, limit: Int) throws(OperationError)
        -> SubscriberSearchPage
    {
        guard (1...Self.subscriberPageLimit).contains(limit) else {
            throw OperationError(.invalid, "limit must be between 1 and \(Self.subscriberPageLimit)")
        }
        guard query.unicodeScalars.count <= 254 else {
            throw OperationError(.invalid, "the search text may have at most 254 characters")
        }
        var after: Int64 = 0
        if let cursor {
            // A cursor is the last id of the previous page, as this server wrote it.
            guard (1...18).contains(cursor.utf8.count), cursor.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                let id = Int64(cursor)
            else { throw OperationError(.invalid, "the cursor is not one this server gave out") }
            after = id
        }
        let text = query.trimmingCharacters(in: .whitespaces)
        let page = try storing { try database.searchSubscribers(containing: text, after: after, limit: limit) }
        let last = page.subscribers.last?.id
        return SubscriberSearchPage(subscribers: page.subscribers, nextCursor: page.more ? last.map { "\($0)" } : nil)
    }
}
