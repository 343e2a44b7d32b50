import Crypto
public import Foundation

/// Signs and verifies stateless tokens for confirmation, unsubscribe and bounce links.
///
/// A token is base64url over a compact binary payload (see ``SignedToken``) and a truncated
/// HMAC-SHA256 tag; about 34 characters for typical ids. The first key signs, every key verifies,
/// so a key can be rotated by putting the new one first and dropping the old one later.
public struct TokenSigner: Sendable {
    private let keys: [TokenKey]
    /// HMAC-SHA256 keyed with each key, made once: a send signs several tags per message, and keying
    /// hashes the key twice.
    private let macs: [HMAC<SHA256>]

    /// - Parameter keys: the signing key first, then older keys that still verify. Must not be empty.
    public init(keys: [TokenKey]) {
        precondition(!keys.isEmpty, "TokenSigner needs at least one key")
        precondition(keys.allSatisfy { $0.id.utf8.count <= 255 }, "token key ids are at most 255 bytes")
        self.keys = keys
        macs = keys.map { HMAC<SHA256>(key: SymmetricKey(data: $0.secret)) }
    }

    /// Makes a token for `claims`, signed with the first key.
    public func sign(_ claims: TokenClaims) -> String {
        let key = keys[0]
        var bytes = SignedToken.payload(claims, keyID: Array(key.id.utf8))
        bytes += Self.tag(bytes, mac: macs[0]).prefix(SignedToken.tagLength(version: SignedToken.version) ?? 16)
        return Base64URL.encode(bytes)
    }

    /// Checks a token and returns its claims.
    /// - Parameters:
    ///   - purpose: the purpose the caller is about to act on.
    ///   - now: the current time (injected so tests control it).
    ///   - maxAge: how old the token may be; `nil` for tokens that never expire.
    /// - Throws: `TokenError` saying why the token is refused.
    public func verify(_ token: String, purpose: TokenPurpose, now: Date, maxAge: Duration?)
        throws(TokenError)
        -> TokenClaims
    {
        guard let bytes = Base64URL.decode(token), let (keyID, tagLength) = SignedToken.keyID(in: bytes) else {
            throw TokenError(.malformed)
        }
        guard let key = keys.firstIndex(where: { Array($0.id.utf8) == keyID }) else {
            throw TokenError(.unknownKey)
        }
        let payload = Array(bytes.dropLast(tagLength))
        guard
            Self.constantTimeEqual(
                Array(Self.tag(payload, mac: macs[key]).prefix(tagLength)), Array(bytes.suffix(tagLength)))
        else {
            throw TokenError(.badSignature)
        }
        guard let claims = SignedToken.claims(in: payload, keyIDLength: keyID.count) else {
            throw TokenError(.malformed)
        }
        guard claims.purpose == purpose else { throw TokenError(.wrongPurpose) }
        if let maxAge, now.timeIntervalSince(claims.issued) > Self.seconds(maxAge) {
            throw TokenError(.expired)
        }
        return claims
    }

    /// A short tag over `message` made with the signing key: what a new link or address carries.
    func signingTag(_ message: [UInt8], length: Int) -> [UInt8] {
        Array(Self.tag(message, mac: macs[0]).prefix(length))
    }

    /// A short tag over `message` made with every configured key, newest first: what a check accepts.
    func tags(_ message: [UInt8], length: Int) -> [[UInt8]] {
        macs.map { Array(Self.tag(message, mac: $0).prefix(length)) }
    }

    /// The first 16 bytes of the HMAC-SHA256 of `message`; callers shorten it further.
    static func tag(_ message: [UInt8], key: TokenKey) -> [UInt8] {
        tag(message, mac: HMAC<SHA256>(key: SymmetricKey(data: key.secret)))
    }

    /// ``tag(_:key:)`` with the key's HMAC state made beforehand.
    static func tag(_ message: [UInt8], mac: HMAC<SHA256>) -> [UInt8] {
        var mac = mac
        mac.update(data: message)
        return mac.finalize().withUnsafeBytes { Array($0.prefix(16)) }
    }

    /// Compares without an early exit, so timing does not reveal how many leading bytes matched.
    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
