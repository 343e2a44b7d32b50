import HummingbirdBcrypt

/// Passwords: bcrypt (HummingbirdBcrypt) with a cost that makes a guess slow. Hashing takes a
/// noticeable fraction of a second by design: adapters call it off the Swift concurrency pool.
public struct PasswordHasher: Sendable {
    /// bcrypt's cost (log2 of the rounds).
    public let cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    func hash(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// A hash of no one's password, verified against when the address is unknown, so a sign-in for an
    /// unknown address takes as long as one for a known address (no account enumeration by timing).
    static let decoy = Bcrypt.hash(Secret.token(), cost: 12)

    /// Why a password chosen by a person cannot be used, or nil.
    static func problem(with password: String, email: String) -> String? {
        if password.count < 12 { return "a password needs at least 12 characters" }
        if password.utf8.count > 72 { return "a password may have at most 72 bytes (bcrypt reads no further)" }
        if password.lowercased() == email.lowercased() { return "a password must not be the e-mail address" }
        if password.contains(where: { $0.isNewline }) { return "a password must be one line" }
        return nil
    }
}
