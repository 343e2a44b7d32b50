public import Foundation

/// A secret that signs tokens, named so tokens can say which key made them.
public struct TokenKey: Sendable {
    /// A short name carried in every token (keep it to a few characters: it adds to every URL).
    public var id: String
    /// At least 32 random bytes.
    public var secret: [UInt8]

    public init(id: String, secret: [UInt8]) {
        self.id = id
        self.secret = secret
    }
}

/// What a token allows; a token for one purpose never works for another.
public enum TokenPurpose: String, Sendable, CaseIterable {
    case confirm, unsubscribe, bounce
    /// Undoes one web unsubscribe: `issued` is the time of that unsubscribe (short-lived).
    case undo

    var code: UInt8 {
        switch self {
        case .confirm: 1
        case .unsubscribe: 2
        case .bounce: 3
        case .undo: 4
        }
    }

    init?(code: UInt8) {
        guard let purpose = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = purpose
    }
}

/// What a token asserts.
public struct TokenClaims: Sendable, Equatable {
    public var purpose: TokenPurpose
    public var subscriberID: Int64
    /// The list the token is about; `nil` means every list (unsubscribe from all).
    public var listID: Int64?
    /// When the token was made; tokens carry it to the second, so sub-second parts are dropped.
    public var issued: Date

    public init(purpose: TokenPurpose, subscriberID: Int64, listID: Int64?, issued: Date) {
        self.purpose = purpose
        self.subscriberID = subscriberID
        self.listID = listID
        self.issued = issued
    }
}

/// The binary layout of a token before signing:
/// `version | key id length | key id | purpose (bit 7: has list) | varint subscriber | [varint list] | varint issued`,
/// followed by a 16-byte HMAC-SHA256 tag over everything before it.
enum SignedToken {
    static let version: UInt8 = 1
    static let tagLength = 16
    private static let hasListFlag: UInt8 = 0x80

    static func payload(_ claims: TokenClaims, keyID: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [version, UInt8(keyID.count)]
        bytes += keyID
        bytes.append(claims.purpose.code | (claims.listID == nil ? 0 : hasListFlag))
        Varint.append(claims.subscriberID, to: &bytes)
        if let listID = claims.listID { Varint.append(listID, to: &bytes) }
        Varint.append(Int64(claims.issued.timeIntervalSince1970.rounded(.down)), to: &bytes)
        return bytes
    }

    /// The key id of a decoded token, or `nil` if the bytes are not shaped like a token.
    static func keyID(in bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count > 2 + tagLength, bytes[0] == version else { return nil }
        let length = Int(bytes[1])
        guard bytes.count >= 2 + length + tagLength else { return nil }
        return Array(bytes[2..<2 + length])
    }

    /// Parses the claims of a token whose signature has been checked.
    static func claims(in payload: [UInt8], keyIDLength: Int) -> TokenClaims? {
        var index = 2 + keyIDLength
        guard index < payload.count else { return nil }
        let flags = payload[index]
        index += 1
        guard let purpose = TokenPurpose(code: flags & ~hasListFlag),
            let subscriberID = Varint.read(payload, at: &index)
        else { return nil }
        var listID: Int64?
        if flags & hasListFlag != 0 {
            guard let list = Varint.read(payload, at: &index) else { return nil }
            listID = list
        }
        guard let seconds = Varint.read(payload, at: &index), index == payload.count else { return nil }
        return TokenClaims(
            purpose: purpose, subscriberID: subscriberID, listID: listID,
            issued: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
