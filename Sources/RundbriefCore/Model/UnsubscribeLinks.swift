public import Foundation

/// The two unsubscribe addresses every message carries (List-Unsubscribe, RFC 2369 and RFC 8058).
///
/// Both are short enough that each fits a 78-octet header line of its own: a relay that
/// re-serialises a longer line rewrites it (Python's `email` into encoded words) and breaks the
/// DKIM signature. The https URL is `<base>/u/<token>` (the page with a button on GET, one-click
/// on POST; `/unsubscribe?token=` keeps working); the mailto address carries a signed
/// `<subscriber>-<list>-<issued>-<tag>` in its local part, so `rundbrief bounce ingest` can act on a reply.
public enum UnsubscribeLinks {
    /// `<base>/u/<token>`; the token is base64url, so it needs no escaping.
    public static func https(baseURL: String, token: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/u/\(token)"
    }

    /// `mailto:local+<subscriber>-<list>-<issued>-<tag>@domain` for the unsubscribe `address`
    /// (`local@domain`); `issued` is in seconds since 2026-01-01, as in tokens. The tag is a 64-bit
    /// HMAC in lower-case base32, like the VERP tag, because mail systems may change the case of a
    /// local part.
    public static func mailto(
        address: String, subscriberID: Int64, listID: Int64, issued: Date, signer: TokenSigner
    ) -> String {
        guard let at = address.lastIndex(of: "@") else { return "mailto:\(address)" }
        // Nothing is issued before the epoch in practice; a negative number would need a "-".
        let offset = max(0, Int64(issued.timeIntervalSince1970.rounded(.down)) - SignedToken.epoch)
        let tag = signer.signingTag(message(subscriberID, listID, offset), length: tagLength)
        let local = "\(address[..<at])+\(subscriberID)-\(listID)-\(offset)-\(VERPAddress.base32(tag))"
        return "mailto:\(local)\(address[at...])"
    }

    /// The unsubscribe claims of an address written by ``mailto(address:subscriberID:listID:issued:signer:)``,
    /// found anywhere in `text` (a `To:` header, with names and other addresses around it); nil when
    /// there is none or its tag is forged. Case is ignored; every key is tried.
    public static func claims(inAddresses text: String, signer: TokenSigner) -> TokenClaims? {
        let words = text.lowercased().split(whereSeparator: { " \t\r\n<>,;:\"'()".contains($0) })
        for word in words {
            guard let at = word.lastIndex(of: "@"), let plus = word[..<at].lastIndex(of: "+") else { continue }
            let parts = word[word.index(after: plus)..<at].split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 4, let subscriberID = decimal(parts[0]), let listID = decimal(parts[1]),
                let offset = decimal(parts[2])
            else { continue }
            let given = Array(parts[3].utf8)
            var matched = false
            for tag in signer.tags(message(subscriberID, listID, offset), length: tagLength) {
                // Check every key, so timing does not tell which one matched.
                matched = TokenSigner.constantTimeEqual(Array(VERPAddress.base32(tag).utf8), given) || matched
            }
            if matched {
                return TokenClaims(
                    purpose: .unsubscribe, subscriberID: subscriberID, listID: listID,
                    issued: Date(timeIntervalSince1970: TimeInterval(offset + SignedToken.epoch)))
            }
        }
        return nil
    }

    /// The token in a subject line "unsubscribe <token>", as the mailto links of earlier versions
    /// asked mail clients to write it (possibly with "Re:" or other words around it).
    public static func token(inSubject subject: String) -> String? {
        let words = subject.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let index = words.firstIndex(where: { $0.lowercased() == "unsubscribe" }), index + 1 < words.count else {
            return nil
        }
        let token = words[index + 1]
        guard !token.isEmpty, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        return String(token)
    }

    private static let tagLength = 8

    private static func message(_ subscriberID: Int64, _ listID: Int64, _ issuedOffset: Int64) -> [UInt8] {
        var bytes = [TokenPurpose.unsubscribe.code]
        Varint.append(subscriberID, to: &bytes)
        Varint.append(listID, to: &bytes)
        Varint.append(issuedOffset, to: &bytes)
        return bytes
    }

    private static func decimal(_ text: Substring) -> Int64? {
        guard let value = Int64(text), value >= 0, value < 1 << 40, String(value) == text else { return nil }
        return value
    }
}
