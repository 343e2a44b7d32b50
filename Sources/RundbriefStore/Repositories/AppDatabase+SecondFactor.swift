public import Foundation
import GRDB

/// A person's TOTP state: the secret in use, one being set up, the last accepted time step.
public struct TOTPState: Sendable, Equatable {
    public var secret: String?
    public var pending: String?
    public var lastStep: Int64?
}

/// A sign-in whose password was right, waiting for its TOTP code.
public struct SignInChallenge: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var attempts: Int
}

extension AppDatabase {
    /// The person's TOTP state.
    /// - Throws: `StoreError.notFound` when the person is gone.
    public func totpState(userID: Int64) throws -> TOTPState {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT totp_secret, totp_pending, totp_last_step FROM users WHERE id = ?",
                    arguments: [userID])
            else { throw StoreError(.notFound, "the user does not exist any more") }
            return TOTPState(secret: row["totp_secret"], pending: row["totp_pending"], lastStep: row["totp_last_step"])
        }
    }

    /// Keeps a secret being set up until its first code confirms it.
    public func setPendingTOTP(userID: Int64, secret: String, now: Date) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE users SET totp_pending = ?, updated_at = ? WHERE id = ?", arguments: [secret, now, userID])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "the user does not exist any more") }
        }
    }

    /// Turns on the pending secret, noting the step its confirming code was for.
    /// - Throws: `StoreError.invalidState` when no secret is being set up (or another one is by now).
    public func enableTOTP(userID: Int64, secret: String, step: Int64, now: Date) throws {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ?, updated_at = ?
                    WHERE id = ? AND totp_pending = ?
                    """, arguments: [step, now, userID, secret])
            guard db.changesCount == 1 else {
                throw StoreError(.invalidState, "two-factor sign-in is not being set up; start again")
            }
        }
    }

    /// Turns TOTP off (recovery by an admin): the next sign-in needs the password only.
    public func clearTOTP(userID: Int64, now: Date) throws {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL, updated_at = ?
                    WHERE id = ?
                    """, arguments: [now, userID])
            try db.execute(sql: "DELETE FROM sign_in_challenges WHERE user_id = ?", arguments: [userID])
        }
    }

    /// Records that a code for `step` was used, only if no code for this or a later step was: false
    /// for a replayed code (checked and written in one statement, so two requests cannot both pass).
    public func useTOTPStep(userID: Int64, step: Int64) throws -> Bool {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE users SET totp_last_step = ?
                    WHERE id = ? AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ?)
                    """, arguments: [step, userID, step])
            return db.changesCount == 1
        }
    }

    /// Stores a sign-in waiting for its code.
    public func createSignInChallenge(tokenHash: String, userID: Int64, now: Date, expiresAt: Date) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM sign_in_challenges WHERE expires_at <= ?", arguments: [now])
            try db.execute(
                sql: "INSERT INTO sign_in_challenges (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
                arguments: [tokenHash, userID, expiresAt])
        }
    }

    /// The unexpired challenge with this token hash, if any.
    public func signInChallenge(tokenHash: String, now: Date) throws -> SignInChallenge? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT id, user_id, attempts FROM sign_in_challenges WHERE token_hash = ? AND expires_at > ?",
                arguments: [tokenHash, now]
            ).map { SignInChallenge(id: $0["id"], userID: $0["user_id"], attempts: $0["attempts"]) }
        }
    }

    /// Counts a wrong code; the challenge ends after `limit` of them.
    public func failSignInChallenge(id: Int64, limit: Int) throws {
        try write { db in
            try db.execute(sql: "UPDATE sign_in_challenges SET attempts = attempts + 1 WHERE id = ?", arguments: [id])
            try db.execute(
                sql: "DELETE FROM sign_in_challenges WHERE id = ? AND attempts >= ?", arguments: [id, limit])
        }
    }

    /// Ends a challenge (its code was right, or it was abandoned).
    public func deleteSignInChallenge(id: Int64) throws {
        try write { db in try db.execute(sql: "DELETE FROM sign_in_challenges WHERE id = ?", arguments: [id]) }
    }

    /// The person with this id, if any.
    public func user(id: Int64) throws -> User? {
        try read { db in try Self.user(id: id, in: db) }
    }
}
