import Crypto

/// A Message-ID (`<local@domain>`), deterministic per (send, subscriber) so a
/// message sent twice after a crash is recognisable as the same one.
public struct MessageID: Sendable, Hashable, CustomStringConvertible {
    /// `local@domain`, without angle brackets.
    public let value: String

    /// The Message-ID of one delivery: `<rb.SEND.SUBSCRIBER.HASH@domain>`. The short
    /// hash over all three parts makes ids from different installs that share a
    /// domain (or a restored database) unlikely to collide.
    public init(sendID: Int64, subscriberID: Int64, domain: String) throws {
        var hasher = SHA256()
        hasher.update(data: Array("rundbrief-message-id\0\(sendID)\0\(subscriberID)\0\(domain)".utf8))
        let hex = hasher.finalize().prefix(5).flatMap {
            [ASCII.lowercaseHexDigits[Int($0 >> 4)], ASCII.lowercaseHexDigits[Int($0 & 0x0F)]]
        }
        try self.init("rb.\(sendID).\(subscriberID).\(String(decoding: hex, as: UTF8.self))@\(domain)")
    }

    /// Accepts `local@domain` with or without angle brackets, e.g. from the store.
    /// - Throws: ``MIMEError`` `.invalidMessageID` unless both sides are dot-atoms.
    public init(_ text: String) throws {
        var bare = Substring(text)
        if bare.hasPrefix("<") && bare.hasSuffix(">") { bare = bare.dropFirst().dropLast() }
        guard Mailbox.isValidAddress(String(bare)) else {
            throw MIMEError(
                .invalidMessageID, context: "Message-ID", reason: "not a dot-atom local@domain")
        }
        self.value = String(bare)
    }

    public var description: String { "<\(value)>" }
}
