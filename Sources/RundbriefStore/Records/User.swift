public import Foundation

/// What a person or an API key may do: editors work with editions, sends and segments and read
/// subscribers; admins also manage subscribers' data, lists, users and API keys.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case editor, admin

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs == .editor && rhs == .admin }
}

/// A person who signs in to the console. The password is stored only as a bcrypt hash.
public struct User: Sendable, Equatable {
    public var id: Int64
    public var email: String
    public var name: String
    public var role: Role
    public var passwordHash: String
    /// Set for a one-time password: the next sign-in must choose a new one first.
    public var mustChangePassword: Bool
    /// Failed sign-ins since the last successful one.
    public var failedSignIns: Int
    public var lastFailedAt: Date?
    public var lastSignInAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    /// Whether sign-in asks for a TOTP code after the password.
    public var totpEnabled = false
}

/// A signed-in browser. The cookie holds a random token; only its SHA-256 is stored.
public struct Session: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    /// Sent with every form and compared with what comes back (not a credential on its own).
    public var csrfToken: String
    public var createdAt: Date
    public var expiresAt: Date
}

/// A key a script calls the admin API with. Only its SHA-256 is stored.
public struct APIKey: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var role: Role
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?
}
