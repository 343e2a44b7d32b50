/// Variable envelope return paths: `bounces+<delivery id>-<tag>@domain`.
///
/// A bounce comes back to the address its message was sent from, so the envelope sender names
/// the delivery even when the bounce message itself is garbled. The tag is a 64-bit HMAC
/// (purpose `.bounce`) in lower-case base32, because mail systems may change the case of a local
/// part; without it anyone could bounce a forged delivery id to unsubscribe someone else.
public struct VERPAddress: Sendable {
    static let tagLength = 8
    private static let base32 = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// The envelope sender for one delivery.
    /// - Parameters:
    ///   - localPart: the fixed part before `+`, usually `bounces`.
    ///   - domain: the bounce domain (ASCII).
    public static func make(deliveryID: Int64, localPart: String, domain: String, signer: TokenSigner)
        -> String
    {
        let tag = signer.signingTag(message(deliveryID), length: tagLength)
        return "\(localPart)+\(deliveryID)-\(base32(tag))@\(domain)"
    }

    /// The delivery id a bounce address names, or `nil` if the address is not one of ours or its tag is forged.
    ///
    /// Matching ignores case and surrounding angle brackets; every configured key is tried, so
    /// bounces of mail sent before a key rotation still resolve.
    public static func deliveryID(in address: String, localPart: String, signer: TokenSigner)
        -> Int64?
    {
        var text = Substring(address.lowercased()).trimmingPrefix("<")
        if text.hasSuffix(">") { text = text.dropLast() }
        guard let at = text.lastIndex(of: "@") else { return nil }
        let prefix = localPart.lowercased() + "+"
        let local = text[..<at]
        guard local.hasPrefix(prefix) else { return nil }
        let parts = local.dropFirst(prefix.count).split(
            separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].allSatisfy(\.isASCII), let id = Int64(parts[0]),
            String(id) == parts[0]
        else { return nil }
        let given = Array(parts[1].utf8)
        var matched = false
        for tag in signer.tags(message(id), length: tagLength) {
            // Check every key, so timing does not tell which one matched.
            matched = TokenSigner.constantTimeEqual(Array(base32(tag).utf8), given) || matched
        }
        return matched ? id : nil
    }

    private static func message(_ deliveryID: Int64) -> [UInt8] {
        var bytes = [TokenPurpose.bounce.code]
        Varint.append(deliveryID, to: &bytes)
        return bytes
    }

    /// Lower-case base32 without padding: mail systems may change the case of a local part.
    static func base32(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(base32[Int((buffer >> UInt32(bits - 5)) & 0x1F)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(base32[Int((buffer << UInt32(5 - bits)) & 0x1F)]) }
        return String(decoding: output, as: UTF8.self)
    }
}
