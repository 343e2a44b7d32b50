public import Foundation
import GRDB

extension AppDatabase {
    // MARK: Users

    /// Adds a person who may sign in.
    /// - Throws: `StoreError` `.alreadyExists` when the address has an account already.
    @discardableResult
    public func createUser(
        email: String, name: String, role: Role, passwordHash: String, mustChangePassword: Bool, now: Date
    ) throws -> User {
        try write { db in
            if try Self.user(email: email, in: db) != nil {
                throw StoreError(.alreadyExists, "\(email) has an account already")
            }
            try db.execute(
                sql: """
                    INSERT INTO users (email, name, role, password_hash, must_change_password, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [email, name, role.rawValue, passwordHash, mustChangePassword, now, now])
            return try Self.user(id: db.lastInsertedRowID, in: db)!
        }
    }

    /// Every person, by address.
    public func users() throws -> [User] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY email").map(Self.user(row:)) }
    }

    /// The person with this address (case-insensitive), if any.
    public func user(email: String) throws -> User? {
        try read { db in try Self.user(email: email, in: db) }
    }

    /// Removes a person; their sessions end with them.
    /// - Throws: `StoreError.notFound` when there is no such person.
    @discardableResult
    public func deleteUser(email: String) throws -> User {
        try write { db in
            guard let user = try Self.user(email: email, in: db) else {
                throw StoreError(.notFound, "no user \(email) (see: rundbrief users list)")
            }
            try db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [user.id])
            return user
        }
    }

    /// Replaces a password hash. Every session of the person ends, except `keepingSession` (the one that
    /// changed it), so a password reset also signs out whoever knew the old one.
    public func setPassword(
        userID: Int64, hash: String, mustChange: Bool, keepingSession: Int64? = nil, now: Date
    ) throws {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE users SET password_hash = ?, must_change_password = ?, failed_sign_ins = 0,
                      last_failed_at = NULL, updated_at = ? WHERE id = ?
                    """, arguments: [hash, mustChange, now, userID])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "the user does not exist any more") }
            try db.execute(
                sql: "DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?", arguments: [userID, keepingSession])
        }
    }

    /// Counts a failed sign-in against the account (for throttling).
    public func recordFailedSignIn(userID: Int64, now: Date) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE users SET failed_sign_ins = failed_sign_ins + 1, last_failed_at = ? WHERE id = ?",
                arguments: [now, userID])
        }
    }

    // MARK: Sessions

    /// Starts a session for a person who just signed in, and forgets their failed attempts.
    public func createSession(
        tokenHash: String, userID: Int64, csrfToken: String, now: Date, expiresAt: Date
    ) throws -> Session {
        try write { db in
            try db.execute(
                sql: "UPDATE users SET failed_sign_ins = 0, last_failed_at = NULL, last_sign_in_at = ? WHERE id = ?",
                arguments: [now, userID])
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at <= ?", arguments: [now])
            try db.execute(
                sql: """
                    INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [tokenHash, userID, csrfToken, now, now, expiresAt])
            return Session(
                id: db.lastInsertedRowID, userID: userID, csrfToken: csrfToken, createdAt: now, expiresAt: expiresAt)
        }
    }

    /// The unexpired session with this token hash and its person, if any.
    public func session(tokenHash: String, now: Date) throws -> (Session, User)? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM sessions WHERE token_hash = ? AND expires_at > ?",
                    arguments: [tokenHash, now]),
                let user = try Self.user(id: row["user_id"], in: db)
            else { return nil }
            let session = Session(
                id: row["id"], userID: row["user_id"], csrfToken: row["csrf_token"], createdAt: row["created_at"],
                expiresAt: row["expires_at"])
            return (session, user)
        }
    }

    /// Ends a session (sign-out).
    public func deleteSession(id: Int64) throws {
        try write { db in try db.execute(sql: "DELETE FROM sessions WHERE id = ?", arguments: [id]) }
    }

    // MARK: API keys

    /// Stores a new key's hash under a name.
    /// - Throws: `StoreError.alreadyExists` when a working key has this name.
    public func createAPIKey(name: String, role: Role, keyHash: String, now: Date) throws -> APIKey {
        try write { db in
            if try Row.fetchOne(
                db, sql: "SELECT 1 FROM api_keys WHERE name = ? AND revoked_at IS NULL", arguments: [name]) != nil
            {
                throw StoreError(.alreadyExists, "an API key named '\(name)' exists already")
            }
            try db.execute(
                sql: "INSERT INTO api_keys (name, role, key_hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name, role.rawValue, keyHash, now])
            return APIKey(
                id: db.lastInsertedRowID, name: name, role: role, createdAt: now, lastUsedAt: nil, revokedAt: nil)
        }
    }

    /// Every key, working and revoked, oldest first.
    public func apiKeys() throws -> [APIKey] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_keys ORDER BY id").map { row in Self.apiKey(row: row).key }
        }
    }

    /// Revokes the working key with this name.
    /// - Throws: `StoreError.notFound` when no working key has it.
    public func revokeAPIKey(name: String, now: Date) throws -> APIKey {
        try write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM api_keys WHERE name = ? AND revoked_at IS NULL", arguments: [name])
            else { throw StoreError(.notFound, "no working API key named '\(name)' (see: rundbrief api-keys list)") }
            var key = Self.apiKey(row: row).key
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ?", arguments: [now, key.id])
            key.revokedAt = now
            return key
        }
    }

    /// The working key whose hash this is, with the stored hash (for a constant-time comparison).
    /// Notes the use at most once a minute, so a busy script does not write on every call.
    public func workingAPIKey(hash: String, now: Date) throws -> (key: APIKey, storedHash: String)? {
        let found = try read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", arguments: [hash]
            ).map(Self.apiKey(row:))
        }
        guard let found else { return nil }
        if found.key.lastUsedAt.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            try write { db in
                try db.execute(
                    sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", arguments: [now, found.key.id])
            }
        }
        return found
    }

    // MARK: Rows

    static func user(email: String, in db: Database) throws -> User? {
        try Row.fetchOne(db, sql: "SELECT * FROM users WHERE email = ? COLLATE NOCASE", arguments: [email])
            .map(user(row:))
    }

    static func user(id: Int64, in db: Database) throws -> User? {
        try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id]).map(user(row:))
    }

    static func user(row: Row) -> User {
        User(
            id: row["id"], email: row["email"], name: row["name"], role: Role(rawValue: row["role"]) ?? .editor,
            passwordHash: row["password_hash"], mustChangePassword: row["must_change_password"],
            failedSignIns: row["failed_sign_ins"], lastFailedAt: row["last_failed_at"],
            lastSignInAt: row["last_sign_in_at"], createdAt: row["created_at"], updatedAt: row["updated_at"],
            totpEnabled: (row["totp_secret"] as String?) != nil)
    }

    static func apiKey(row: Row) -> (key: APIKey, storedHash: String) {
        let key = APIKey(
            id: row["id"], name: row["name"], role: Role(rawValue: row["role"]) ?? .editor,
            createdAt: row["created_at"], lastUsedAt: row["last_used_at"], revokedAt: row["revoked_at"])
        return (key, row["key_hash"])
    }
}
