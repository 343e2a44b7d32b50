import GRDB

extension Schema {
    /// The people who sign in to the console, their sessions, and the API keys of scripts. Ids are never
    /// reused (AUTOINCREMENT): an audit event names a person by address, a revoked key stays dead.
    /// Secrets are stored only as hashes: bcrypt for passwords, SHA-256 for session tokens and API keys
    /// (both 256-bit random values, so a fast hash is enough).
    static func createAdminTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE users (
                  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
                  email                TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (email LIKE '%_@_%'),
                  name                 TEXT NOT NULL DEFAULT '',
                  role                 TEXT NOT NULL CHECK (role IN ('editor','admin')),
                  password_hash        TEXT NOT NULL,
                  must_change_password BOOLEAN NOT NULL DEFAULT 0,
                  failed_sign_ins      INTEGER NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
                  last_failed_at       DATETIME,
                  last_sign_in_at      DATETIME,
                  created_at           DATETIME NOT NULL,
                  updated_at           DATETIME NOT NULL
                );

                CREATE TABLE sessions (
                  id           INTEGER PRIMARY KEY AUTOINCREMENT,
                  token_hash   TEXT NOT NULL UNIQUE,
                  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                  csrf_token   TEXT NOT NULL,
                  created_at   DATETIME NOT NULL,
                  last_seen_at DATETIME NOT NULL,
                  expires_at   DATETIME NOT NULL
                );
                CREATE INDEX sessions_user ON sessions(user_id);

                CREATE TABLE api_keys (
                  id           INTEGER PRIMARY KEY AUTOINCREMENT,
                  name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
                  role         TEXT NOT NULL CHECK (role IN ('editor','admin')),
                  key_hash     TEXT NOT NULL UNIQUE,
                  created_at   DATETIME NOT NULL,
                  last_used_at DATETIME,
                  revoked_at   DATETIME
                );
                -- A name is taken while its key works; a revoked key's name may be used again.
                CREATE UNIQUE INDEX api_keys_name ON api_keys(name) WHERE revoked_at IS NULL;
                """)
    }
}
