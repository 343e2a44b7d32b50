import Foundation
import GRDB
import RundbriefCore
import Testing

@testable import RundbriefStore

/// Subscriber ids are never given twice (tokens name subscribers by id), and a database from before
/// that rule keeps every row, constraint, index and foreign key through the migration.
@Suite struct SubscriberIDTests {
    @Test func anErasedSubscribersIDIsNeverReused() throws {
        let temporary = try TemporaryDatabase()
        let database = temporary.database
        try database.createList(slug: "news", name: "News")
        _ = try database.addSubscriber(try EmailAddress("a@example.de"), list: "news", consent: Consent(method: "cli"))
        let last = try database.addSubscriber(
            try EmailAddress("b@example.de"), list: "news", consent: Consent(method: "cli"))
        try database.forgetSubscriber(try EmailAddress("b@example.de"))
        let next = try database.addSubscriber(
            try EmailAddress("c@example.de"), list: "news", consent: Consent(method: "cli"))
        #expect(next.id! > last.id!)
    }

    @Test func theMigrationKeepsRowsConstraintsIndexesAndForeignKeys() throws {
        // Given: a database as version 1 wrote it, with a subscriber, a membership, an event, a delivery, a bounce.
        let queue = try DatabaseQueue(configuration: AppDatabase.configuration(busyTimeout: .seconds(1)))
        try Schema.migrator.migrate(queue, upTo: "v1-editions-and-sends")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO lists (id, slug, name, created_at) VALUES (1, 'news', 'News', 0);
                    INSERT INTO subscribers (id, email, name, status, attributes, created_at, updated_at)
                      VALUES (1, 'Anna@example.de', 'Anna', 'active', '{"ort":"Unna"}', '2025-01-01 00:00:00.000', 0),
                             (2, 'bernd@example.de', '', 'bounced', '{}', 0, 0);
                    INSERT INTO subscriptions VALUES (1, 1, 'active', 0, 0);
                    INSERT INTO events (subscriber_id, kind, source, created_at) VALUES (1, 'subscribed', 'cli', 0);
                    INSERT INTO editions (id, slug, subject, list_slug, markdown, source, created_at, updated_at)
                      VALUES (1, 'e1', 'S', 'news', 'x', 'x', 0, 0);
                    INSERT INTO sends (id, edition_id, list_id, status, scheduled_at, created_at, updated_at)
                      VALUES (1, 1, 1, 'done', 0, 0, 0);
                    INSERT INTO deliveries (id, send_id, subscriber_id, domain, status, updated_at)
                      VALUES (1, 1, 2, 'example.de', 'sent', 0);
                    INSERT INTO bounces (subscriber_id, delivery_id, kind, source, created_at) VALUES (2, 1, 'hard', 'dsn', 0);
                    """)
        }

        // When: the current version opens it.
        let database = try AppDatabase(writer: queue)

        // Then: the rows are there, the old bounce counts as verified, nothing dangles.
        let anna = try #require(try database.subscriber(id: 1))
        #expect(anna.email == "Anna@example.de" && anna.attributes == ["ort": "Unna"])
        #expect(try database.subscriber(id: 2)?.status == .bounced)
        let (dangling, verified, table, indexes, references) = try queue.read { db in
            (
                try Row.fetchAll(db, sql: "PRAGMA foreign_key_check"),
                try Bool.fetchOne(db, sql: "SELECT verified FROM bounces"),
                try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'subscribers'") ?? "",
                try db.indexes(on: "subscribers").map(\.name),
                try db.foreignKeys(on: "subscriptions").map(\.destinationTable)
            )
        }
        #expect(dangling.isEmpty)
        #expect(verified == true)
        #expect(table.contains("INTEGER PRIMARY KEY AUTOINCREMENT"))
        #expect(table.contains("COLLATE NOCASE"))
        #expect(indexes.contains("subscribers_status"))
        #expect(references.contains("subscribers"))
        // The constraints still hold: NOCASE uniqueness, the status CHECK, the cascade on erasure.
        #expect(throws: (any Error).self) {
            try queue.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO subscribers (email, status, created_at, updated_at) VALUES ('anna@example.de', 'active', 0, 0)"
                )
            }
        }
        #expect(throws: (any Error).self) {
            try queue.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO subscribers (email, status, created_at, updated_at) VALUES ('x@example.de', 'gone', 0, 0)"
                )
            }
        }
        try database.forgetSubscriber(try EmailAddress("bernd@example.de"))
        let link = try queue.read { db in
            try Int64.fetchOne(db, sql: "SELECT subscriber_id FROM deliveries WHERE id = 1")
        }
        #expect(link == nil)
        // And the erased id is not given again.
        let next = try database.addSubscriber(
            try EmailAddress("neu@example.de"), list: "news", consent: Consent(method: "cli"))
        #expect(next.id == 3)
    }
}
