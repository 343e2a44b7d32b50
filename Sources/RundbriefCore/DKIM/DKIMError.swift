/// An error raised while loading a DKIM key or signing a message.
public struct DKIMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Equatable {
        /// The key file could not be read.
        case unreadableKey
        /// The file is not a PEM private key this signer supports
        /// (PKCS#1 or PKCS#8 RSA of at least 1024 bits, PKCS#8 Ed25519).
        case invalidKey
        /// The signing domain or selector is not a valid DNS label sequence.
        case invalidIdentity
        /// The crypto library refused to sign.
        case signingFailed
    }

    public let code: Code
    /// The key file or setting concerned, e.g. `/etc/rundbrief/dkim.pem`.
    public let source: String
    /// A human-readable reason.
    public let reason: String

    public init(_ code: Code, source: String, reason: String) {
        self.code = code
        self.source = source
        self.reason = reason
    }

    public var description: String {
        "DKIM error (\(source)): \(reason)"
    }
}
