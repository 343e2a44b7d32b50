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
    /// Further lists a confirmation is about (one sign-up for several lists sends one mail whose
    /// link confirms them all); only with a `listID`.
    public var moreListIDs: [Int64]
    /// When the token was made; tokens carry it to the second, so sub-second parts are dropped.
    public var issued: Date
    /// The send whose message carried the token (unsubscribe links in a send's messages), so an
    /// unsubscribe counts in that send's report; `nil` in every other token and in older ones.
    public var sendID: Int64?

    public init(
        purpose: TokenPurpose, subscriberID: Int64, listID: Int64?, moreListIDs: [Int64] = [], issued: Date,
        sendID: Int64? = nil
    ) {
        precondition(moreListIDs.isEmpty || listID != nil, "further lists need a first list")
        precondition(moreListIDs.count <= SignedToken.maxMoreLists, "too many lists for one token")
        self.purpose = purpose
        self.subscriberID = subscriberID
        self.listID = listID
        self.moreListIDs = moreListIDs
        self.issued = issued
        self.sendID = sendID
    }

    /// Every list the token names, the first one first.
    public var listIDs: [Int64] { (listID.map { [$0] } ?? []) + moreListIDs }
}

/// The binary layout of a token before signing:
/// `version | key id length | key id | purpose (bit 7: has list, bit 6: has send, bit 5: more lists)
/// | varint subscriber | [varint list] | [varint send] | [count, varint list…] | varint issued`,
/// followed by an HMAC-SHA256 tag over everything before it. Version 2 (written now) counts `issued` in
/// seconds from 2026-01-01 and carries a 12-byte tag; version 1 (still verified: links in mail sent
/// earlier keep working) counts from 1970 with a 16-byte tag. Version 2 is 5 bytes shorter, so an
/// unsubscribe URL fits a 78-octet `List-Unsubscribe` line. The send id (one to three bytes) was added
/// within version 2 behind its own flag bit: tokens without it verify as before.
enum SignedToken {
    static let version: UInt8 = 2
    static let legacyVersion: UInt8 = 1
    /// The start of version 2's clock (2026-01-01T00:00:00Z).
    static let epoch: Int64 = 1_767_225_600
    private static let hasListFlag: UInt8 = 0x80
    private static let hasSendFlag: UInt8 = 0x40
    private static let moreListsFlag: UInt8 = 0x20
    /// At most this many further lists in one token (a sign-up form offers a handful).
    static let maxMoreLists = 32

    /// The tag length of a token of `version`; nil for an unknown version.
    static func tagLength(version: UInt8) -> Int? {
        switch version {
        case SignedToken.version: 12
        case legacyVersion: 16
        default: nil
        }
    }

    static func payload(_ claims: TokenClaims, keyID: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [version, UInt8(keyID.count)]
        bytes += keyID
        bytes.append(
            claims.purpose.code | (claims.listID == nil ? 0 : hasListFlag) | (claims.sendID == nil ? 0 : hasSendFlag)
                | (claims.moreListIDs.isEmpty ? 0 : moreListsFlag))
        Varint.append(claims.subscriberID, to: &bytes)
        if let listID = claims.listID { Varint.append(listID, to: &bytes) }
        if let sendID = claims.sendID { Varint.append(sendID, to: &bytes) }
        if !claims.moreListIDs.isEmpty {
            bytes.append(UInt8(claims.moreListIDs.count))
            for listID in claims.moreListIDs { Varint.append(listID, to: &bytes) }
        }
        Varint.append(Int64(claims.issued.timeIntervalSince1970.rounded(.down)) - epoch, to: &bytes)
        return bytes
    }

    /// The key id and tag length of a decoded token, or `nil` if the bytes are not shaped like a token.
    static func keyID(in bytes: [UInt8]) -> (keyID: [UInt8], tagLength: Int)? {
        guard let version = bytes.first, let tagLength = tagLength(version: version),
            bytes.count > 2 + tagLength
        else { return nil }
        let length = Int(bytes[1])
        guard bytes.count >= 2 + length + tagLength else { return nil }
        return (Array(bytes[2..<2 + length]), tagLength)
    }

    /// Parses the claims of a token whose signature has been checked.
    static func claims(in payload: [UInt8], keyIDLength: Int) -> TokenClaims? {
        var index = 2 + keyIDLength
        guard index < payload.count else { return nil }
        let flags = payload[index]
        index += 1
        guard let purpose = TokenPurpose(code: flags & ~(hasListFlag | hasSendFlag | moreListsFlag)),
            let subscriberID = Varint.read(payload, at: &index)
        else { return nil }
        var listID: Int64?
        if flags & hasListFlag != 0 {
            guard let list = Varint.read(payload, at: &index) else { return nil }
            listID = list
        }
        var sendID: Int64?
        if flags & hasSendFlag != 0 {
            guard let send = Varint.read(payload, at: &index) else { return nil }
            sendID = send
        }
        var moreListIDs: [Int64] = []
        if flags & moreListsFlag != 0 {
            guard listID != nil, index < payload.count else { return nil }
            let count = Int(payload[index])
            index += 1
            guard (1...maxMoreLists).contains(count) else { return nil }
            for _ in 0..<count {
                guard let list = Varint.read(payload, at: &index) else { return nil }
                moreListIDs.append(list)
            }
        }
        guard let seconds = Varint.read(payload, at: &index), index == payload.count else { return nil }
        let (issued, overflow) = seconds.addingReportingOverflow(payload[0] == version ? epoch : 0)
        guard !overflow else { return nil }
        return TokenClaims(
            purpose: purpose, subscriberID: subscriberID, listID: listID, moreListIDs: moreListIDs,
            issued: Date(timeIntervalSince1970: TimeInterval(issued)), sendID: sendID)
    }
}
