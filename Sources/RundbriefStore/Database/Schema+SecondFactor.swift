import GRDB

extension Schema {
    /// Optional TOTP for admins: the secret of a person who turned it on (`totp_secret`, stored as it
    /// is — not encrypted: whoever reads the database file can also change every password hash), one
    /// being set up and not yet confirmed (`totp_pending`), and the last time step a code was accepted
    /// for (`totp_last_step`), so a code is never accepted twice. A sign-in whose password was right
    /// waits for its code in `sign_in_challenges` (only the SHA-256 of its random token is stored).
    static func addSecondFactor(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE users ADD COLUMN totp_secret TEXT;
                ALTER TABLE users ADD COLUMN totp_pending TEXT;
                ALTER TABLE users ADD COLUMN totp_last_step INTEGER;

                CREATE TABLE sign_in_challenges (
                  id         INTEGER PRIMARY KEY AUTOINCREMENT,
                  token_hash TEXT NOT NULL UNIQUE,
                  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                  attempts   INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                  expires_at DATETIME NOT NULL
                );
                CREATE INDEX sign_in_challenges_user ON sign_in_challenges(user_id);
                """)
    }
}
