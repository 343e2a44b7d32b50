/// The Message-ID of a newsletter delivery, signed: `rb.<send>.<subscriber>.<tag>@domain`.
///
/// Feedback loops (ARF complaints) return the original message, often without its envelope sender,
/// so the Message-ID is what names the delivery there. The tag is a 64-bit HMAC over the send and the
/// subscriber, made like a VERP tag (in lower-case base32, every configured key verifies), so a
/// complaint can act only for a message we really sent to that person: anybody can write an ARF
/// report, nobody else can make this Message-ID.
public enum SignedMessageID {
    private static let prefix = "rb."
    /// Separates these tags from VERP tags (which start with the purpose code 3) made with the same keys.
    private static let marker: UInt8 = 0x4D

    /// The Message-ID of the delivery of `sendID` to `subscriberID`; the same for every attempt.
    /// - Throws: `MIMEError` when `domain` cannot be part of a Message-ID.
    public static func make(sendID: Int64, subscriberID: Int64, domain: String, signer: TokenSigner) throws
        -> MessageID
    {
        let tag = signer.signingTag(message(sendID, subscriberID), length: VERPAddress.tagLength)
        return try MessageID("\(prefix)\(sendID).\(subscriberID).\(VERPAddress.base32(tag))@\(domain)")
    }

    /// The (send, subscriber) a Message-ID names, or nil when it is not ours or its tag does not verify.
    /// Accepts the header's value with or without angle brackets and surrounding blanks.
    public static func delivery(in text: String, signer: TokenSigner) -> (sendID: Int64, subscriberID: Int64)? {
        var value = Substring(text.lowercased()).trimmingPrefix(while: { $0 == " " || $0 == "\t" || $0 == "<" })
        while let last = value.last, last == " " || last == "\t" || last == ">" { value = value.dropLast() }
        guard let at = value.lastIndex(of: "@"), value.hasPrefix(prefix) else { return nil }
        let parts = value[..<at].dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let sendID = number(parts[0]), let subscriberID = number(parts[1]) else {
            return nil
        }
        let given = Array(parts[2].utf8)
        var matched = false
        for tag in signer.tags(message(sendID, subscriberID), length: VERPAddress.tagLength) {
            // Check every key, so timing does not tell which one matched.
            matched = TokenSigner.constantTimeEqual(Array(VERPAddress.base32(tag).utf8), given) || matched
        }
        return matched ? (sendID, subscriberID) : nil
    }

    private static func number(_ text: Substring) -> Int64? {
        guard text.allSatisfy(\.isASCII), let value = Int64(text), String(value) == text, value > 0 else { return nil }
        return value
    }

    private static func message(_ sendID: Int64, _ subscriberID: Int64) -> [UInt8] {
        var bytes = [marker]
        Varint.append(sendID, to: &bytes)
        Varint.append(subscriberID, to: &bytes)
        return bytes
    }
}
