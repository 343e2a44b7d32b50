import Foundation
import GRDB
import RundbriefCore
import Testing

@testable import RundbriefStore

@Suite struct AppDatabaseTests {
    @Test func opensAFileInWALModeWithForeignKeysAndRunsEveryMigration() throws {
        let temporary = try TemporaryDatabase()
        let (journal, foreignKeys) = try temporary.database.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Bool.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(journal == "wal")
        #expect(foreignKeys == true)
        #expect(
            try temporary.database.appliedMigrations() == [
                "v1-subscribers", "v1-editions-and-sends", "v2-subscriber-ids-never-reused", "v2-bounce-verification",
                "v3-segments", "v3-sends", "v3-editions", "v3-lists", "v3-admin", "v4-admin2", "v4-editions",
                "v4-people",
            ])
        // Opening again runs nothing twice and keeps the data.
        try temporary.database.createList(slug: "news", name: "News")
        let reopened = try AppDatabase(path: temporary.path)
        #expect(try reopened.list(slug: "news").name == "News")
    }

    @Test func readersAndTheWriterKeepSmallPageCaches() throws {
        let temporary = try TemporaryDatabase()
        let reader = try temporary.database.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        let writer = try temporary.database.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        // Negative: KiB (SQLite's default is -2000 per connection).
        #expect(reader == -512)
        #expect(writer == -1024)
    }

    @Test func aMissingDirectoryIsAClearError() {
        #expect {
            _ = try AppDatabase(path: "/nonexistent-\(UUID().uuidString)/x.sqlite")
        } throws: { error in
            (error as? StoreError)?.code == .cannotOpen && "\(error)".contains("does not exist")
        }
    }

    @Test func aReadOnlyDatabaseRefusesWritesWithAClearError() throws {
        let temporary = try TemporaryDatabase()
        try temporary.database.createList(slug: "news", name: "News")
        let readOnly = try AppDatabase(path: temporary.path, readOnly: true)
        #expect(try readOnly.list(slug: "news").slug == "news")
        #expect {
            try readOnly.createList(slug: "other", name: "Other")
        } throws: { error in
            (error as? StoreError)?.code == .readOnly
        }
    }

    @Test func aLockedDatabaseFailsWithBusyAfterTheTimeout() throws {
        let temporary = try TemporaryDatabase()
        let other = try DatabaseQueue(path: temporary.path)
        let impatient = try AppDatabase(path: temporary.path, busyTimeout: .zero)
        try other.inDatabase { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            #expect {
                try impatient.createList(slug: "news", name: "News")
            } throws: { error in
                (error as? StoreError)?.code == .busy && (error as? StoreError)?.exitCode == 75
            }
            try db.execute(sql: "ROLLBACK")
        }
        try impatient.createList(slug: "news", name: "News")
    }

    @Test func theSchemaRefusesInvalidRows() throws {
        let temporary = try TemporaryDatabase()
        #expect(throws: (any Error).self) {
            try temporary.database.writer.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO subscribers (email, status, created_at, updated_at) VALUES ('a@b.de', 'happy', 0, 0)"
                )
            }
        }
        #expect(throws: (any Error).self) {
            try temporary.database.writer.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO subscriptions (subscriber_id, list_id, status, created_at, updated_at) VALUES (99, 99, 'active', 0, 0)"
                )
            }
        }
        #expect(throws: StoreError.self) {
            try temporary.database.createList(slug: "Bad Slug", name: "x")
        }
    }
}
