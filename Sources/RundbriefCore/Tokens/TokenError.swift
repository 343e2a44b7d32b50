/// Why a token was refused.
///
/// The description names the kind of failure only; the token itself is never repeated.
public struct TokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of refusal, so the web edge can choose a page ("this link has expired").
    public enum Code: Sendable, Equatable {
        /// Not a token this program made: bad base64url, wrong length, unknown version.
        case malformed
        /// Signed with a key that is no longer configured.
        case unknownKey
        /// The signature does not match: forged or altered.
        case badSignature
        /// A valid token made for another purpose (a confirmation link used to unsubscribe).
        case wrongPurpose
        /// Older than the purpose allows.
        case expired
    }

    public var code: Code

    public init(_ code: Code) {
        self.code = code
    }

    public var description: String {
        switch code {
        case .malformed: "token is malformed"
        case .unknownKey: "token was signed with an unknown key"
        case .badSignature: "token signature does not match"
        case .wrongPurpose: "token was issued for another purpose"
        case .expired: "token has expired"
        }
    }
}
