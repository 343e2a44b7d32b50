import Foundation
public import RundbriefCore
public import RundbriefStore

extension Operations {
    /// Adds an address to a list (consent given elsewhere: `active`; or `pending`, awaiting confirmation).
    /// - Parameters:
    ///   - attributes: `key=value` pairs; keys are lower-cased.
    /// - Throws: `OperationError` `.invalid` for a bad address, `.usage` for a bad status, name or
    ///   attribute, `.forbidden` for an editor, `.notFound` for an unknown list, `.conflict` for an address that unsubscribed,
    ///   bounced, complained or was erased (only the person can come back, through the sign-up form).
    @discardableResult
    public func addSubscriber(
        _ rawAddress: String, list: String, name: String = "", status: String = "active", attributes: [String] = []
    ) throws(OperationError) -> Subscriber {
        try requireAdmin("add subscribers")
        let address = try Self.address(rawAddress)
        guard let status = SubscriberStatus(rawValue: status), status == .active || status == .pending else {
            throw OperationError(.usage, "the status must be active or pending")
        }
        guard !name.contains(where: \.isNewline) else {
            throw OperationError(.usage, "the name must be one line")
        }
        var pairs: [String: String] = [:]
        for attribute in attributes {
            // By scalars: "=" followed by a combining mark is one Character.
            let scalars = attribute.unicodeScalars
            guard let equals = scalars.firstIndex(of: "="), equals != scalars.startIndex else {
                throw OperationError(.usage, "an attribute takes key=value (got '\(attribute)')")
            }
            pairs[String(scalars[..<equals]).lowercased()] = String(scalars[scalars.index(after: equals)...])
        }
        let subscriber = try storing {
            try database.addSubscriber(
                address, name: name, list: list, status: status, attributes: pairs,
                consent: Consent(method: actor.source, at: now), source: actor.source)
        }
        audit.announce(
            "subscriber.added",
            fields: ["subscriber.id": "\(subscriber.id ?? 0)", "list": list, "status": status.rawValue])
        return subscriber
    }

    /// Everything stored about one address: data, memberships and history (the GDPR export).
    public func subscriber(_ rawAddress: String) throws(OperationError) -> SubscriberDetail {
        let address = try Self.address(rawAddress)
        return try storing { try database.subscriberDetail(address) }
    }

    /// Calls `body` for each subscriber matching the filters, in id order, streaming.
    /// - Parameters:
    ///   - list: only members of this list; with it, `status` is the status in that list (as
    ///     `lists()` counts it), and `body` receives the membership status.
    ///   - status: a `SubscriberStatus` name.
    public func forEachSubscriber(
        list: String?, status: String?, _ body: (Subscriber, SubscriptionStatus?) throws -> Void
    ) throws(OperationError) {
        let status = try Self.status(status)
        try storing { try database.forEachSubscriberWithMembership(list: list, status: status, body) }
    }

    /// Unsubscribes an address from one list, or from every list (the record stays, so an import
    /// cannot add it back; see `forgetSubscriber`).
    /// - Returns: false when there was nothing to change (already unsubscribed).
    @discardableResult
    public func unsubscribe(_ rawAddress: String, list: String?) throws(OperationError) -> Bool {
        try requireAdmin("unsubscribe subscribers")
        let address = try Self.address(rawAddress)
        let changed = try storing {
            try database.removeSubscriber(
                address, list: list, source: actor.source, detail: audit.eventDetail, now: now)
        }
        if changed { audit.announce("subscriber.unsubscribed", fields: ["list": list ?? "*"]) }
        return changed
    }

    /// Erases a subscriber's personal data (GDPR Art. 17); a hashed entry keeps imports from adding
    /// the address back, and is recorded even when the address is unknown.
    /// - Returns: whether a subscriber with this address existed.
    @discardableResult
    public func forgetSubscriber(_ rawAddress: String) throws(OperationError) -> Bool {
        try requireAdmin("erase subscribers")
        let address = try Self.address(rawAddress)
        let known = try storing {
            try database.forgetSubscriber(address, source: actor.source, detail: audit.eventDetail, now: now)
        }
        audit.announce("subscriber.forgotten", fields: ["known": "\(known)"])
        return known
    }

    /// Every attribute key any subscriber has, sorted (an export's extra columns).
    public func attributeKeys() throws(OperationError) -> [String] {
        try storing { try database.attributeKeys() }
    }

    /// The address, normalised, or the reason it is not one.
    static func address(_ raw: String) throws(OperationError) -> EmailAddress {
        do {
            return try EmailAddress(raw)
        } catch {
            throw OperationError(.invalid, "invalid address: \(error.reason)")
        }
    }

    /// A subscriber status filter by name.
    static func status(_ name: String?) throws(OperationError) -> SubscriberStatus? {
        guard let name else { return nil }
        guard let status = SubscriberStatus(rawValue: name) else {
            let allowed = SubscriberStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw OperationError(.usage, "unknown status '\(name)': use one of \(allowed)")
        }
        return status
    }
}
