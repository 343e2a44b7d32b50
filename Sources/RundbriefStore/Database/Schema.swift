import Foundation
import GRDB

/// The versioned schema. A shipped migration never changes: new needs get a new migration.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-subscribers", migrate: createSubscriberTables)
        migrator.registerMigration("v1-editions-and-sends", migrate: createSendTables)
        migrator.registerMigration("v2-subscriber-ids-never-reused", migrate: neverReuseSubscriberIDs)
        migrator.registerMigration("v2-bounce-verification", migrate: addBounceVerification)
        migrator.registerMigration("v3-segments", migrate: createSegments)
        migrator.registerMigration("v3-sends", migrate: indexUnsubscribesBySend)
        migrator.registerMigration("v3-editions", migrate: addEditionRemoval)
        migrator.registerMigration("v3-lists", migrate: addListVisibility)
        migrator.registerMigration("v3-admin", migrate: Schema.createAdminTables)
        migrator.registerMigration("v4-admin2", migrate: Schema.addSecondFactor)
        migrator.registerMigration("v4-editions", migrate: Schema.addEditionRevisions)
        migrator.registerMigration("v4-people", migrate: indexDeliveriesBySubscriber)
        return migrator
    }

    private static func createSubscriberTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE lists (
                  id          INTEGER PRIMARY KEY,
                  slug        TEXT NOT NULL UNIQUE
                              CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*'),
                  name        TEXT NOT NULL CHECK (length(name) > 0),
                  description TEXT NOT NULL DEFAULT '',
                  created_at  DATETIME NOT NULL
                );

                -- email is stored as normalised by EmailAddress (domain lower-case ASCII, local part as given);
                -- NOCASE makes Anna@x.de and anna@x.de one subscriber, as every mailbox provider treats them.
                CREATE TABLE subscribers (
                  id                 INTEGER PRIMARY KEY,
                  email              TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (email LIKE '%_@_%'),
                  name               TEXT NOT NULL DEFAULT '',
                  status             TEXT NOT NULL
                                     CHECK (status IN ('pending','active','unsubscribed','bounced','complained')),
                  attributes         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
                  consent_at         DATETIME,
                  consent_method     TEXT,
                  consent_ip         TEXT,
                  consent_user_agent TEXT,
                  created_at         DATETIME NOT NULL,
                  updated_at         DATETIME NOT NULL
                );
                CREATE INDEX subscribers_status ON subscribers(status);

                CREATE TABLE subscriptions (
                  subscriber_id   INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
                  list_id         INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
                  status          TEXT NOT NULL CHECK (status IN ('pending','active','unsubscribed')),
                  created_at      DATETIME NOT NULL,
                  updated_at      DATETIME NOT NULL,
                  PRIMARY KEY (subscriber_id, list_id)
                ) WITHOUT ROWID;
                CREATE INDEX subscriptions_list ON subscriptions(list_id, status, subscriber_id);

                -- The audit log. subscriber_id is cleared when a subscriber is forgotten (GDPR erasure);
                -- the event itself stays so counts and decisions remain explainable.
                CREATE TABLE events (
                  id            INTEGER PRIMARY KEY,
                  subscriber_id INTEGER REFERENCES subscribers(id) ON DELETE SET NULL,
                  list_id       INTEGER REFERENCES lists(id) ON DELETE SET NULL,
                  kind          TEXT NOT NULL,
                  source        TEXT NOT NULL,
                  detail        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
                  created_at    DATETIME NOT NULL
                );
                CREATE INDEX events_subscriber ON events(subscriber_id, id);
                CREATE INDEX events_kind ON events(kind, created_at);

                -- Addresses that must never be added again, kept as a SHA-256 of the lower-cased address
                -- so an erased subscriber's address is not stored in the clear.
                CREATE TABLE suppressions (
                  email_hash TEXT PRIMARY KEY,
                  reason     TEXT NOT NULL CHECK (reason IN ('forgotten','bounced','complained','manual')),
                  created_at DATETIME NOT NULL
                ) WITHOUT ROWID;
                """)
    }

    /// `subscribers.id` becomes AUTOINCREMENT, so an erased subscriber's id is never given to someone
    /// else (tokens name subscribers by id). SQLite cannot alter a primary key: the table is rebuilt from
    /// its own definition (every column, constraint and index kept), with foreign keys off meanwhile
    /// (GRDB checks them when the migration ends). Ids erased before this migration, above the highest
    /// one left, cannot be known: tokens made before a subscriber's creation are refused for that reason too.
    private static func neverReuseSubscriberIDs(_ db: Database) throws {
        guard
            let table = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'subscribers'")
        else { return }
        let indexes = try String.fetchAll(
            db,
            sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'subscribers' AND sql IS NOT NULL")
        guard let key = table.range(of: "INTEGER PRIMARY KEY") else {
            throw DatabaseError(message: "unexpected definition of the subscribers table")
        }
        var rebuilt = table
        rebuilt.replaceSubrange(key, with: "INTEGER PRIMARY KEY AUTOINCREMENT")
        // The first "subscribers" is the table's name, in `CREATE TABLE subscribers (`.
        rebuilt.replaceSubrange(rebuilt.range(of: "subscribers")!, with: "subscribers_rebuilt")
        try db.execute(sql: rebuilt)
        try db.execute(sql: "INSERT INTO subscribers_rebuilt SELECT * FROM subscribers")
        try db.execute(sql: "DROP TABLE subscribers")
        try db.execute(sql: "ALTER TABLE subscribers_rebuilt RENAME TO subscribers")
        for index in indexes { try db.execute(sql: index) }
    }

    /// A bounce or complaint acts only when it came through a verified delivery of ours; every other
    /// report is recorded with `verified = 0`, shown and counted, never acted on. Earlier rows were acted on.
    private static func addBounceVerification(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE bounces ADD COLUMN verified BOOLEAN NOT NULL DEFAULT 1")
    }

    /// A list is public (offered on the sign-up form, shown in the archive) or private (reachable only
    /// from the command line and the console). Lists that existed before stay public, as they were.
    private static func addListVisibility(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE lists ADD COLUMN public BOOLEAN NOT NULL DEFAULT 1 CHECK (public IN (0, 1))")
    }

    /// `send report` counts the unsubscribes that came through a send's messages: the send id is in
    /// the event's detail (`{"send": "12"}`), indexed for the unsubscribe events only.
    private static func indexUnsubscribesBySend(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX events_unsubscribed_send ON events(json_extract(detail, '$.send'))
                WHERE kind = 'unsubscribed'
                """)
    }

    /// `edition remove` hides an edition rather than deleting its row: finished sends keep naming it
    /// (`sends.edition_id` is ON DELETE RESTRICT). Its slug can be added again, which brings the row back.
    private static func addEditionRemoval(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE editions ADD COLUMN removed_at DATETIME")
    }

    private static func createSendTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE editions (
                  id           INTEGER PRIMARY KEY,
                  slug         TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 128),
                  subject      TEXT NOT NULL,
                  preheader    TEXT NOT NULL DEFAULT '',
                  list_slug    TEXT NOT NULL,
                  template     TEXT NOT NULL DEFAULT 'edition',
                  markdown     TEXT NOT NULL,
                  -- the whole file as added (front matter + Markdown): what sends render from
                  source       TEXT NOT NULL,
                  front_matter TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(front_matter)),
                  source_path  TEXT,
                  created_at   DATETIME NOT NULL,
                  updated_at   DATETIME NOT NULL
                );

                CREATE TABLE sends (
                  id               INTEGER PRIMARY KEY,
                  edition_id       INTEGER NOT NULL REFERENCES editions(id) ON DELETE RESTRICT,
                  list_id          INTEGER NOT NULL REFERENCES lists(id) ON DELETE RESTRICT,
                  status           TEXT NOT NULL
                                   CHECK (status IN ('scheduled','running','paused','done','cancelled','failed')),
                  scheduled_at     DATETIME NOT NULL,
                  started_at       DATETIME,
                  finished_at      DATETIME,
                  audience_frozen  BOOLEAN NOT NULL DEFAULT 0,
                  -- the edition as it was when the audience was frozen: later edits do not change a running send
                  snapshot         TEXT CHECK (snapshot IS NULL OR json_valid(snapshot)),
                  status_reason    TEXT,
                  created_at       DATETIME NOT NULL,
                  updated_at       DATETIME NOT NULL
                );
                CREATE INDEX sends_due ON sends(status, scheduled_at);

                CREATE TABLE deliveries (
                  id              INTEGER PRIMARY KEY,
                  send_id         INTEGER NOT NULL REFERENCES sends(id) ON DELETE CASCADE,
                  subscriber_id   INTEGER REFERENCES subscribers(id) ON DELETE SET NULL,
                  domain          TEXT NOT NULL,
                  status          TEXT NOT NULL
                                  CHECK (status IN ('queued','sending','sent','deferred','failed','skipped')),
                  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                  next_attempt_at DATETIME,
                  last_code       INTEGER,
                  last_status     TEXT,
                  last_reply      TEXT,
                  updated_at      DATETIME NOT NULL,
                  sent_at         DATETIME,
                  UNIQUE (send_id, subscriber_id)
                );
                CREATE INDEX deliveries_work ON deliveries(send_id, status, next_attempt_at);

                CREATE TABLE bounces (
                  id            INTEGER PRIMARY KEY,
                  subscriber_id INTEGER REFERENCES subscribers(id) ON DELETE SET NULL,
                  delivery_id   INTEGER REFERENCES deliveries(id) ON DELETE SET NULL,
                  kind          TEXT NOT NULL CHECK (kind IN ('hard','soft','complaint','sender-blocked')),
                  source        TEXT NOT NULL,
                  status        TEXT,
                  diagnostic    TEXT,
                  created_at    DATETIME NOT NULL
                );
                CREATE INDEX bounces_subscriber ON bounces(subscriber_id, kind, created_at);
                CREATE INDEX bounces_recent ON bounces(created_at);
                """)
    }
}
