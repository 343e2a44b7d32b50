import Foundation
public import RundbriefCore
public import RundbriefStore

/// A person's page: everything stored about a subscriber, and their recent deliveries and bounces.
public struct SubscriberProfile: Sendable {
    public var detail: SubscriberDetail
    public var history: SubscriberHistory
}

extension Operations {
    /// A subscriber named by address or by id (digits), normalised to the address.
    /// - Throws: `.notFound` for an unknown id, `.invalid` for something that is neither.
    public func subscriberAddress(_ reference: String) throws(OperationError) -> EmailAddress {
        if !reference.isEmpty, reference.utf8.count <= 18, reference.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let id = Int64(reference)
        {
            guard let subscriber = try storing({ try database.subscriber(id: id) }) else {
                throw OperationError(.notFound, "no subscriber with the id \(id)")
            }
            return try Self.address(subscriber.email)
        }
        return try Self.address(reference)
    }

    /// Everything stored about one subscriber (by address or id) with their history: editors and
    /// admins may read it.
    public func subscriberProfile(_ reference: String) throws(OperationError) -> SubscriberProfile {
        let address = try subscriberAddress(reference)
        return try storing {
            let detail = try database.subscriberDetail(address)
            return SubscriberProfile(detail: detail, history: try database.subscriberHistory(id: detail.subscriber.id!))
        }
    }

    /// Changes a subscriber's name and attributes (admins only): nil leaves a field as it is; `attributes`
    /// replaces them all (keys lower-cased). List memberships change through `addSubscriber` (join a list)
    /// and `unsubscribe`.
    /// - Throws: `.forbidden` for an editor, `.notFound`, `.invalid` for a name or attribute that is not one line.
    @discardableResult
    public func updateSubscriber(_ reference: String, name: String?, attributes: [String: String]?)
        throws(OperationError) -> Subscriber
    {
        try requireAdmin("change subscribers")
        let address = try subscriberAddress(reference)
        if let name {
            guard !name.contains(where: { $0.isNewline || $0 == "\0" }), name.count <= 200 else {
                throw OperationError(.invalid, "the name must be one line of at most 200 characters")
            }
        }
        var pairs: [String: String]?
        if let attributes {
            var lowered: [String: String] = [:]
            for (key, value) in attributes {
                let key = key.trimmingCharacters(in: .whitespaces).lowercased()
                guard !key.isEmpty, key.count <= 64, !key.contains(where: { $0.isNewline || $0 == "=" }),
                    !value.contains("\0"), value.count <= 2000
                else {
                    throw OperationError(.invalid, "the attribute '\(key)' is not a short key with a value")
                }
                lowered[key] = value
            }
            pairs = lowered
        }
        let changed = try storing {
            guard let subscriber = try database.subscriber(address) else {
                throw StoreError(.notFound, "no subscriber with that address")
            }
            return try database.updateSubscriber(
                id: subscriber.id!, name: name, attributes: pairs, source: actor.source, detail: audit.eventDetail,
                now: now)
        }
        audit.announce("subscriber.updated", fields: ["subscriber.id": "\(changed.id ?? 0)"])
        return changed
    }

    /// The most bounces one page holds.
    public static let bouncePageLimit = 500

    /// Bounces and complaints, newest first, a page at a time; editors and admins may read them.
    /// - Parameters:
    ///   - kind: hard, soft, complaint or sender-blocked.
    ///   - cursor: the previous page's `nextCursor`.
    public func bounces(kind: String?, sendID: Int64?, cursor: String?, limit: Int) throws(OperationError)
        -> (bounces: [BounceEntry], nextCursor: String?)
    {
        guard (1...Self.bouncePageLimit).contains(limit) else {
            throw OperationError(.invalid, "limit must be between 1 and \(Self.bouncePageLimit)")
        }
        if let sendID, sendID < 1 { throw OperationError(.invalid, "a send id is 1 or more") }
        var filter: BounceRecord.Kind?
        if let kind {
            guard let known = BounceRecord.Kind(rawValue: kind) else {
                let allowed = BounceRecord.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                throw OperationError(.invalid, "unknown kind '\(kind)': use one of \(allowed)")
            }
            filter = known
        }
        var before: Int64?
        if let cursor {
            guard (1...18).contains(cursor.utf8.count), cursor.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                let id = Int64(cursor)
            else { throw OperationError(.invalid, "the cursor is not one this server gave out") }
            before = id
        }
        let page = try storing { try database.bouncePage(kind: filter, sendID: sendID, before: before, limit: limit) }
        let last = page.bounces.last?.bounce.id
        return (page.bounces, page.more ? last.map { "\($0)" } : nil)
    }
}
